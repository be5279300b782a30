"""Storing a message as import found it: its row, raw bytes, search index entry,
ticket link and attachment list, all in the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

_COLUMNS = (
    "dedupe_key", "message_id", "ticket_id", "customer_id", "direction", "auto_kind",
    "auto_reason", "from_name", "from_addr", "to_json", "cc_json", "recipients_total",
    "subject", "date", "date_source", "imported_at", "in_reply_to", "references_json",
    "body_text", "has_html", "attachment_count", "status", "problems_json", "thread_rule",
    "thread_detail", "source", "size", "ref",
)  # fmt: skip
_INSERT = (
    f"INSERT INTO messages ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)
_VALUES = attrgetter(*_COLUMNS)
"""A row's values in column order (one C call, not one getattr per column)."""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One row of ``messages``; field names are its column names."""

    dedupe_key: bytes
    message_id: str | None
    ticket_id: int | None
    customer_id: int | None
    direction: str
    auto_kind: str | None
    auto_reason: str | None
    from_name: str
    from_addr: str
    to_json: str
    cc_json: str
    recipients_total: int
    subject: str
    date: int | None
    date_source: str
    imported_at: int
    in_reply_to: str | None
    references_json: str
    body_text: str
    has_html: int
    attachment_count: int
    status: str
    problems_json: str
    thread_rule: str
    thread_detail: str
    source: str
    size: int
    ref: str


@dataclass(frozen=True, slots=True)
class SearchText:
    """What the full-text index holds for a message."""

    subject: str
    sender: str
    body: str


def stored_copy(conn: sqlite3.Connection, dedupe_key: bytes) -> tuple[int, int | None] | None:
    """(message id, ticket id) of the stored message with this dedupe key, if any."""
    row = conn.execute(
        "SELECT id, ticket_id FROM messages WHERE dedupe_key = ?", (dedupe_key,)
    ).fetchone()
    return (int(row[0]), None if row[1] is None else int(row[1])) if row else None


def insert_message(
    conn: sqlite3.Connection,
    row: MessageRow,
    raw_compressed: bytes,
    search: SearchText | None,
    attachments: Sequence[tuple[int, str, str, int]],
) -> int:
    """Store one message; ``search`` None keeps it out of the index (quarantine).
    ``attachments`` are (part index, file name, content type, size). Returns its id."""
    cursor = conn.execute(_INSERT, _VALUES(row))
    message_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO raw_messages (message_id, compression, data) VALUES (?, 'zlib', ?)",
        (message_id, raw_compressed),
    )
    if search is not None:
        conn.execute(
            "INSERT INTO message_fts (rowid, subject, sender, body) VALUES (?, ?, ?, ?)",
            (message_id, search.subject, search.sender, search.body),
        )
    if row.ticket_id is not None:
        conn.execute(
            "INSERT INTO message_tickets (message_id, ticket_id) VALUES (?, ?)",
            (message_id, row.ticket_id),
        )
    if attachments:
        conn.executemany(
            "INSERT INTO attachments (message_id, part_index, filename, content_type, size)"
            " VALUES (?, ?, ?, ?, ?)",
            [(message_id, *a) for a in attachments],
        )
    return message_id


def has_messages(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM messages LIMIT 1").fetchone() is not None
