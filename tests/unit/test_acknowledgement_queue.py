"""An automatic acknowledgement recorded and queued in one transaction (in process, so
mutation testing sees it; tests/functional/test_acknowledge.py delivers it over SMTP):
the message stored as outgoing automatic mail, the outbox entry with its bytes, the
``acknowledged`` event on ticket and customer, the ticket still new with its clocks."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import replace
from email.utils import formatdate

import pytest

from agentconsole.compose.acknowledge import acknowledge_new_tickets
from agentconsole.compose.build import new_draft
from agentconsole.compose.send import outgoing_message
from agentconsole.domain.outgoing import queue_acknowledgement
from agentconsole.store.outbox import list_outbox, outbox_raw
from tests.mailfactory import ingest, mail, make_config

NOW = int(time.time())
CONFIG = make_config(from_address="support@okwallet.example", agent_name="Lin", acknowledge=True)


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(
                sender="Wang Fang <wang@example.com>",
                subject="Question 1",
                msgid="<ack1@example.org>",
                date=formatdate(NOW - 3600, localtime=False),
            )
        ],
        CONFIG,
    )
    return conn


def test_the_acknowledgement_is_stored_queued_and_recorded(store: sqlite3.Connection) -> None:
    before = store.execute(
        "SELECT status, first_response_at, customer_id FROM tickets WHERE id = 1"
    ).fetchone()
    assert acknowledge_new_tickets(store, CONFIG, now=NOW).queued == [(1, "wang@example.com")]
    ticket = store.execute(
        "SELECT status, first_response_at, customer_id FROM tickets WHERE id = 1"
    ).fetchone()
    assert ticket == before and ticket[:2] == ("new", None)
    (message_id, direction, auto_kind, rfc_id) = store.execute(
        "SELECT id, direction, auto_kind, message_id FROM messages WHERE direction = 'out'"
    ).fetchone()
    assert (direction, auto_kind) == ("out", "auto_reply")
    [entry] = list_outbox(store)
    assert (entry.message_id, entry.status, entry.queued_at, entry.ticket_id) == (
        message_id,
        "queued",
        NOW,
        1,
    )
    assert entry.rfc_message_id == f"<{rfc_id}>"
    assert entry.to == ("wang@example.com",)
    assert b"Auto-Submitted: auto-replied" in outbox_raw(store, entry.id)
    [event] = store.execute(
        "SELECT actor, ticket_id, customer_id, message_id, at, data FROM events"
        " WHERE kind = 'acknowledged'"
    ).fetchall()
    assert event[:5] == ("acknowledgement", 1, ticket[2], message_id, NOW)
    assert json.loads(event[5]) == {
        "outbox": entry.id,
        "message_id": entry.rfc_message_id,
        "to": ["wang@example.com"],
    }
    participants = store.execute("SELECT address FROM ticket_participants WHERE ticket_id = 1")
    assert "wang@example.com" in {r[0] for r in participants}
    assert not store.in_transaction


def test_only_outgoing_automatic_mail_is_an_acknowledgement(store: sqlite3.Connection) -> None:
    draft = new_draft(store, 1, "reply", CONFIG, canned_text="We got it.")
    reply = outgoing_message(store, draft, CONFIG, now=NOW)
    with pytest.raises(ValueError, match="an acknowledgement is outgoing automatic mail"):
        queue_acknowledgement(store, 1, reply, customer_id=1, now=NOW)
    automatic = outgoing_message(store, draft, CONFIG, now=NOW, automatic=True)
    inbound = replace(automatic, row=replace(automatic.row, direction="in"))
    with pytest.raises(ValueError, match="an acknowledgement is outgoing automatic mail"):
        queue_acknowledgement(store, 1, inbound, customer_id=1, now=NOW)
    assert list_outbox(store) == []
    assert store.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    queued = queue_acknowledgement(store, 1, automatic, customer_id=1, now=NOW)
    assert queued.status == "new"
    assert [e.id for e in list_outbox(store)] == [queued.outbox_id]
