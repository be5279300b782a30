"""A second opener racing the first to switch a new store to WAL: the switch is not
retried by SQLite's busy handler, so connect() retries while the database is locked
and then opens it in WAL; a lock held past the busy timeout is an error, not a hang."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from agentconsole.store import db
from agentconsole.store.db import connect


def _locked(path: Path) -> sqlite3.Connection:
    """A new database file another opener is writing to (a RESERVED lock): SQLite
    answers the WAL switch "database is locked" at once, without its busy handler."""
    holder = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("INSERT INTO t VALUES (1)")
    return holder


def test_the_switch_waits_for_the_lock_and_then_opens_in_wal(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    holder = _locked(path)
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        conn = connect(path)
    finally:
        release.join()
        holder.close()
    assert time.monotonic() - started >= 0.25
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()


def test_a_lock_held_past_the_timeout_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "store.db"
    holder = _locked(path)
    started = time.monotonic()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            connect(path)
    finally:
        holder.close()
    assert 0.15 <= time.monotonic() - started < 3  # retried until the deadline
