"""A write that fails half-way (here a full disk, SQLite's SQLITE_FULL) leaves the
store as it was and reports the error that happened, not a failed rollback: SQLite
has already rolled the transaction back by itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentconsole.store.db import connect, write_txn


def _full(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages + 2}")
    return conn


def _fill(conn: sqlite3.Connection) -> None:
    for _ in range(100):
        conn.execute("INSERT INTO filler VALUES (?)", ("x" * 5000,))


def test_a_full_disk_inside_write_txn_raises_the_disk_error(tmp_path: Path) -> None:
    conn = _full(tmp_path / "s.db")
    with pytest.raises(sqlite3.OperationalError, match="^database or disk is full$"):
        with write_txn(conn):
            _fill(conn)
    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM filler").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_inside_a_nested_write_txn_too(tmp_path: Path) -> None:
    conn = _full(tmp_path / "s.db")
    with pytest.raises(sqlite3.OperationalError, match="^database or disk is full$"):
        with write_txn(conn):
            conn.execute("INSERT INTO filler VALUES ('outer')")
            with write_txn(conn):
                _fill(conn)
    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM filler").fetchone()[0] == 0


def test_the_test_page_limit_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTCONSOLE_TEST_MAX_PAGES", "123456")
    conn = connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA max_page_count").fetchone()[0] == 123456
