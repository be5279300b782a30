"""Reading messages back: a ticket's thread, the raw bytes, full-text search."""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from agentconsole.models import AttachmentInfo, Message, SearchHit
from agentconsole.store.cjk import fts_query

_COLUMNS = (
    "id, ticket_id, direction, auto_kind, from_name, from_addr, to_json, subject, date,"
    " body_text, status, problems_json, thread_rule, thread_detail, source"
)


class MessageNotFound(LookupError):
    """No message with that id."""


def _message(row: tuple[Any, ...], attachments: tuple[AttachmentInfo, ...] = ()) -> Message:
    to = tuple(addr for _, addr in json.loads(row[6] or "[]"))
    return Message(
        id=row[0],
        ticket_id=row[1],
        direction=row[2],
        auto_kind=row[3],
        from_name=row[4],
        from_addr=row[5],
        to=to,
        subject=row[7],
        date=row[8],
        body_text=row[9],
        status=row[10],
        problems=tuple(json.loads(row[11] or "[]")),
        thread_rule=row[12],
        thread_detail=row[13],
        source=row[14],
        attachments=attachments,
    )


def _attachments(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[AttachmentInfo]]:
    found: dict[int, list[AttachmentInfo]] = {}
    if not ids:
        return found
    marks = ", ".join("?" for _ in ids)
    for row in conn.execute(
        f"SELECT message_id, id, part_index, filename, content_type, size FROM attachments"
        f" WHERE message_id IN ({marks}) ORDER BY id",
        ids,
    ):
        found.setdefault(row[0], []).append(AttachmentInfo(*row[1:]))
    return found


def ticket_messages(conn: sqlite3.Connection, ticket_id: int, limit: int = 1000) -> list[Message]:
    """A ticket's messages, oldest first, with their attachments."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM messages WHERE ticket_id = ? ORDER BY date, id LIMIT ?",
        (ticket_id, limit),
    ).fetchall()
    files = _attachments(conn, [row[0] for row in rows])
    return [_message(row, tuple(files.get(row[0], ()))) for row in rows]


def get_message(conn: sqlite3.Connection, message_id: int) -> Message:
    row = conn.execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise MessageNotFound(f"no message {message_id}")
    return _message(row, tuple(_attachments(conn, [message_id]).get(message_id, ())))


def list_messages(
    conn: sqlite3.Connection, *, status: str | None = None, unfiled: bool = False, limit: int = 100
) -> list[Message]:
    """Messages by parse status (degraded, quarantined) or not filed in any ticket."""
    clauses, params = [], []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if unfiled:
        clauses.append("ticket_id IS NULL")
    where = " AND ".join(clauses) or "1"
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM messages WHERE {where} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_message(row) for row in rows]


def raw_message(conn: sqlite3.Connection, message_id: int) -> bytes:
    """The exact bytes the message arrived as."""
    row = conn.execute(
        "SELECT compression, data FROM raw_messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    if row is None:
        raise MessageNotFound(f"no raw bytes stored for message {message_id}")
    compression, data = row
    return zlib.decompress(data) if compression == "zlib" else bytes(data)


def _snippet(body: str, words: list[str], width: int = 120) -> str:
    flat = " ".join(body.split())
    lowered = flat.lower()
    for word in words:
        at = lowered.find(word.lower())
        if at >= 0:
            start = max(0, at - width // 3)
            return ("\u2026" if start else "") + flat[start : start + width]
    return flat[:width]


RANK_WINDOW = 5000
"""Ranking considers the newest this-many matches. BM25 must score every match before
it can sort, which for a word found in a tenth of a large mailbox (提现 in an e-wallet's)
costs tens of milliseconds; the newest matches are found cheaply by walking the index
backwards by rowid (arrival order), and a search that broad is refined, not paged."""


SEARCH_SQL = (
    "SELECT m.id, m.ticket_id, m.subject, m.from_name, m.from_addr, m.date, m.body_text,"
    " f.rank FROM (SELECT rowid, rank FROM (SELECT rowid, bm25(message_fts, 4.0, 2.0, 1.0)"
    " AS rank FROM message_fts WHERE message_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
    " ORDER BY rank LIMIT ?) AS f JOIN messages m ON m.id = f.rowid"
    " ORDER BY f.rank, m.date DESC LIMIT ?"
)
"""Ranked search: the newest matches by rowid, BM25 among them, then message rows for
the best few only (a rowid lookup each)."""


def count_matches(conn: sqlite3.Connection, query: str) -> int:
    """How many messages match ``query`` (cheap: no ranking)."""
    expression = fts_query(query)
    if expression is None:
        return 0
    row = conn.execute("SELECT count(*) FROM message_fts WHERE message_fts MATCH ?", (expression,))
    return int(row.fetchone()[0])


def search_messages(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[SearchHit]:
    """Messages matching ``query``, best first (BM25; subject counts most), newest first
    on ties. Chinese and English words alike (see :mod:`agentconsole.store.cjk`).

    Every message containing the words is a match; ranking looks at the newest
    ``max(RANK_WINDOW, limit)`` matches (see :data:`RANK_WINDOW`).
    """
    expression = fts_query(query)
    if expression is None:
        return []
    rows = conn.execute(
        SEARCH_SQL, (expression, max(RANK_WINDOW, limit), limit * 3 + 20, limit)
    ).fetchall()
    words = [w.strip('"-') for w in query.split() if not w.startswith("-")]
    return [
        SearchHit(
            row[0], row[1], row[2], row[3], row[4], row[5], _snippet(row[6], words), float(row[7])
        )
        for row in rows
    ]
