"""The migration runner: statements split where SQLite says they end (triggers, strings,
comments), and each migration applied whole or not at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentconsole.store import open_db
from agentconsole.store.migrations import MIGRATIONS, _statements, current_version, migrate

LATEST = MIGRATIONS[-1][0]

_AUDIT = """
-- a trigger's body holds several statements, each ending in ";" and a newline
CREATE TABLE audit (ticket_id INTEGER, note TEXT);
CREATE TRIGGER ticket_solved AFTER UPDATE OF status ON tickets
WHEN new.status = 'solved'
BEGIN
    INSERT INTO audit (ticket_id, note) VALUES (new.id, 'solved;
twice');
    UPDATE tickets SET solved_at = 42 WHERE id = new.id;
END;
INSERT INTO audit (ticket_id, note) VALUES (0, 'created')
"""


def test_statements_split_where_sqlite_ends_them() -> None:
    statements = _statements(_AUDIT)

    assert len(statements) == 3
    assert statements[0].startswith("-- a trigger's body")
    assert statements[0].endswith("CREATE TABLE audit (ticket_id INTEGER, note TEXT);")
    assert statements[1].startswith("CREATE TRIGGER ticket_solved")
    assert statements[1].endswith("WHERE id = new.id;\nEND;")
    assert statements[2] == "INSERT INTO audit (ticket_id, note) VALUES (0, 'created')"


def test_a_migration_with_a_trigger_of_several_statements_applies(tmp_path: Path) -> None:
    conn = open_db(tmp_path / "s.db").conn
    conn.execute("INSERT INTO tickets (id, subject, created_at, updated_at) VALUES (7, 'x', 1, 1)")

    assert migrate(conn, [*MIGRATIONS, (LATEST + 1, "audit", _AUDIT)]) == LATEST + 1

    conn.execute("UPDATE tickets SET status = 'solved' WHERE id = 7")
    assert conn.execute("SELECT ticket_id, note FROM audit ORDER BY rowid").fetchall() == [
        (0, "created"),
        (7, "solved;\ntwice"),
    ]
    assert conn.execute("SELECT solved_at FROM tickets WHERE id = 7").fetchone() == (42,)
    assert current_version(conn) == LATEST + 1


def test_a_failing_migration_leaves_the_database_at_the_version_before(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = open_db(path).conn
    good = (LATEST + 1, "audit", _AUDIT)
    bad = (LATEST + 2, "broken", "CREATE TABLE half (a INTEGER);\nINSERT INTO nowhere VALUES (1);")

    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        migrate(conn, [*MIGRATIONS, good, bad])
    conn.close()

    again = sqlite3.connect(path)
    assert current_version(again) == LATEST + 1
    tables = {row[0] for row in again.execute("SELECT name FROM sqlite_master")}
    assert "audit" in tables and "half" not in tables
    assert again.execute("SELECT max(version), count(*) FROM schema_migrations").fetchone() == (
        LATEST + 1,
        len(MIGRATIONS) + 1,
    )
