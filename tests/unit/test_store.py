"""The store: migrations, WAL and transactions, raw bytes kept exactly, events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentconsole.domain.tickets import set_tags, update_ticket
from agentconsole.store import open_db, write_txn
from agentconsole.store.events import new_event_uuid, ticket_events
from agentconsole.store.messages import raw_message
from agentconsole.store.migrations import MIGRATIONS, current_version, migrate
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import ingest, mail


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = open_db(path).conn
    assert current_version(conn) == MIGRATIONS[-1][0]
    assert migrate(conn) == MIGRATIONS[-1][0]
    conn.close()
    again = open_db(path).conn  # opening an up-to-date store changes nothing
    assert again.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_messages_id_is_a_rowid_alias(conn: sqlite3.Connection) -> None:
    columns = conn.execute("PRAGMA table_info(messages)").fetchall()
    [id_column] = [c for c in columns if c[1] == "id"]
    assert id_column[2] == "INTEGER" and id_column[5] == 1


def test_raw_bytes_come_back_unchanged(conn: sqlite3.Connection) -> None:
    raw = mail(body="提现 \x00\xff?".encode("utf-8", "replace").decode("utf-8"), cte="8bit")
    raw = raw + b"\r\ntrailing \xff\xfe bytes"
    ingest(conn, [raw, b"\x00 not mail \xff"])
    assert raw_message(conn, 1) == raw
    assert raw_message(conn, 2) == b"\x00 not mail \xff"


def test_write_txn_rolls_back_on_error(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    with pytest.raises(RuntimeError, match="^boom$"), write_txn(conn):
        conn.execute("UPDATE tickets SET status = 'solved'")
        raise RuntimeError("boom")
    assert not conn.in_transaction
    assert conn.execute("SELECT status FROM tickets").fetchone()[0] == "new"


def test_every_change_writes_an_event_with_old_and_new(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    changed = update_ticket(conn, [1], "priority", "high", actor="lin")
    assert changed == [(1, "normal")]
    assert update_ticket(conn, [1], "priority", "high", actor="lin") == []  # no-op, no event
    update_ticket(conn, [1], "status", "solved", actor="lin")
    set_tags(conn, [1], ["vip", "VIP"], [], actor="lin")
    ticket = get_ticket(conn, 1)
    assert ticket.priority == "high" and ticket.status == "solved" and ticket.solved_at
    assert ticket.tags == ("vip",)
    kinds = [(e.kind, e.data.get("to"), e.actor) for e in ticket_events(conn, 1)]
    assert ("priority", "high", "lin") in kinds and ("status", "solved", "lin") in kinds
    assert [e.kind for e in ticket_events(conn, 1)].count("tag_added") == 1


def test_event_uuids_are_time_ordered_and_unique() -> None:
    ids = [new_event_uuid() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert ids[0][:8] <= ids[-1][:8]


def test_many_threads_opening_a_new_database_at_once(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "race.db"
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            conn = open_db(path).conn
            conn.execute("SELECT count(*) FROM tickets").fetchone()
            conn.close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current_version(open_db(path).conn) == MIGRATIONS[-1][0]
