"""More records and messages asserted whole: a ticket as the queue lists it, field
changes and their refusals, lowercase and unpadded encoded words, and why a path is
not mail."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from agentconsole.domain.tickets import set_tags, update_ticket
from agentconsole.mail.headers import decode_header
from agentconsole.mail.sources import (
    EmlSource,
    MaildirSource,
    MboxSource,
    NotAMailbox,
    open_sources,
)
from agentconsole.models import Ticket
from agentconsole.refs import message_ref
from agentconsole.store.events import ticket_events
from agentconsole.store.query import compile_query
from agentconsole.store.ticket_rows import set_columns
from agentconsole.store.tickets import list_tickets
from tests.mailfactory import SUPPORT, ingest, mail


def test_a_ticket_as_the_queue_lists_it(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(date="Mon, 05 Oct 2026 10:00:00 +0000"),
            mail(
                sender=SUPPORT,
                to="wang@example.com",
                msgid="<r@x>",
                in_reply_to="<m1@example.com>",
                date="Mon, 05 Oct 2026 11:00:00 +0000",
            ),
        ],
    )
    set_tags(conn, [1], ["vip", "a, b"], [], actor="lin")
    conn.execute("UPDATE tickets SET due_at = 1791300000, assignee = 'zoe'")
    [ticket] = list_tickets(conn, compile_query(""))
    updated = conn.execute("SELECT updated_at FROM tickets").fetchone()[0]
    assert ticket == Ticket(
        id=1,
        subject="Withdrawal not received",
        status="pending",
        priority="normal",
        category="withdrawal",
        assignee="zoe",
        customer_id=1,
        customer_name="Wang Fang",
        customer_address="wang@example.com",
        created_at=1791194400,
        updated_at=updated,
        first_response_at=1791198000,
        last_customer_at=1791194400,
        last_agent_at=1791198000,
        last_message_at=1791198000,
        solved_at=None,
        due_at=1791300000,
        message_count=2,
        tags=("a, b", "vip"),
        derived_ref=message_ref("<m1@example.com>", b""),
    )
    assert ticket.ref == "T-2N8RP47P"


def test_field_changes_and_their_refusals(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(), mail(msgid="<2@x>", sender="li@example.com")])
    with pytest.raises(ValueError, match="^cannot change 'subject'$"):
        update_ticket(conn, [1], "subject", "x", actor="lin")
    with pytest.raises(
        ValueError, match="^status must be one of new, open, pending, solved, closed$"
    ):
        update_ticket(conn, [1], "status", "done", actor="lin")
    assert update_ticket(conn, [1], "assignee", "  bob ", actor="lin") == [(1, None)]
    assert update_ticket(conn, [1, 2], "assignee", "bob", actor="lin") == [(2, None)]
    assert update_ticket(conn, [1, 2], "assignee", "   ", actor="lin") == [(1, "bob"), (2, "bob")]
    assert conn.execute("SELECT assignee FROM tickets").fetchall() == [(None,), (None,)]
    update_ticket(conn, [2], "status", "solved", actor="lin")
    [event] = [e for e in ticket_events(conn, 2) if e.kind == "status"]
    assert (event.actor, event.data) == ("lin", {"from": "new", "to": "solved"})
    solved_at = conn.execute("SELECT solved_at FROM tickets WHERE id = 2").fetchone()[0]
    assert event.at == solved_at
    tagged = set_tags(conn, [1], ["x"], [], actor="lin")
    assert tagged == ([(1, "x")], [])
    assert [e.at for e in ticket_events(conn, 1) if e.kind == "tag_added"] == [
        conn.execute("SELECT updated_at FROM tickets WHERE id = 1").fetchone()[0]
    ]
    with pytest.raises(ValueError, match="^cannot write alpha, zeta$"):
        set_columns(conn, 1, {"zeta": 1, "alpha": 2})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=?utf-8?b?eA==?=", "x"),
        ("=?utf-8?B?YWI?=", "ab"),
        ("=?utf-8?q?caf\u00e9_x?=", "caf? x"),
        ("=?utf-8?Q?a=3Db_c?=", "a=b c"),
    ],
)
def test_encoded_words_as_mailers_write_them(value: str, text: str) -> None:
    assert decode_header(value) == (text, None)


def test_why_a_path_is_not_mail(tmp_path: Path) -> None:
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    with pytest.raises(NotAMailbox, match=f"^{empty}: the file is empty$"):
        open_sources(empty)
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotAMailbox, match=f"^{tmp_path / 'pipe'}: neither a file nor a folder$"):
        open_sources(tmp_path / "pipe")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    (nothing / "notes.txt").write_text("hello")
    message = f"{nothing}: no mail found (looked for a Maildir, .eml files and .mbox files)"
    with pytest.raises(NotAMailbox, match=f"^{re.escape(message)}$"):
        open_sources(nothing)


def test_a_takeout_folder_mixes_every_kind(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(mail())
    (tmp_path / "Mail").mkdir()
    box = b"From a@b Thu Jan  1 00:00:00 2026\n" + mail(msgid="<2@x>")
    (tmp_path / "Mail" / "Inbox.MBX").write_bytes(box)
    (tmp_path / "Mail" / "fake.mbox").write_bytes(b"not an mbox")
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Mail" / "Archive" / sub).mkdir(parents=True)
    sources = open_sources(tmp_path)
    assert [(type(s), s.path) for s in sources] == [
        (EmlSource, tmp_path),
        (MaildirSource, tmp_path / "Mail" / "Archive"),
        (MboxSource, tmp_path / "Mail" / "Inbox.MBX"),
    ]
