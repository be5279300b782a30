"""The console's service: undoable changes, atomic escalation, one connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentconsole.attachments import safe_filename
from agentconsole.service import ConsoleService
from agentconsole.store import open_db, write_txn
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import ingest, mail, make_config


@pytest.fixture
def service(tmp_path: Path) -> ConsoleService:
    path = tmp_path / "s.db"
    conn = open_db(path).conn
    ingest(
        conn,
        [mail(msgid=f"<{n}@x>", sender=f"c{n}@example.com", subject=f"s{n}") for n in range(3)],
    )
    conn.execute("UPDATE tickets SET priority = 'urgent' WHERE id = 3")
    conn.close()
    return ConsoleService(path, make_config())


def _state(service: ConsoleService) -> list[tuple[str, tuple[str, ...]]]:
    conn = open_db(service.db_path).conn
    return [(get_ticket(conn, i).priority, get_ticket(conn, i).tags) for i in (1, 2, 3)]


def test_escalate_and_undo(service: ConsoleService) -> None:
    before = _state(service)
    change = service.escalate([1, 3])
    assert _state(service) == [("high", ("escalated",)), before[1], ("urgent", ("escalated",))]
    service.undo(change)
    assert _state(service) == before
    conn = open_db(service.db_path).conn
    kinds = [r[0] for r in conn.execute("SELECT kind FROM events WHERE actor = 'lin' ORDER BY id")]
    assert kinds.count("escalated") == 2 and kinds.count("tag_removed") == 2


def test_tag_change_reports_only_what_changed(service: ConsoleService) -> None:
    first = service.change_tags([1, 2], ["vip"], [])
    again = service.change_tags([1, 2], ["vip", "refund"], ["nope"])
    assert first.tags_added == ((1, "vip"), (2, "vip"))
    assert again.tags_added == ((1, "refund"), (2, "refund")) and again.tags_removed == ()
    service.undo(again)
    assert [tags for _, tags in _state(service)[:2]] == [("vip",), ("vip",)]


def test_nested_write_rolls_back_only_its_part(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    with write_txn(conn):
        conn.execute("UPDATE tickets SET priority = 'high'")
        with pytest.raises(RuntimeError):
            with write_txn(conn):
                conn.execute("UPDATE tickets SET status = 'solved'")
                raise RuntimeError("inner fails")
    assert conn.execute("SELECT priority, status FROM tickets").fetchone() == ("high", "new")


def test_a_failing_escalation_leaves_nothing_behind(service: ConsoleService) -> None:
    before = _state(service)
    with pytest.raises(sqlite3.IntegrityError):  # the tag's foreign key: no ticket 999
        service.escalate([1, 999])  # 999 does not exist: the whole action is refused
    assert _state(service) == before


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("a\x1b[2J.pdf", "a_[2J.pdf"),
        ("...", "attachment"),
        ("截图.png", "截图.png"),
        ("C:\\\\x\\\\y.doc", "y.doc"),
    ],
)
def test_attachment_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
