"""How far each IMAP folder is synced (``sync_checkpoints``), and which UIDs are stored.

The sync writes a folder's checkpoint inside the import pipeline's own transactions
(:func:`advance`), so the row never claims a message that was not committed with it.
:func:`known_uids` answers from ``message_locations`` which UIDs of a folder are stored
already, so widening a ``--since`` sync, or resuming one that was killed, fetches only
what is missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from agentconsole.store.db import write_txn

_CHUNK = 500
"""UIDs per ``IN (...)`` list (SQLite allows 32,766 variables; a page of them is fast)."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A folder's sync state: every message with UID <= ``last_uid`` whose arrival is
    on or after ``since_at`` (None: whatever its date) is stored, as long as the folder
    keeps ``uidvalidity``."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int
    since_at: int | None
    synced_at: int


def get_checkpoint(conn: sqlite3.Connection, account: str, folder: str) -> Checkpoint | None:
    row = conn.execute(
        "SELECT uidvalidity, last_uid, since_at, synced_at FROM sync_checkpoints"
        " WHERE account = ? AND folder = ?",
        (account, folder),
    ).fetchone()
    if row is None:
        return None
    return Checkpoint(
        account,
        folder,
        int(row[0]),
        int(row[1]),
        None if row[2] is None else int(row[2]),
        int(row[3]),
    )


def list_checkpoints(conn: sqlite3.Connection, account: str) -> list[Checkpoint]:
    rows = conn.execute(
        "SELECT folder FROM sync_checkpoints WHERE account = ? ORDER BY folder", (account,)
    ).fetchall()
    found = [get_checkpoint(conn, account, str(r[0])) for r in rows]
    return [c for c in found if c is not None]


def advance(
    conn: sqlite3.Connection,
    account: str,
    folder: str,
    uidvalidity: int,
    last_uid: int,
    *,
    since_at: int | None,
    now: int,
) -> None:
    """Move the folder's checkpoint up to ``last_uid`` inside the caller's transaction.

    A new row takes ``since_at``; an existing one with the same UIDVALIDITY keeps its
    own ``since_at`` (only :func:`finish` widens it) and never moves back. A row of
    another UIDVALIDITY is replaced: its UIDs name other messages now."""
    conn.execute(
        "INSERT INTO sync_checkpoints (account, folder, uidvalidity, last_uid, since_at,"
        " synced_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE SET"
        " last_uid = CASE WHEN uidvalidity = excluded.uidvalidity"
        " THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,"
        " since_at = CASE WHEN uidvalidity = excluded.uidvalidity"
        " THEN since_at ELSE excluded.since_at END,"
        " uidvalidity = excluded.uidvalidity, synced_at = excluded.synced_at",
        (account, folder, uidvalidity, last_uid, since_at, now),
    )


def finish(
    conn: sqlite3.Connection,
    account: str,
    folder: str,
    uidvalidity: int,
    last_uid: int,
    *,
    since_at: int | None,
    now: int,
) -> None:
    """After a folder was read to its end: everything up to ``last_uid`` from
    ``since_at`` on is stored (its own short transaction)."""
    with write_txn(conn):
        advance(conn, account, folder, uidvalidity, last_uid, since_at=since_at, now=now)
        conn.execute(
            "UPDATE sync_checkpoints SET since_at = ? WHERE account = ? AND folder = ?"
            " AND uidvalidity = ?",
            (since_at, account, folder, uidvalidity),
        )


def forget(conn: sqlite3.Connection, account: str, folder: str) -> None:
    """Drop the folder's checkpoint (its UIDVALIDITY changed: read it again)."""
    with write_txn(conn):
        conn.execute(
            "DELETE FROM sync_checkpoints WHERE account = ? AND folder = ?", (account, folder)
        )


def known_uids(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int, uids: Sequence[int]
) -> set[int]:
    """Which of ``uids`` of the folder (at ``uidvalidity``) have a stored message."""
    known: set[int] = set()
    for start in range(0, len(uids), _CHUNK):
        chunk = list(uids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT uid FROM message_locations WHERE kind = 'imap' AND path = ''"
            " AND byte_offset = 0 AND account = ? AND folder = ? AND uidvalidity = ?"
            f" AND uid IN ({marks})",
            (account, folder, uidvalidity, *chunk),
        ).fetchall()
        known.update(int(r[0]) for r in rows)
    return known
