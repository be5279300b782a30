"""Where each message was seen, and re-keying messages stored by an older release.

A location is a :class:`~agentconsole.mail.sources.Provenance`: a file and byte
offset, or an IMAP account, folder, UIDVALIDITY and UID. Sync (issue 8) asks which
copies are already stored; the console can show where a message came from.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass

from agentconsole.mail.sources import Provenance, SourceKind


@dataclass(frozen=True, slots=True)
class Location:
    """One place a stored message was seen, and when."""

    where: Provenance
    seen_at: int


def record_location(
    conn: sqlite3.Connection, message_id: int, where: Provenance, seen_at: int
) -> bool:
    """Remember that ``message_id`` was seen at ``where``; False if already known."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO message_locations (message_id, kind, path, byte_offset,"
        " account, folder, uidvalidity, uid, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message_id,
            where.kind,
            where.path,
            where.offset,
            where.account,
            where.folder,
            where.uidvalidity,
            where.uid,
            seen_at,
        ),
    )
    return cursor.rowcount > 0


def message_locations(conn: sqlite3.Connection, message_id: int) -> list[Location]:
    """Every place ``message_id`` was seen, in the order it was first seen there."""
    rows = conn.execute(
        "SELECT kind, path, byte_offset, account, folder, uidvalidity, uid, seen_at"
        " FROM message_locations WHERE message_id = ? ORDER BY id",
        (message_id,),
    ).fetchall()
    return [
        Location(Provenance(_kind(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]), int(r[7]))
        for r in rows
    ]


_KINDS: dict[str, SourceKind] = {"mbox": "mbox", "maildir": "maildir", "eml": "eml", "imap": "imap"}


def _kind(value: str) -> SourceKind:
    return _KINDS[value]  # the table's CHECK admits no other value


def messages_to_rekey(conn: sqlite3.Connection, limit: int) -> list[tuple[int, bytes]]:
    """Up to ``limit`` messages (id, raw bytes) whose dedupe key is an older release's."""
    rows = conn.execute(
        "SELECT k.message_id, r.compression, r.data FROM messages_to_rekey AS k"
        " LEFT JOIN raw_messages AS r ON r.message_id = k.message_id"
        " ORDER BY k.message_id LIMIT ?",
        (limit,),
    ).fetchall()
    result: list[tuple[int, bytes]] = []
    for message_id, compression, data in rows:
        if data is None:
            result.append((int(message_id), b""))
        else:
            raw = zlib.decompress(data) if compression == "zlib" else bytes(data)
            result.append((int(message_id), raw))
    return result


def set_dedupe_key(conn: sqlite3.Connection, message_id: int, key: bytes | None) -> None:
    """Give a message its new key (``None``: keep the old one) and mark it done. If
    another stored message already has the key, both were stored as two messages by
    the older release and both stay; this one keeps its old key."""
    if key is not None:
        conn.execute("UPDATE OR IGNORE messages SET dedupe_key = ? WHERE id = ?", (key, message_id))
    conn.execute("DELETE FROM messages_to_rekey WHERE message_id = ?", (message_id,))
