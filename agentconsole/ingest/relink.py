"""Threading that does not depend on arrival order.

The threader (:mod:`agentconsole.ingest.threader`) looks backwards: a message joins
the ticket of a stored message it names. A reply read before its original therefore
opens a ticket of its own. Like notmuch and JWZ-style threaders, import also looks
forwards: the Message-IDs every message names are remembered
(:mod:`agentconsole.store.message_refs`), and when a message arrives the stored
messages that name it, and those it names on other tickets, are put on one ticket
through the one merge rule (:mod:`agentconsole.domain.merge`). The subject rule is
made symmetric the same way: every open ticket it reaches is merged, not only the
latest, so a customer's reminders read out of order still end on one ticket.

Trust: a message naming Message-IDs is trusted as the threader's rule 1 trusts it
(it may join any ticket whose mail it names); what it names is capped at
:data:`~agentconsole.ingest.threader.MAX_NAMED` references, like ``references_json``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from agentconsole.domain.arrival import UNSORTED, Arrival, message_arrived
from agentconsole.domain.merge import merge_all
from agentconsole.domain.thread_state import settle
from agentconsole.ingest.threader import ThreadMatch
from agentconsole.mail.parse import ParsedMessage
from agentconsole.store.events import record_event
from agentconsole.store.merge_rows import file_message, message_facts
from agentconsole.store.message_refs import referring_messages
from agentconsole.store.threads import open_tickets_by_subject
from agentconsole.store.ticket_rows import add_participants
from agentconsole.store.tickets import refresh_ticket_ref

DAY = 86400


@dataclass(frozen=True, slots=True)
class SubjectWindow:
    """The subject rule's key for a message with a customer: who, what, how far."""

    customer_id: int
    norm_subject: str
    days: int


def relink(
    conn: sqlite3.Connection,
    *,
    ticket_id: int,
    parsed: ParsedMessage,
    match: ThreadMatch,
    date: int,
    latest_other: int | None,
    window: SubjectWindow | None,
    actor: str,
    now: int,
) -> tuple[int, int]:
    """After the stored message ``parsed`` joined ``ticket_id``: merge the tickets its
    references and its referrers sit on, and (given a ``window``) every open ticket
    the subject rule would have joined it to, the one the threader picked being only
    the latest; file referrers left unfiled (automatic mail read before what it
    answers); recompute the ticket if the message is not newer than the others on it
    (``latest_other``: the latest date among them, None if there are none).
    What the threader found (``match``: the tickets holding what the message names,
    the subject window's tickets) is not looked up again.
    Returns (the ticket the message is on now, how many tickets merged into it)."""
    referrers = referring_messages(conn, parsed.message_id) if parsed.message_id else []
    linked = {ticket for _, ticket in referrers if ticket is not None}
    linked.update(match.named_tickets)
    if match.window_tickets is not None:
        linked.update(match.window_tickets)
    elif window is not None and window.days > 0 and window.norm_subject:
        span = window.days * DAY
        linked.update(
            open_tickets_by_subject(
                conn, window.norm_subject, window.customer_id, date - span, date + span
            )
        )
    linked.discard(ticket_id)
    survivor = ticket_id
    if linked:
        reason = f"{parsed.message_id or 'a message'} links them"
        survivor = merge_all(conn, [ticket_id, *linked], actor=actor, reason=reason, now=now)
    elif latest_other is not None and latest_other >= date:
        settle(conn, ticket_id, actor=actor, now=now)
    for referrer, ticket in referrers:
        if ticket is None:
            file_referrer(conn, referrer, survivor, parsed.message_id or "", actor=actor, now=now)
    return survivor, len(linked)


def file_referrer(
    conn: sqlite3.Connection, message_id: int, ticket_id: int, named: str, *, actor: str, now: int
) -> None:
    """Put an unfiled message on the ticket of the message it names, which arrived
    after it, as if it had been read second (automatic mail: no clocks change)."""
    sender, facts = message_facts(conn, message_id)
    file_message(
        conn, message_id, ticket_id, rule="in-reply-to", detail=f"names {named}, read later"
    )
    refresh_ticket_ref(conn, ticket_id)  # it may be older than the ticket's first message
    add_participants(conn, ticket_id, [sender] if sender else [])
    arrival = Arrival(facts.date, facts.outbound, facts.automatic, UNSORTED)
    message_arrived(conn, ticket_id, arrival, actor=actor, now=now)
    record_event(
        conn,
        "message_added",
        actor=actor,
        ticket_id=ticket_id,
        message_id=message_id,
        at=now,
        data={"rule": "in-reply-to", "direction": "out" if facts.outbound else "in"},
    )
