"""The Message-IDs each stored message names, looked up from either end.

Threading asks two questions when a message arrives: which stored messages does it
name (``messages.message_id`` is indexed), and which stored messages name it, even
though they arrived first (``message_refs``, keyed by the id named). Together they let
a reply stored before its original be found when the original comes, in any order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def record_refs(conn: sqlite3.Connection, message_id: int, referenced: Sequence[str]) -> None:
    """Remember the Message-IDs stored message ``message_id`` names (caller's transaction)."""
    conn.executemany(
        "INSERT OR IGNORE INTO message_refs (referenced, message_id) VALUES (?, ?)",
        [(ref, message_id) for ref in referenced],
    )


def referring_messages(conn: sqlite3.Connection, message_id: str) -> list[tuple[int, int | None]]:
    """(row id, ticket id or None) of the stored, not quarantined messages that name the
    Message-ID ``message_id``, oldest first."""
    rows = conn.execute(
        "SELECT m.id, m.ticket_id FROM message_refs r JOIN messages m ON m.id = r.message_id"
        " WHERE r.referenced = ? AND m.status != 'quarantined' ORDER BY m.id",
        (message_id,),
    ).fetchall()
    return [(int(row[0]), None if row[1] is None else int(row[1])) for row in rows]
