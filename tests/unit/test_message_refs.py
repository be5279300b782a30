"""Migration 4 and import remember the Message-IDs each message names."""

from __future__ import annotations

import sqlite3

from agentconsole.store.db import connect
from agentconsole.store.message_refs import referring_messages
from agentconsole.store.migrations import MIGRATIONS, current_version, migrate
from agentconsole.store.threads import named_on_tickets
from tests.mailfactory import ingest, mail
from tests.schema_history import DOWN_TO_V2

FIRST = mail(msgid="<a1@example.com>")
REPLY = mail(
    sender="Support <support@okwallet.example>",
    to="wang@example.com",
    msgid="<a2@example.com>",
    subject="Re: Withdrawal not received",
    in_reply_to="<a1@example.com>",
    references="<a0@example.com> <a1@example.com>",
    date="Mon, 05 Oct 2026 12:00:00 +0800",
)


def _named(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT m.message_id, r.referenced FROM message_refs r"
        " JOIN messages m ON m.id = r.message_id ORDER BY 1, 2"
    ).fetchall()


EXPECTED = [("a2@example.com", "a0@example.com"), ("a2@example.com", "a1@example.com")]


def test_import_records_in_reply_to_and_references_once_each() -> None:
    conn = connect(memory=True)
    ingest(conn, [REPLY, FIRST])
    assert _named(conn) == EXPECTED
    assert [ticket for _, ticket in referring_messages(conn, "a1@example.com")] == [1]
    assert referring_messages(conn, "a2@example.com") == []
    [(named, ticket, _)] = named_on_tickets(conn, ["a1@example.com", "zz@example.com"])
    assert (named, ticket) == ("a1@example.com", 1)


def test_migration_4_backfills_the_references_of_stored_mail() -> None:
    conn = connect(memory=True)
    ingest(conn, [FIRST, REPLY])
    conn.executescript(DOWN_TO_V2)
    assert current_version(conn) == 2
    assert migrate(conn) == MIGRATIONS[-1][0]
    assert _named(conn) == EXPECTED
    assert conn.execute("SELECT count(*) FROM tickets WHERE merged_into IS NULL").fetchone() == (1,)
