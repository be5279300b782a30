"""What queueing an agent's reply writes, in one transaction: the status it asks for
(or the one it had), solved_at when it solves, the agent's clock, the status and
reply_queued events with their data, an override of the linter, the draft gone; and
the refusals that write nothing."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from agentconsole.compose.build import new_draft
from agentconsole.compose.send import OutgoingMessage, outgoing_message
from agentconsole.domain.outgoing import Override, queue_reply
from agentconsole.store.drafts import write_draft
from agentconsole.store.outbox import list_outbox
from tests.mailfactory import ingest, mail, make_config

T = 1_900_000_000
CONFIG = make_config(from_address="support@okwallet.example", agent_name="Lin")


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(sender="Wang Fang <wang@example.com>", msgid="<q1@x>", subject="One"),
            mail(sender="Li Lei <li@example.net>", msgid="<q2@x>", subject="Two"),
        ],
        CONFIG,
    )
    return conn


def _reply(conn: sqlite3.Connection, ticket_id: int) -> tuple[OutgoingMessage, int]:
    """The reply an agent composed, and the id of its saved draft."""
    draft = new_draft(conn, ticket_id, "reply", CONFIG, canned_text="It is on its way.")
    with conn:
        draft_id = write_draft(conn, draft)
    return outgoing_message(conn, draft, CONFIG, now=T), draft_id


def _events(conn: sqlite3.Connection, kind: str) -> list[tuple[object, ...]]:
    rows = conn.execute(
        "SELECT actor, ticket_id, message_id, at, data FROM events WHERE kind = ? ORDER BY id",
        (kind,),
    ).fetchall()
    return [(*row[:4], json.loads(row[4] or "{}")) for row in rows]


def _ticket(conn: sqlite3.Connection, ticket_id: int) -> tuple[object, ...]:
    return tuple(
        conn.execute(
            "SELECT status, solved_at, first_response_at, last_agent_at FROM tickets WHERE id = ?",
            (ticket_id,),
        ).fetchone()
    )


def test_a_reply_that_solves_records_everything_at_its_moment(store: sqlite3.Connection) -> None:
    message, draft_id = _reply(store, 1)
    status_events = len(_events(store, "status"))
    queued = queue_reply(
        store,
        1,
        message,
        actor="lin",
        status_after="solved",
        draft_id=draft_id,
        override=Override("customer asked", ("L001", "L002")),
        now=T,
    )
    assert queued.status == "solved"
    assert _ticket(store, 1) == ("solved", T, T, T)
    assert _events(store, "status")[status_events:] == [
        ("lin", 1, None, T, {"from": "new", "to": "solved", "reason": "the agent replied"})
    ]
    [entry] = list_outbox(store)
    assert (entry.id, entry.message_id, entry.queued_at) == (queued.outbox_id, queued.message_id, T)
    assert _events(store, "reply_queued") == [
        (
            "lin",
            1,
            queued.message_id,
            T,
            {
                "outbox": queued.outbox_id,
                "message_id": message.rfc_message_id,
                "to": ["wang@example.com"],
            },
        )
    ]
    assert _events(store, "lint_overridden") == [
        ("lin", 1, queued.message_id, T, {"reason": "customer asked", "codes": ["L001", "L002"]})
    ]
    stored = store.execute(
        "SELECT ticket_id, direction FROM messages WHERE id = ?", (queued.message_id,)
    ).fetchone()
    assert stored == (1, "out")
    drafts = store.execute("SELECT count(*) FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    assert drafts[0] == 0
    # the other ticket is untouched
    assert _ticket(store, 2)[0] == "new"
    assert not store.in_transaction


def test_unchanged_keeps_the_status_and_records_no_status_event(
    store: sqlite3.Connection,
) -> None:
    message, _ = _reply(store, 2)
    before = len(_events(store, "status"))
    queued = queue_reply(store, 2, message, actor="lin", status_after="unchanged", now=T)
    assert queued.status == "new"
    assert _ticket(store, 2) == ("new", None, T, T)
    assert len(_events(store, "status")) == before
    assert _events(store, "lint_overridden") == []


def test_a_reply_to_the_status_the_ticket_has_records_no_change(
    store: sqlite3.Connection,
) -> None:
    message, _ = _reply(store, 1)
    before = len(_events(store, "status"))
    assert queue_reply(store, 1, message, actor="lin", status_after="new", now=T).status == "new"
    assert len(_events(store, "status")) == before
    second, _ = _reply(store, 1)
    assert queue_reply(store, 1, second, actor="amy", status_after="pending", now=T + 9).status == (
        "pending"
    )
    assert _events(store, "status")[-1] == (
        "amy",
        1,
        None,
        T + 9,
        {"from": "new", "to": "pending", "reason": "the agent replied"},
    )
    assert _ticket(store, 1) == ("pending", None, T, T + 9)


def test_refusals_write_nothing(store: sqlite3.Connection) -> None:
    message, _ = _reply(store, 1)
    with pytest.raises(
        ValueError,
        match="status after a reply must be one of new, open, pending, solved, closed, unchanged",
    ):
        queue_reply(store, 1, message, actor="lin", status_after="done", now=T)
    with pytest.raises(ValueError, match="a reply is an outgoing message on its own ticket"):
        queue_reply(store, 2, message, actor="lin", status_after="open", now=T)
    note = replace(message, row=replace(message.row, direction="note"))
    with pytest.raises(ValueError, match="a reply is an outgoing message on its own ticket"):
        queue_reply(store, 1, note, actor="lin", status_after="open", now=T)
    assert list_outbox(store) == []
    assert _events(store, "reply_queued") == []
    assert _ticket(store, 1)[0] == "new"
