"""The lookups the threading rules ask for (:mod:`agentconsole.ingest.threader`).

The rules and their order stay in the threader; these are its questions to the store.
"""

from __future__ import annotations

import sqlite3


def ticket_by_message_ids(conn: sqlite3.Connection, ids: list[str]) -> int | None:
    """The ticket of the latest stored message among ``ids`` (Message-IDs), if any."""
    if not ids:
        return None
    marks = ", ".join("?" for _ in ids)
    row = conn.execute(
        f"SELECT ticket_id FROM messages WHERE message_id IN ({marks}) AND ticket_id IS NOT NULL"
        " ORDER BY date DESC LIMIT 1",
        ids,
    ).fetchone()
    return int(row[0]) if row else None


def ticket_exists(conn: sqlite3.Connection, ticket_id: int) -> bool:
    return conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is not None


def is_participant(conn: sqlite3.Connection, ticket_id: int, address: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM ticket_participants WHERE ticket_id = ? AND address = ?",
        (ticket_id, address),
    ).fetchone()
    return row is not None


def open_ticket_by_subject(
    conn: sqlite3.Connection, norm_subject: str, customer_id: int, since: int, until: int
) -> int | None:
    """The customer's most recently active ticket with this normalised subject that is
    not closed, active since ``since`` and created by ``until``."""
    row = conn.execute(
        "SELECT id FROM tickets WHERE norm_subject = ? AND customer_id = ?"
        " AND status != 'closed' AND last_message_at >= ? AND created_at <= ?"
        " ORDER BY last_message_at DESC LIMIT 1",
        (norm_subject, customer_id, since, until),
    ).fetchone()
    return int(row[0]) if row else None
