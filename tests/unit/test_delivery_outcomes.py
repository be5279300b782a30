"""What each delivery outcome records, on replies queued the way an agent queues them:
sent (with any refused recipients), deferred with a doubling wait, failed (the ticket
tagged once, the event saying why), and a server that cannot be reached; each in one
transaction and only for an entry this process still holds."""

from __future__ import annotations

import json
import sqlite3

import pytest

from agentconsole.domain.outgoing import (
    RETRY_BASE_SECONDS,
    RETRY_MAX_SECONDS,
    outbox_unreachable,
    reply_deferred,
    reply_failed,
    reply_sent,
    retry_delay,
)
from agentconsole.models import DELIVERY_FAILED_TAG
from agentconsole.store.outbox import OutboxClaim, claim_next, list_outbox
from tests.outboxfactory import queue_replies

T = 1_900_000_000


@pytest.fixture
def tickets(conn: sqlite3.Connection) -> list[int]:
    return queue_replies(conn, 2)


def _claim(conn: sqlite3.Connection) -> OutboxClaim:
    claim = claim_next(conn, now=T)
    assert claim is not None
    return claim


def _events(conn: sqlite3.Connection, kind: str) -> list[tuple[object, ...]]:
    rows = conn.execute(
        "SELECT actor, ticket_id, message_id, at, data FROM events WHERE kind = ? ORDER BY id",
        (kind,),
    ).fetchall()
    return [(*row[:4], json.loads(row[4] or "{}")) for row in rows]


def _tags(conn: sqlite3.Connection, ticket_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag", (ticket_id,)
    )
    return [str(r[0]) for r in rows]


def _entry(conn: sqlite3.Connection, outbox_id: int) -> tuple[object, ...]:
    (entry,) = [e for e in list_outbox(conn) if e.id == outbox_id]
    return entry.status, entry.attempts, entry.last_error, entry.sent_at, entry.next_attempt_at


def test_the_retry_wait_doubles_from_a_minute_up_to_six_hours() -> None:
    assert [retry_delay(n) for n in range(5)] == [60, 120, 240, 480, 960]
    assert RETRY_BASE_SECONDS == 60 and RETRY_MAX_SECONDS == 6 * 3600
    assert retry_delay(8) == 15_360
    assert retry_delay(9) == 6 * 3600  # 30,720 s capped
    assert retry_delay(1000) == 6 * 3600


def test_a_sent_reply_records_who_it_went_to_and_who_refused(
    conn: sqlite3.Connection, tickets: list[int]
) -> None:
    claim = _claim(conn)
    assert reply_sent(conn, claim, actor="sync", now=T + 5, refused={"x@y.example": "550 no"})
    assert _entry(conn, claim.id) == ("sent", 1, None, T + 5, None)
    assert _events(conn, "reply_sent") == [
        (
            "sync",
            claim.ticket_id,
            claim.message_id,
            T + 5,
            {
                "outbox": claim.id,
                "message_id": claim.rfc_message_id,
                "to": list(claim.recipients),
                "refused": {"x@y.example": "550 no"},
            },
        )
    ]
    assert claim.recipients == ("c1@example.org",)
    # no longer held: nothing more is written
    assert not reply_sent(conn, claim, actor="sync", now=T + 6)
    assert len(_events(conn, "reply_sent")) == 1
    assert not conn.in_transaction


def test_a_sent_reply_with_nobody_refused_says_so(
    conn: sqlite3.Connection, tickets: list[int]
) -> None:
    claim = _claim(conn)
    assert reply_sent(conn, claim, actor="sync", now=T)
    assert _events(conn, "reply_sent")[0][4]["refused"] == {}


def test_a_deferred_reply_waits_longer_after_each_attempt(
    conn: sqlite3.Connection, tickets: list[int]
) -> None:
    claim = _claim(conn)
    assert reply_deferred(conn, claim, error="421 busy", now=T + 10) == T + 10 + 60
    assert _entry(conn, claim.id) == ("queued", 1, "421 busy", None, T + 70)
    assert claim_next(conn, now=T + 69) is not None  # the other reply, due at once
    again = claim_next(conn, now=T + 70)
    assert again is not None and again.id == claim.id and again.attempts == 1
    assert reply_deferred(conn, again, error="421 still", now=T + 70) == T + 70 + 120
    assert _entry(conn, claim.id) == ("queued", 2, "421 still", None, T + 190)
    assert _events(conn, "reply_failed") == []
    assert not conn.in_transaction


def test_a_failed_reply_tags_its_ticket_once_and_says_why(
    conn: sqlite3.Connection, tickets: list[int]
) -> None:
    first, second = _claim(conn), _claim(conn)
    assert first.ticket_id == tickets[0] and second.ticket_id == tickets[1]
    assert reply_failed(conn, first, actor="sync", reason="550 no such user", now=T + 3)
    assert _entry(conn, first.id) == ("failed", 1, "550 no such user", None, None)
    assert _events(conn, "reply_failed") == [
        (
            "sync",
            first.ticket_id,
            first.message_id,
            T + 3,
            {"outbox": first.id, "message_id": first.rfc_message_id, "reason": "550 no such user"},
        )
    ]
    assert _tags(conn, tickets[0]) == [DELIVERY_FAILED_TAG]
    assert _tags(conn, tickets[1]) == []
    tagged = _events(conn, "tag_added")
    assert tagged[-1] == (
        "sync",
        tickets[0],
        None,
        T + 3,
        {"tag": DELIVERY_FAILED_TAG, "from": "delivery"},
    )
    # not held any more: refused, nothing written
    assert not reply_failed(conn, first, actor="sync", reason="again", now=T + 4)
    assert len(_events(conn, "reply_failed")) == 1
    # a second failure on a ticket tagged already records no second tag event
    count = len(_events(conn, "tag_added"))
    with conn:
        conn.execute(
            "UPDATE messages SET ticket_id = ? WHERE id = ?", (tickets[0], second.message_id)
        )
    moved = OutboxClaim(
        second.id,
        second.message_id,
        tickets[0],
        second.ticket_ref,
        second.rfc_message_id,
        second.raw,
        second.recipients,
        second.attempts,
    )
    assert reply_failed(conn, moved, actor="sync", reason="554 rejected", now=T + 5)
    assert len(_events(conn, "tag_added")) == count
    assert _tags(conn, tickets[0]) == [DELIVERY_FAILED_TAG]
    assert not conn.in_transaction


def test_an_unreachable_server_defers_every_due_reply(
    conn: sqlite3.Connection, tickets: list[int]
) -> None:
    assert outbox_unreachable(conn, error="connection refused", now=T) == 2
    entries = sorted(_entry(conn, e.id) for e in list_outbox(conn))
    assert entries == [("queued", 1, "connection refused", None, T + 60)] * 2
    assert outbox_unreachable(conn, error="connection refused", now=T + 59) == 0
    assert outbox_unreachable(conn, error="timed out", now=T + 60) == 2
    entries = sorted(_entry(conn, e.id) for e in list_outbox(conn))
    assert entries == [("queued", 2, "timed out", None, T + 60 + 120)] * 2
