"""Which ticket a message belongs to. The rules, in the order they are tried:

1. ``in-reply-to`` / ``references``: a message id we already hold. Bounces also
   carry the original's id in their report (``bounce-original``).
2. ``subject-ref``: our ``[T-42]`` in the subject, accepted only when the sender is a
   participant of T-42 (or it is our own mail); otherwise anyone could inject mail
   into any ticket by guessing a number.
3. ``subject-window``: the same customer writing again with the same normalised
   subject (``Re:``, ``回复：``... stripped) within a configurable number of days, on a
   ticket that is not closed.

Otherwise the message opens a new ticket (``new``). The rule and a detail are stored
with every message so that ``agentconsole show REF --explain`` can say why.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from agentconsole.mail.parse import ParsedMessage
from agentconsole.store.threads import (
    is_participant,
    open_ticket_by_subject,
    ticket_by_message_ids,
    ticket_exists,
)

_SUBJECT_REF = re.compile(r"\[\s*T-(\d{1,10})\s*\]", re.IGNORECASE)
DAY = 86400


@dataclass(frozen=True, slots=True)
class ThreadMatch:
    ticket_id: int | None
    rule: str
    detail: str


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
    match = _SUBJECT_REF.search(parsed.subject)
    if match:
        ticket_id = int(match.group(1))
        known = ticket_exists(conn, ticket_id)
        member = is_participant(conn, ticket_id, parsed.from_addr)
        if known and (member or outbound):
            return ThreadMatch(ticket_id, "subject-ref", f"[T-{ticket_id}] from a participant")
        reason = "no such ticket" if not known else f"{parsed.from_addr} is not a participant"
        notes.append(f"ignored [T-{ticket_id}] in subject: {reason}")
    if customer_id is not None and norm_subject and window_days > 0:
        found = open_ticket_by_subject(
            conn, norm_subject, customer_id, date - window_days * DAY, date + DAY
        )
        if found is not None:
            detail = f"same customer and subject within {window_days} days"
            return ThreadMatch(found, "subject-window", "; ".join([*notes, detail]))
    return ThreadMatch(None, "new", "; ".join(notes) or "no earlier message matched")
