"""The claim line of ``agentconsole show``: who holds the ticket, since when.

The console's ticket view says who holds a claim (:mod:`agentconsole.domain.claim_view`);
``show`` says the same, with the time of the claim that won: its event is the same on
every machine, so every machine shows the same time.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from agentconsole.domain.claim_view import claim_view
from agentconsole.models import Event
from agentconsole.store.events import ticket_events
from agentconsole.store.remote_events import claim_event_uuid
from agentconsole.timefmt import when


@dataclasses.dataclass(frozen=True)
class ClaimShown:
    """Who holds the ticket since when (the winning claim's time), and this agent's
    claim or release that waits for the next sync to be decided."""

    holder: str | None
    since: int | None
    queued: str | None

    def line(self, me: str) -> str:
        """``claim: claimed by ana since 2026-11-23 09:14`` (and what waits)."""
        parts = []
        if self.holder is not None:
            who = f"{self.holder} (you)" if self.holder == me else self.holder
            since = f" since {when(self.since)}" if self.since is not None else ""
            parts.append(f"claimed by {who}{since}")
        if self.queued is not None:
            parts.append(f"your {self.queued} is queued (decided at the next sync)")
        return "claim: " + "; ".join(parts)


def claim_shown(conn: sqlite3.Connection, ticket_id: int, me: str) -> ClaimShown | None:
    """The ticket's claim as the console shows it, or None when nobody claimed it."""
    view = claim_view(conn, ticket_id, me)
    if view.holder is None and view.waiting is None:
        return None
    since = None
    if view.holder is not None:
        uuid = claim_event_uuid(conn, ticket_id)
        events: list[Event] = ticket_events(conn, ticket_id)
        since = next((e.at for e in events if e.uuid == uuid), None)
    return ClaimShown(view.holder, since, view.waiting)
