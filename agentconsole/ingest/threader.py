"""Which ticket a message belongs to. The rules, in the order they are tried:

1. ``in-reply-to`` / ``references``: a message id we already hold. Bounces also
   carry the original's id in their report (``bounce-original``).
2. ``subject-ref``: our ``[T-XXXXXXXX]`` ref in the subject (derived, the same on
   every machine; see :mod:`agentconsole.refs`), or an old local ``[T-42]``, accepted
   only when the sender is a participant of that ticket (or it is our own mail);
   otherwise anyone could inject mail into any ticket by guessing a ref.
3. ``subject-window``: the same customer writing again with the same normalised
   subject (``Re:``, ``回复：``... stripped) within a configurable number of days
   before or after, on a ticket that is not closed (after too: a follow-up read
   before the mail it follows up must end on the same ticket).

Otherwise the message opens a new ticket (``new``). The rule and a detail are stored
with every message so that ``agentconsole show REF --explain`` can say why.

Rule 1 only looks backwards; :mod:`agentconsole.ingest.relink` then looks forwards
(stored messages naming this one) and merges, so the tickets do not depend on the
order mail is read in.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from agentconsole.mail.parse import ParsedMessage
from agentconsole.refs import refs_in_subject
from agentconsole.store.threads import (
    is_participant,
    named_on_tickets,
    open_tickets_by_subject,
    ticket_exists,
)
from agentconsole.store.tickets import resolve_ref

_SUBJECT_REF = re.compile(r"\[\s*T-(\d{1,10})\s*\]", re.IGNORECASE)
DAY = 86400
MAX_NAMED = 50
"""References looked at and kept per message (the newest; ``references_json`` keeps
them all)."""


def named_ids(parsed: ParsedMessage) -> list[str]:
    """The Message-IDs a message names: In-Reply-To, References (the newest
    :data:`MAX_NAMED`) and a bounce's original; never its own, each once."""
    named = [*parsed.in_reply_to, *parsed.references[-MAX_NAMED:], *parsed.bounce_refs]
    return [mid for mid in dict.fromkeys(named) if mid != parsed.message_id]


@dataclass(frozen=True, slots=True)
class ThreadMatch:
    """The ticket a message joins (None: a new one), by which rule and why; plus what
    the rules found on the way, which :mod:`agentconsole.ingest.relink` needs too:
    every ticket holding a message it names, and the subject window's tickets (None
    when the rules stopped before that rule)."""

    ticket_id: int | None
    rule: str
    detail: str
    named_tickets: frozenset[int] = frozenset()
    window_tickets: tuple[int, ...] | None = None


def _subject_candidates(conn: sqlite3.Connection, subject: str) -> tuple[str, list[int]]:
    """The first ref in the subject and the tickets it may name: a derived ref, or an
    old numeric ``[T-42]``, which names this machine's row only."""
    refs = refs_in_subject(subject)
    if refs:
        return refs[0], resolve_ref(conn, refs[0])
    match = _SUBJECT_REF.search(subject)
    if match is None:
        return "", []
    ticket_id = int(match.group(1))
    return f"T-{ticket_id}", [ticket_id] if ticket_exists(conn, ticket_id) else []


def _by_subject_ref(
    conn: sqlite3.Connection, parsed: ParsedMessage, outbound: bool, notes: list[str]
) -> ThreadMatch | None:
    """Rule 2. Among the tickets the ref may name, the one the sender takes part in
    wins (this also settles an ambiguous ref); our own mail needs a single ticket."""
    ref, candidates = _subject_candidates(conn, parsed.subject)
    if not ref:
        return None
    for ticket_id in candidates:
        if is_participant(conn, ticket_id, parsed.from_addr):
            return ThreadMatch(ticket_id, "subject-ref", f"[{ref}] from a participant")
    if outbound and len(candidates) == 1:
        return ThreadMatch(candidates[0], "subject-ref", f"[{ref}] in our own mail")
    reason = "no such ticket" if not candidates else f"{parsed.from_addr} is not a participant"
    notes.append(f"ignored [{ref}] in subject: {reason}")
    return None


def find_thread(
    conn: sqlite3.Connection,
    parsed: ParsedMessage,
    *,
    outbound: bool,
    customer_id: int | None,
    norm_subject: str,
    date: int,
    window_days: int,
) -> ThreadMatch:
    """Apply the rules above; ``ticket_id`` None means a new ticket is needed."""
    named = named_on_tickets(conn, named_ids(parsed))
    tickets = frozenset(ticket for _, ticket, _ in named)

    def latest(ids: list[str]) -> int | None:
        wanted = set(ids)
        hits = [(date, ticket) for mid, ticket, date in named if mid in wanted]
        return max(hits)[1] if hits else None

    for ids, rule, detail in (
        (parsed.in_reply_to, "in-reply-to", "In-Reply-To {}"),
        (parsed.references, "references", "a message named in References"),
        (parsed.bounce_refs, "bounce-original", "report names {}"),
    ):
        ticket = latest(ids)
        if ticket is not None:
            return ThreadMatch(ticket, rule, detail.format(ids[0]), tickets)
    notes: list[str] = []
    ref_match = _by_subject_ref(conn, parsed, outbound, notes)
    if ref_match is not None:
        return ThreadMatch(ref_match.ticket_id, ref_match.rule, ref_match.detail, tickets)
    window: tuple[int, ...] | None = None
    if customer_id is not None and norm_subject and window_days > 0:
        span = window_days * DAY  # both ways: an older message read late finds it too
        window = tuple(
            open_tickets_by_subject(conn, norm_subject, customer_id, date - span, date + span)
        )
        if window:
            detail = f"same customer and subject within {window_days} days"
            return ThreadMatch(
                window[0], "subject-window", "; ".join([*notes, detail]), tickets, window
            )
    detail = "; ".join(notes) or "no earlier message matched"
    return ThreadMatch(None, "new", detail, tickets, window)
