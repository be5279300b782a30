"""Opening the database and writing to it safely from several processes.

The store is one SQLite file in WAL mode so that the console can read while an import
or a sync writes. Writers take the write lock up front with ``BEGIN IMMEDIATE``: a
deferred transaction that reads and then writes fails at once with "database is
locked" when another writer got there first, whatever the busy timeout. The connection
runs in autocommit mode so that no statement silently opens a deferred transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from agentconsole.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


def open_db(path: str | Path | None = None, *, memory: bool = False) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the store at ``path`` or in memory."""
    if memory or path is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(target),
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _enable_wal(conn)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-32000")
    db = sqlite_utils.Database(conn)
    migrate(conn)
    return db


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL. The switch needs an exclusive lock and is not
    retried by the busy handler, so a second opener racing the first retries here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def write_txn(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction: all of it or none of it.

    Inside another write transaction it becomes a savepoint, so store functions that
    each commit on their own can be combined into one atomic action (escalate = a
    priority change, a tag and an event; undo of it likewise)."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested_write")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested_write")
            conn.execute("RELEASE nested_write")
            raise
        conn.execute("RELEASE nested_write")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
