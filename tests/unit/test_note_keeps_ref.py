"""An internal note never renames its ticket (newcomer trial): on a thread whose mail
has no Date header, a dated note with a random Message-ID became the "first message"
and gave the ticket a new ref, a different one on every machine."""

from __future__ import annotations

import sqlite3

from agentconsole.compose.build import new_draft
from agentconsole.compose.send import outgoing_message
from agentconsole.domain.outgoing import add_note
from tests.mailfactory import ingest, mail, make_config

CONFIG = make_config(from_address="support@okwallet.example", agent_name="Lin")


def test_a_note_on_an_undated_thread_keeps_the_ref(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(date=None, msgid="<undated@example.com>")], CONFIG)
    [(ticket_id, ref)] = conn.execute("SELECT id, ref FROM tickets").fetchall()
    for n in range(3):
        draft = new_draft(conn, ticket_id, "note", CONFIG, canned_text=f"Checked the ledger {n}.")
        add_note(conn, ticket_id, outgoing_message(conn, draft, CONFIG), actor="lin")
    assert conn.execute("SELECT ref FROM tickets").fetchall() == [(ref,)]
    assert conn.execute("SELECT count(*) FROM messages WHERE direction = 'note'").fetchone() == (3,)
