"""The lookups the threading rules ask for (:mod:`agentconsole.ingest.threader`).

The rules and their order stay in the threader; these are its questions to the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def named_on_tickets(conn: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, int, int]]:
    """(Message-ID, ticket id, date) of every stored message on a ticket whose
    Message-ID is among ``ids``: one query serves every rule that looks at them."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT message_id, ticket_id, coalesce(date, 0) FROM messages"
        f" WHERE message_id IN ({marks}) AND ticket_id IS NOT NULL",
        list(ids),
    ).fetchall()
    return [(str(row[0]), int(row[1]), int(row[2])) for row in rows]


def ticket_exists(conn: sqlite3.Connection, ticket_id: int) -> bool:
    return conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is not None


def is_participant(conn: sqlite3.Connection, ticket_id: int, address: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM ticket_participants WHERE ticket_id = ? AND address = ?",
        (ticket_id, address),
    ).fetchone()
    return row is not None


def open_tickets_by_subject(
    conn: sqlite3.Connection, norm_subject: str, customer_id: int, since: int, until: int
) -> list[int]:
    """The customer's tickets with this normalised subject that are not closed, active
    since ``since`` and created by ``until``, the most recently active first."""
    rows = conn.execute(
        "SELECT id FROM tickets WHERE norm_subject = ? AND customer_id = ?"
        " AND status != 'closed' AND last_message_at >= ? AND created_at <= ?"
        " ORDER BY last_message_at DESC, id",
        (norm_subject, customer_id, since, until),
    ).fetchall()
    return [int(row[0]) for row in rows]
