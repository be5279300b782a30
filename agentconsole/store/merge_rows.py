"""The rows a ticket merge reads and moves (rules in :mod:`agentconsole.domain.merge`).

Also the reads that recompute a ticket from its messages in date order
(:mod:`agentconsole.domain.thread_state`), which a merge and a message arriving out
of order both need. Everything runs in the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from agentconsole.store.tickets import TicketNotFound


@dataclass(frozen=True, slots=True)
class MergeSide:
    """What a merge weighs about one of its two tickets."""

    id: int
    ref: str | None
    status: str
    priority: str
    category: str
    assignee: str | None
    customer_id: int | None
    solved_at: int | None
    merged_into: int | None


@dataclass(frozen=True, slots=True)
class StoredArrival:
    """One message of a ticket, as the arrival rules and the ticket's subject see it."""

    date: int
    outbound: bool
    automatic: bool
    subject: str


@dataclass(frozen=True, slots=True)
class Recomputed:
    """A ticket's columns that follow from its messages in date order."""

    subject: str
    norm_subject: str
    status: str
    solved_at: int | None
    created_at: int
    first_response_at: int | None
    last_customer_at: int | None
    last_agent_at: int | None
    last_message_at: int
    message_count: int


def merge_side(conn: sqlite3.Connection, ticket_id: int) -> MergeSide:
    row = conn.execute(
        "SELECT id, ref, status, priority, category, assignee, customer_id, solved_at,"
        " merged_into FROM tickets WHERE id = ?",
        (ticket_id,),
    ).fetchone()
    if row is None:
        raise TicketNotFound(f"no ticket T-{ticket_id}")
    return MergeSide(*row)


def earliest_message(conn: sqlite3.Connection, ticket_id: int) -> tuple[int, str] | None:
    """(date, ref) of the ticket's earliest message, the order its ref follows; None
    for a ticket without messages."""
    row = conn.execute(
        "SELECT date, ref FROM messages WHERE ticket_id = ?"
        " ORDER BY direction = 'note', direction = 'out' AND thread_rule != 'new',"
        " date_source = 'import', date IS NULL, date, ref LIMIT 1",
        (ticket_id,),
    ).fetchone()
    return None if row is None else (int(row[0] or 0), str(row[1] or ""))


def move_messages(conn: sqlite3.Connection, absorbed: int, survivor: int, note: str) -> int:
    """Every message (and draft) of ``absorbed`` onto ``survivor``; returns how many
    messages moved. The one that opened ``absorbed`` gets ``note`` after its threading
    detail, so that ``show --explain`` does not leave a "new" ticket unexplained."""
    conn.execute(
        "UPDATE messages SET thread_detail = thread_detail || ?"
        " WHERE ticket_id = ? AND thread_rule = 'new'",
        (note, absorbed),
    )
    moved = conn.execute(
        "UPDATE messages SET ticket_id = ? WHERE ticket_id = ?", (survivor, absorbed)
    ).rowcount
    conn.execute(
        "UPDATE message_tickets SET ticket_id = ? WHERE ticket_id = ?", (survivor, absorbed)
    )
    # a reply being written follows its conversation (else it stays on a closed ticket)
    conn.execute("UPDATE drafts SET ticket_id = ? WHERE ticket_id = ?", (survivor, absorbed))
    return int(moved)


def move_participants(conn: sqlite3.Connection, absorbed: int, survivor: int) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO ticket_participants (ticket_id, address)"
        " SELECT ?, address FROM ticket_participants WHERE ticket_id = ?",
        (survivor, absorbed),
    )
    conn.execute("DELETE FROM ticket_participants WHERE ticket_id = ?", (absorbed,))


def move_tags(conn: sqlite3.Connection, absorbed: int, survivor: int) -> list[str]:
    """Move ``absorbed``'s tags onto ``survivor``; returns those ``survivor`` lacked."""
    tags = [
        str(row[0])
        for row in conn.execute(
            "SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag", (absorbed,)
        )
    ]
    new = [
        tag
        for tag in tags
        if conn.execute(
            "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", (survivor, tag)
        ).rowcount
    ]
    conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (absorbed,))
    return new


def move_events(conn: sqlite3.Connection, absorbed: int, survivor: int) -> None:
    """Put ``absorbed``'s history on ``survivor``. Only the local id changes: the
    ticket ref each event was recorded with (what other machines know) stays."""
    conn.execute("UPDATE events SET ticket_id = ? WHERE ticket_id = ?", (survivor, absorbed))


def close_absorbed(
    conn: sqlite3.Connection, absorbed: int, survivor: int, *, status: str, now: int
) -> None:
    """Mark ``absorbed`` as merged into ``survivor``, with no messages left, in a
    terminal ``status``; tickets merged into it earlier now point at ``survivor``."""
    conn.execute(
        "UPDATE tickets SET merged_into = ?, status = ?, solved_at = ?, message_count = 0,"
        " updated_at = ? WHERE id = ?",
        (survivor, status, now, now, absorbed),
    )
    conn.execute("UPDATE tickets SET merged_into = ? WHERE merged_into = ?", (survivor, absorbed))


def set_customer(conn: sqlite3.Connection, ticket_id: int, customer_id: int) -> None:
    conn.execute("UPDATE tickets SET customer_id = ? WHERE id = ?", (customer_id, ticket_id))


def changed_by_others(
    conn: sqlite3.Connection, ticket_id: int, kinds: Sequence[str], actor: str
) -> bool:
    """Whether an event of one of ``kinds`` on the ticket came from anyone but ``actor``."""
    marks = ", ".join("?" for _ in kinds)
    row = conn.execute(
        f"SELECT 1 FROM events WHERE ticket_id = ? AND actor != ? AND kind IN ({marks}) LIMIT 1",
        (ticket_id, actor, *kinds),
    ).fetchone()
    return row is not None


def thread_arrivals(conn: sqlite3.Connection, ticket_id: int) -> list[StoredArrival]:
    """The ticket's mail in date order (then ref, as its ref is chosen); internal notes
    are not mail and move no clock."""
    rows = conn.execute(
        "SELECT date, direction = 'out', auto_kind IS NOT NULL, subject FROM messages"
        " WHERE ticket_id = ? AND direction != 'note' ORDER BY date IS NULL, date, ref",
        (ticket_id,),
    ).fetchall()
    return [StoredArrival(int(r[0] or 0), bool(r[1]), bool(r[2]), str(r[3])) for r in rows]


@dataclass(frozen=True, slots=True)
class Others:
    """What a ticket's other messages say about one that just joined it."""

    first_before: bool
    """Another message comes first in the order the ticket's ref follows (date, then
    ref; undated last), and the ticket holds a ref: the ref cannot have changed."""
    latest_date: int | None
    """The latest date of the others (None: it is the ticket's only message)."""


def other_messages(conn: sqlite3.Connection, ticket_id: int, message_id: int) -> Others:
    """One query instead of reading the ticket's first message and latest date apart.
    A tie, or a NULL that makes the order unknown, counts as not before (the caller
    then recomputes the ref, which is always right)."""
    row = conn.execute(
        "SELECT (SELECT max(date) FROM messages WHERE ticket_id = ?1 AND id != ?2),"
        " (SELECT ref IS NOT NULL FROM tickets WHERE id = ?1) AND EXISTS (SELECT 1"
        " FROM messages o, messages n WHERE n.id = ?2 AND o.ticket_id = ?1 AND o.id != ?2"
        " AND (o.direction = 'note', o.direction = 'out' AND o.thread_rule != 'new',"
        " o.date_source = 'import', o.date IS NULL, o.date, o.ref)"
        " < (n.direction = 'note', n.direction = 'out' AND n.thread_rule != 'new',"
        " n.date_source = 'import', n.date IS NULL, n.date, n.ref))",
        (ticket_id, message_id),
    ).fetchone()
    return Others(bool(row[1]), None if row[0] is None else int(row[0]))


def write_recomputed(
    conn: sqlite3.Connection, ticket_id: int, values: Recomputed, *, now: int
) -> None:
    conn.execute(
        "UPDATE tickets SET subject = ?, norm_subject = ?, status = ?, solved_at = ?,"
        " created_at = ?, first_response_at = ?, last_customer_at = ?, last_agent_at = ?,"
        " last_message_at = ?, message_count = ?, updated_at = ? WHERE id = ?",
        (
            values.subject,
            values.norm_subject,
            values.status,
            values.solved_at,
            values.created_at,
            values.first_response_at,
            values.last_customer_at,
            values.last_agent_at,
            values.last_message_at,
            values.message_count,
            now,
            ticket_id,
        ),
    )


def file_message(
    conn: sqlite3.Connection, message_id: int, ticket_id: int, *, rule: str, detail: str
) -> None:
    """Put an unfiled stored message on a ticket, with why."""
    conn.execute(
        "UPDATE messages SET ticket_id = ?, thread_rule = ?, thread_detail = ? WHERE id = ?",
        (ticket_id, rule, detail, message_id),
    )
    conn.execute(
        "INSERT OR REPLACE INTO message_tickets (message_id, ticket_id) VALUES (?, ?)",
        (message_id, ticket_id),
    )


def message_facts(conn: sqlite3.Connection, message_id: int) -> tuple[str, StoredArrival]:
    """(sender address, arrival facts) of one stored message."""
    row = conn.execute(
        "SELECT from_addr, date, direction = 'out', auto_kind IS NOT NULL, subject"
        " FROM messages WHERE id = ?",
        (message_id,),
    ).fetchone()
    return str(row[0]), StoredArrival(int(row[1] or 0), bool(row[2]), bool(row[3]), str(row[4]))
