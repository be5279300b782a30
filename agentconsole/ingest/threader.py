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
    open_ticket_by_subject,
    ticket_by_message_ids,
    ticket_exists,
)
from agentconsole.store.tickets import resolve_ref

_SUBJECT_REF = re.compile(r"\[\s*T-(\d{1,10})\s*\]", re.IGNORECASE)
DAY = 86400


@dataclass(frozen=True, slots=True)
class ThreadMatch:
    ticket_id: int | None
    rule: str
    detail: str


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
    ticket = ticket_by_message_ids(conn, parsed.in_reply_to)
    if ticket is not None:
        return ThreadMatch(ticket, "in-reply-to", f"In-Reply-To {parsed.in_reply_to[0]}")
    ticket = ticket_by_message_ids(conn, list(reversed(parsed.references)))
    if ticket is not None:
        return ThreadMatch(ticket, "references", "a message named in References")
    ticket = ticket_by_message_ids(conn, parsed.bounce_refs)
    if ticket is not None:
        return ThreadMatch(ticket, "bounce-original", f"report names {parsed.bounce_refs[0]}")
    notes: list[str] = []
    ref_match = _by_subject_ref(conn, parsed, outbound, notes)
    if ref_match is not None:
        return ref_match
    if customer_id is not None and norm_subject and window_days > 0:
        window = window_days * DAY  # both ways: an older message read late finds it too
        found = open_ticket_by_subject(
            conn, norm_subject, customer_id, date - window, date + window
        )
        if found is not None:
            detail = f"same customer and subject within {window_days} days"
            return ThreadMatch(found, "subject-window", "; ".join([*notes, detail]))
    return ThreadMatch(None, "new", "; ".join(notes) or "no earlier message matched")
