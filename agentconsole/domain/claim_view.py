"""A ticket's claim as an agent sees it, and the console's one-key claim or release.

The log decides claims (:mod:`agentconsole.domain.claims`); until this machine's
claim or release has come back from the log, the console says it is *queued* rather
than guessing the outcome. One key toggles: claim a free ticket, release one this
agent holds; a ticket another agent holds is not asked for (the answer is known: the
first claim in the log holds it until its holder releases it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from agentconsole.domain import claims
from agentconsole.models import Event
from agentconsole.store.events import ticket_events
from agentconsole.store.tickets import get_ticket


@dataclass(frozen=True)
class ClaimView:
    """Who holds the ticket as far as the log says, and what this agent asked that
    the log has not decided yet (``claim``, ``release`` or None)."""

    holder: str | None
    waiting: str | None = None

    def line(self, me: str) -> str:
        """The claim in a few words: ``claim queued``, ``you hold it``,
        ``claimed by ana`` or ``not claimed``."""
        if self.waiting is not None:
            return f"{self.waiting} queued"
        if self.holder is None:
            return "not claimed"
        if self.holder == me:
            return "you hold it"
        return f"claimed by {self.holder}"


def waiting_request(events: list[Event], me: str) -> str | None:
    """``me``'s latest claim or release in a ticket's history, when the log has not
    given it a position yet (it is published and decided at the next round)."""
    for event in reversed(events):
        if event.kind in claims.KINDS and event.actor == me:
            return event.kind if event.log_seq is None else None
    return None


def claim_view(conn: sqlite3.Connection, ticket_id: int, me: str) -> ClaimView:
    return ClaimView(
        claims.holder(conn, ticket_id), waiting_request(ticket_events(conn, ticket_id), me)
    )


class ClaimRefused(ValueError):
    """Nothing was asked; ``str()`` says why in one line."""


def toggle_claim(conn: sqlite3.Connection, ticket_id: int, me: str) -> str:
    """Claim the ticket for ``me``, or release ``me``'s claim; returns what was queued
    (``claim queued``, ``release queued``). :class:`ClaimRefused` when there is
    nothing to ask: a teammate holds it, the same request waits already, or the ticket
    has no mail yet (so no ref the team shares)."""
    ticket = get_ticket(conn, ticket_id)
    if ticket.derived_ref is None:
        raise ClaimRefused(f"{ticket.ref} has no mail yet, so the team cannot share a claim on it")
    try:
        agent = claims.clean_agent(me)
    except ValueError as exc:
        raise ClaimRefused(f"the agent name in the config: {exc}") from None
    view = claim_view(conn, ticket_id, agent)
    if view.waiting is not None:
        raise ClaimRefused(f"{ticket.ref}: your {view.waiting} is queued already")
    if view.holder is not None and view.holder != agent:
        raise ClaimRefused(f"{ticket.ref}: {view.holder} holds it")
    kind = claims.RELEASE if view.holder == agent else claims.CLAIM
    claims.ask(conn, ticket_id, kind, agent)
    return f"{kind} queued"
