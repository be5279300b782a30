"""The team log's rows on real SQLite: the publishing queue (appended, forgotten after a
new UIDVALIDITY, dropped), claims, customers found by their shared key (merged ones by
their survivor), the read cursor and events waiting for their ticket."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.events import record_event
from agentconsole.store.remote_events import (
    LogEvent,
    add_pending,
    claim_event_uuid,
    claim_holder,
    clear_claim,
    customer_by_key,
    drop_pending,
    drop_queued,
    forget_appended,
    is_pending,
    log_cursor,
    mark_appended,
    message_by_key,
    pending_count,
    pending_events,
    queued_count,
    queued_events,
    set_claim,
    set_log_cursor,
)
from tests.mailfactory import ingest, mail

T = 1_800_000_000


@pytest.fixture
def queued(conn: sqlite3.Connection) -> list[int]:
    """Three of an agent's events waiting to be published."""
    with conn:
        return [
            record_event(
                conn, "tag_added", actor="lin", ticket_id=1, at=T + n, data={"tag": f"t{n}"}
            )
            for n in range(3)
        ]


def test_appended_events_wait_only_to_be_read_back(
    conn: sqlite3.Connection, queued: list[int]
) -> None:
    assert [q.event_id for q in queued_events(conn, 10, appended_before=T)] == queued
    first = queued_events(conn, 10, appended_before=T)[0].event
    assert (first.kind, first.actor, first.at, first.data) == ("tag_added", "lin", T, {"tag": "t0"})
    assert [q.event_id for q in queued_events(conn, 2, appended_before=T)] == queued[:2]
    with conn:
        mark_appended(conn, queued[:2], T + 100)
    # appended at T+100: not again before then, again once that round is older
    assert [q.event_id for q in queued_events(conn, 10, appended_before=T + 100)] == [queued[2]]
    assert [q.event_id for q in queued_events(conn, 10, appended_before=T + 101)] == queued
    assert queued_count(conn) == 3


def test_a_replaced_folder_makes_every_appended_event_go_again(
    conn: sqlite3.Connection, queued: list[int]
) -> None:
    with conn:
        mark_appended(conn, [queued[0]], T + 100)
        forget_appended(conn)
    assert [q.event_id for q in queued_events(conn, 10, appended_before=T)] == queued
    rows = conn.execute("SELECT appended_at FROM team_outbox ORDER BY event_id").fetchall()
    assert rows == [(None,), (None,), (None,)]


def test_dropped_events_leave_the_queue(conn: sqlite3.Connection, queued: list[int]) -> None:
    with conn:
        drop_queued(conn, [queued[0], queued[2]])
    assert queued_count(conn) == 1
    assert [q.event_id for q in queued_events(conn, 10, appended_before=T)] == [queued[1]]
    with conn:
        drop_queued(conn, [])
    assert queued_count(conn) == 1


def test_claims_are_held_replaced_and_cleared(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid="<a@x>"), mail(msgid="<b@x>", sender="B <b@example.org>")])
    assert claim_holder(conn, 1) is None
    assert claim_event_uuid(conn, 1) is None
    with conn:
        set_claim(conn, 1, "lin", "uuid-1", 5)
        set_claim(conn, 2, "bob", "uuid-2", 6)
    assert (claim_holder(conn, 1), claim_event_uuid(conn, 1)) == ("lin", "uuid-1")
    assert (claim_holder(conn, 2), claim_event_uuid(conn, 2)) == ("bob", "uuid-2")
    with conn:
        set_claim(conn, 1, "amy", "uuid-3", 7)
        clear_claim(conn, 2)
    assert (claim_holder(conn, 1), claim_event_uuid(conn, 1)) == ("amy", "uuid-3")
    assert (claim_holder(conn, 2), claim_event_uuid(conn, 2)) == (None, None)


def test_a_customer_is_found_by_key_and_a_merged_one_by_its_survivor(
    conn: sqlite3.Connection,
) -> None:
    ingest(
        conn,
        [
            mail(sender="A <a@example.org>", msgid="<a@x>"),
            mail(sender="B <b@example.org>", msgid="<b@x>", subject="Other"),
        ],
    )
    (a_id, a_key), (b_id, b_key) = conn.execute(
        "SELECT id, key FROM customers ORDER BY id"
    ).fetchall()
    assert a_key and b_key and a_key != b_key
    assert customer_by_key(conn, a_key) == a_id
    assert customer_by_key(conn, b_key) == b_id
    assert customer_by_key(conn, "no-such-key") is None
    with conn:
        conn.execute("UPDATE customers SET merged_into = ? WHERE id = ?", (a_id, b_id))
    assert customer_by_key(conn, b_key) == a_id
    assert customer_by_key(conn, a_key) == a_id


def test_a_message_is_found_by_its_hex_key(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid="<a@x>")])
    message_id, key = conn.execute("SELECT id, dedupe_key FROM messages").fetchone()
    assert message_by_key(conn, bytes(key).hex()) == message_id
    assert message_by_key(conn, "00" * len(key)) is None
    assert message_by_key(conn, "not hex") is None


def test_the_log_cursor_is_kept_per_account_and_folder(conn: sqlite3.Connection) -> None:
    assert log_cursor(conn, "support", "AgentConsole/Events") is None
    with conn:
        set_log_cursor(conn, "support", "AgentConsole/Events", 7, 10)
        set_log_cursor(conn, "other", "AgentConsole/Events", 9, 3)
    assert log_cursor(conn, "support", "AgentConsole/Events") == (7, 10)
    with conn:
        set_log_cursor(conn, "support", "AgentConsole/Events", 8, 0)
    assert log_cursor(conn, "support", "AgentConsole/Events") == (8, 0)
    assert log_cursor(conn, "other", "AgentConsole/Events") == (9, 3)
    assert log_cursor(conn, "support", "Elsewhere") is None


def test_events_wait_for_their_ticket_once_each_in_log_order(conn: sqlite3.Connection) -> None:
    late = LogEvent("u-late", "tag_added", T, "bob", "m2", "T-ABCD1234", "ck", "mk", {"tag": "x"})
    early = LogEvent("u-early", "status", T + 5, "amy", "m3", "T-ABCD1234", data={"to": "open"})
    assert pending_count(conn) == 0 and pending_events(conn) == []
    with conn:
        add_pending(conn, late, 20, T + 50)
        add_pending(conn, early, 11, T + 51)
        add_pending(conn, late, 30, T + 52)  # the log repeated it: kept once, as first seen
    assert pending_count(conn) == 2
    assert pending_events(conn) == [(early, 11), (late, 20)]
    assert is_pending(conn, "u-late") and not is_pending(conn, "u-other")
    with conn:
        drop_pending(conn, "u-late")
    assert pending_events(conn) == [(early, 11)]
    assert not is_pending(conn, "u-late")
