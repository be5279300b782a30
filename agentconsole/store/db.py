"""Opening the database and writing to it safely from several processes.

The store is one SQLite file in WAL mode so that the console can read while an import
or a sync writes. Writers take the write lock up front with ``BEGIN IMMEDIATE``: a
deferred transaction that reads and then writes fails at once with "database is
locked" when another writer got there first, whatever the busy timeout. The connection
runs in autocommit mode so that no statement silently opens a deferred transaction.

``connect`` gives a plain ``sqlite3`` connection (what the command line uses: importing
sqlite-utils costs ~50 ms a command); ``open_db`` wraps it in a ``sqlite_utils.Database``
for the callers that want one.

A full disk cannot be produced on demand in CI, so the environment variable
``AGENTCONSOLE_TEST_MAX_PAGES`` (tests only) caps the database at that many pages with
``PRAGMA max_page_count``: writes past it fail with SQLITE_FULL exactly as on a full disk.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agentconsole.store.migrations import migrate

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
TEST_MAX_PAGES_ENV = "AGENTCONSOLE_TEST_MAX_PAGES"


def open_db(path: str | Path | None = None, *, memory: bool = False) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the store at ``path`` or in memory."""
    import sqlite_utils

    return sqlite_utils.Database(connect(path, memory=memory))


def connect(path: str | Path | None = None, *, memory: bool = False) -> sqlite3.Connection:
    """A connection to the store at ``path`` (or in memory), created and migrated if
    needed, in autocommit mode."""
    if memory or path is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        target = Path(path)
        _create_private(target)
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
    max_pages = os.environ.get(TEST_MAX_PAGES_ENV)
    if max_pages:
        conn.execute(f"PRAGMA max_page_count={int(max_pages)}")
    migrate(conn)
    return conn


def _create_private(target: Path) -> None:
    """Create a missing store readable by its owner only: it holds customers' mail.

    The data folder is made 0700 and the file 0600 before SQLite opens it; SQLite gives
    the -wal and -shm files the database file's mode, so they are private too. An
    existing folder or file keeps the mode its owner chose."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


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
    priority change, a tag and an event; undo of it likewise).

    After some errors (a full disk, an I/O error) SQLite has already rolled the whole
    transaction back; rolling back again would raise "no transaction is active" and hide
    the error that matters, so the rollback happens only while a transaction is open."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested_write")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO nested_write")
                conn.execute("RELEASE nested_write")
            raise
        conn.execute("RELEASE nested_write")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
