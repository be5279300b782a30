"""Explicit transaction steps and upkeep for a long writer (the import pipeline).

Most writers use :func:`agentconsole.store.db.write_txn`; the import instead takes
turns with other writers batch by batch, so it begins and commits itself.
"""

from __future__ import annotations

import sqlite3


def begin(conn: sqlite3.Connection) -> None:
    """Take the write lock now (``BEGIN IMMEDIATE``), not at the first write."""
    conn.execute("BEGIN IMMEDIATE")


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (a full disk has already rolled it
    back, and rolling back again would raise and hide that error)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def set_autocheckpoint(conn: sqlite3.Connection, pages: int) -> int:
    """Let the WAL grow to ``pages`` pages before a commit copies it into the database
    (SQLite's default is 1000); returns the setting it replaces."""
    previous = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
    return previous


def checkpoint(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the database now, as far as readers allow (never waits)."""
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def set_cache_size(conn: sqlite3.Connection, kib: int) -> None:
    """Let this connection keep up to ``kib`` KiB of pages in memory."""
    conn.execute(f"PRAGMA cache_size=-{int(kib)}")


def refresh_statistics(conn: sqlite3.Connection) -> None:
    """Let the query planner know the data's shape after it changed a lot. Without
    statistics SQLite sorts 70,000 open tickets to show 100 of them instead of walking
    the activity index. Approximate statistics (analysis_limit) mislead it for the
    tickets table, whose exact analysis takes about 60 ms at 100,000 tickets."""
    conn.execute("PRAGMA analysis_limit=1000")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA analysis_limit=0")  # the queue's table gets exact figures
    conn.execute("ANALYZE tickets")
