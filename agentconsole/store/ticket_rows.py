"""Writing ticket rows: the statements the domain layer runs, and nothing else.

The rules (which status follows which, when ``solved_at`` is set, which events are
recorded) live in :mod:`agentconsole.domain`; these functions only read and write the
columns they are given, inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agentconsole.store.tickets import TicketNotFound

EDITABLE = frozenset({"status", "priority", "category", "assignee", "updated_at", "solved_at"})
"""Columns :func:`set_columns` may write (names go into the SQL text)."""


@dataclass(frozen=True, slots=True)
class TicketState:
    """What the arrival rules need to know about a ticket before a message joins it."""

    status: str
    created_at: int
    first_response_at: int | None
    last_customer_at: int | None
    last_agent_at: int | None
    solved_at: int | None
    category: str


def ticket_state(conn: sqlite3.Connection, ticket_id: int) -> TicketState:
    row = conn.execute(
        "SELECT status, created_at, first_response_at, last_customer_at, last_agent_at,"
        " solved_at, category FROM tickets WHERE id = ?",
        (ticket_id,),
    ).fetchone()
    if row is None:
        raise TicketNotFound(f"no ticket T-{ticket_id}")
    return TicketState(*row)


def ticket_field(conn: sqlite3.Connection, ticket_id: int, field: str) -> str | None:
    """The current value of one editable column."""
    if field not in EDITABLE:
        raise ValueError(f"cannot read {field!r}")
    row = conn.execute(f"SELECT {field} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if row is None:
        raise TicketNotFound(f"no ticket T-{ticket_id}")
    value: str | None = row[0]
    return value


def ticket_customer(conn: sqlite3.Connection, ticket_id: int) -> int | None:
    row = conn.execute("SELECT customer_id FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def set_columns(conn: sqlite3.Connection, ticket_id: int, values: Mapping[str, object]) -> None:
    """Write ``values`` (column -> value, columns from :data:`EDITABLE`) to one ticket."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValueError(f"cannot write {', '.join(sorted(unknown))}")
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(f"UPDATE tickets SET {assignments} WHERE id = ?", (*values.values(), ticket_id))


def insert_ticket(
    conn: sqlite3.Connection,
    *,
    subject: str,
    norm_subject: str,
    customer_id: int | None,
    state: TicketState,
    priority: str,
    last_message_at: int,
    now: int,
    ref: str | None = None,
) -> int:
    """A new ticket row holding one message (dated ``last_message_at``), in ``state``,
    with ``ref`` if the caller knows it is free; returns its id."""
    cursor = conn.execute(
        "INSERT INTO tickets (subject, norm_subject, customer_id, status, priority, category,"
        " created_at, updated_at, first_response_at, last_customer_at, last_agent_at,"
        " last_message_at, solved_at, message_count, ref)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (
            subject,
            norm_subject,
            customer_id,
            state.status,
            priority,
            state.category,
            state.created_at,
            now,
            state.first_response_at,
            state.last_customer_at,
            state.last_agent_at,
            last_message_at,
            state.solved_at,
            ref,
        ),
    )
    return int(cursor.lastrowid or 0)


def write_arrival(
    conn: sqlite3.Connection,
    ticket_id: int,
    state: TicketState,
    *,
    date: int,
    now: int,
) -> None:
    """Store a ticket's state after a message dated ``date`` joined it: its clocks,
    status and ``solved_at`` as given, one more message, the latest activity."""
    conn.execute(
        "UPDATE tickets SET status = ?, first_response_at = ?, last_customer_at = ?,"
        " last_agent_at = ?, last_message_at = max(coalesce(last_message_at, 0), ?),"
        " message_count = message_count + 1, updated_at = ?, solved_at = ? WHERE id = ?",
        (
            state.status,
            state.first_response_at,
            state.last_customer_at,
            state.last_agent_at,
            date,
            now,
            state.solved_at,
            ticket_id,
        ),
    )


def add_tag(conn: sqlite3.Connection, ticket_id: int, tag: str) -> bool:
    """Tag a ticket; False if it had the tag already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", (ticket_id, tag)
    )
    return bool(cursor.rowcount)


def remove_tag(conn: sqlite3.Connection, ticket_id: int, tag: str) -> bool:
    """Untag a ticket; False if it did not have the tag."""
    cursor = conn.execute(
        "DELETE FROM ticket_tags WHERE ticket_id = ? AND tag = ?", (ticket_id, tag)
    )
    return bool(cursor.rowcount)


def add_participants(conn: sqlite3.Connection, ticket_id: int, addresses: Sequence[str]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO ticket_participants (ticket_id, address) VALUES (?, ?)",
        [(ticket_id, a) for a in addresses],
    )


def with_priority(
    conn: sqlite3.Connection, ticket_ids: Sequence[int], priorities: Sequence[str]
) -> list[int]:
    """Those of ``ticket_ids`` whose priority is one of ``priorities``."""
    if not ticket_ids or not priorities:
        return []
    ids = ",".join("?" * len(ticket_ids))
    levels = ",".join("?" * len(priorities))
    rows = conn.execute(
        f"SELECT id FROM tickets WHERE id IN ({ids}) AND priority IN ({levels})",
        (*ticket_ids, *priorities),
    )
    return [int(row[0]) for row in rows]


def assignees(conn: sqlite3.Connection) -> list[str]:
    """Every name a ticket is assigned to, sorted."""
    rows = conn.execute(
        "SELECT DISTINCT assignee FROM tickets WHERE assignee IS NOT NULL ORDER BY 1"
    )
    return [str(row[0]) for row in rows]
