"""How a store is opened: the settings every connection runs with (WAL, the busy wait,
foreign keys...), the test cap on its size, and nested write transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentconsole.store import write_txn
from agentconsole.store.db import TEST_MAX_PAGES_ENV, connect
from tests.mailfactory import ingest, mail


def _pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    names = ("journal_mode", "busy_timeout", "synchronous", "foreign_keys", "temp_store")
    found: dict[str, object] = {n: conn.execute(f"PRAGMA {n}").fetchone()[0] for n in names}
    found["cache_size"] = conn.execute("PRAGMA cache_size").fetchone()[0]
    return found


def test_a_file_store_runs_in_wal_with_a_busy_wait(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    assert _pragmas(conn) == {
        "journal_mode": "wal",
        "busy_timeout": 10_000,
        "synchronous": 1,
        "foreign_keys": 1,
        "temp_store": 2,
        "cache_size": -32_000,
    }
    assert conn.isolation_level is None and not conn.in_transaction
    conn.close()
    again = connect(tmp_path / "s.db")  # opening an existing store changes nothing
    assert _pragmas(again)["journal_mode"] == "wal"
    assert again.execute("SELECT count(*) FROM messages").fetchone() == (0,)


def test_a_memory_store_has_the_same_settings_but_wal() -> None:
    settings = _pragmas(connect(memory=True))
    assert settings["journal_mode"] == "memory"
    assert {k: v for k, v in settings.items() if k != "journal_mode"} == {
        "busy_timeout": 10_000,
        "synchronous": 1,
        "foreign_keys": 1,
        "temp_store": 2,
        "cache_size": -32_000,
    }


def test_the_test_cap_on_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_MAX_PAGES_ENV, "300")
    conn = connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA max_page_count").fetchone() == (300,)
    monkeypatch.delenv(TEST_MAX_PAGES_ENV)
    assert connect(tmp_path / "t.db").execute("PRAGMA max_page_count").fetchone()[0] > 300


def test_a_failing_inner_write_rolls_back_only_itself(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    with write_txn(conn):
        conn.execute("UPDATE tickets SET priority = 'high'")
        with pytest.raises(RuntimeError, match="^inner$"), write_txn(conn):
            conn.execute("UPDATE tickets SET status = 'solved'")
            raise RuntimeError("inner")
        assert conn.in_transaction
    assert not conn.in_transaction
    assert conn.execute("SELECT priority, status FROM tickets").fetchone() == ("high", "new")
    with pytest.raises(RuntimeError, match="^outer$"), write_txn(conn):
        with write_txn(conn):
            conn.execute("UPDATE tickets SET status = 'open'")
        raise RuntimeError("outer")
    assert conn.execute("SELECT status FROM tickets").fetchone() == ("new",)
