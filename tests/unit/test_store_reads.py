"""Store reads and small domain entry points that only the CLI and the console call
(so no unit test reached them): each asserted on what the caller shows."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.customers import merge_customers
from agentconsole.domain.tickets import REVEAL_EVENT, record_reveal, update_ticket
from agentconsole.ingest.summary import ImportSummary
from agentconsole.store.customers import get_customer
from agentconsole.store.events import customer_events, ticket_events
from agentconsole.store.message_rows import has_messages
from agentconsole.store.messages import MessageNotFound, get_message, list_messages
from agentconsole.store.query import compile_query
from agentconsole.store.recipients import check_recipients, last_message_id
from agentconsole.store.ticket_rows import assignees
from agentconsole.store.tickets import iter_tickets, list_tickets
from tests.mailfactory import SUPPORT, ingest, mail

NOT_MAIL = b"\x00\x01 nothing here is a mail header\n"


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(msgid="<1@x>", to=f"{SUPPORT}, boss@example.com", headers=["Cc: li@example.com"]),
            mail(
                sender="Anna <anna@corp.example>",
                msgid="<2@x>",
                subject="Fee",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            ),
            NOT_MAIL,
            mail(msgid="<4@x>", headers=["List-Id: <news.example.org>"], subject="News"),
        ],
    )
    return conn


def test_get_message_and_a_missing_one(store: sqlite3.Connection) -> None:
    message = get_message(store, 1)
    assert (message.id, message.ticket_id, message.direction) == (1, 1, "in")
    assert (message.from_addr, message.subject) == ("wang@example.com", "Withdrawal not received")
    assert message.to == (SUPPORT, "boss@example.com")
    assert (message.thread_rule, message.status) == ("new", "ok")
    with pytest.raises(MessageNotFound, match="^no message 99$"):
        get_message(store, 99)


def test_list_messages_by_status_and_unfiled(store: sqlite3.Connection) -> None:
    assert [m.id for m in list_messages(store)] == [4, 3, 2, 1]
    assert [m.id for m in list_messages(store, limit=2)] == [4, 3]
    assert [m.id for m in list_messages(store, status="quarantined")] == [3]
    assert [m.id for m in list_messages(store, unfiled=True)] == [4, 3]
    assert [m.id for m in list_messages(store, status="ok", unfiled=True)] == [4]
    assert [m.problems for m in list_messages(store, status="quarantined")] == [
        ("no mail headers found",)
    ]


def test_recipients_after_an_id(store: sqlite3.Connection) -> None:
    assert last_message_id(store) == 4
    seen = check_recipients(store, (SUPPORT.upper(),), 0)
    assert seen.messages == 4 and seen.support_seen
    assert (seen.top_recipient, seen.top_count) == (SUPPORT, 3)
    other = check_recipients(store, ("help@elsewhere.example",), 0)
    assert (other.messages, other.support_seen) == (4, False)
    assert check_recipients(store, (), 1) == check_recipients(store, ("x@y.example",), 1)
    later = check_recipients(store, ("li@example.com",), 1)
    assert (later.messages, later.support_seen, later.top_recipient) == (3, False, SUPPORT)
    cc_only = check_recipients(store, ("li@example.com",), 0)
    assert cc_only.support_seen
    assert check_recipients(store, (SUPPORT,), 4) == type(seen)(0, False, None, 0)


def test_an_empty_store_has_no_messages(conn: sqlite3.Connection) -> None:
    assert not has_messages(conn) and last_message_id(conn) == 0
    ingest(conn, [mail()])
    assert has_messages(conn)


def test_assignees_and_iterating_tickets(store: sqlite3.Connection) -> None:
    assert assignees(store) == []
    update_ticket(store, [2], "assignee", "zoe", actor="lin")
    update_ticket(store, [1], "assignee", "bob", actor="lin")
    assert assignees(store) == ["bob", "zoe"]
    query = compile_query("status:new")
    for sort in ("activity", "created", "waiting"):
        listed = [t.id for t in list_tickets(store, query, sort=sort, limit=100)]
        assert [t.id for t in iter_tickets(store, query, sort=sort)] == listed
    assert [t.id for t in iter_tickets(store, query)] == [2, 1]
    assert [t.id for t in iter_tickets(store, compile_query("assignee:bob"))] == [1]


def test_a_reveal_is_recorded_per_message_with_who_and_where(store: sqlite3.Connection) -> None:
    record_reveal(store, 1, [1], actor="lin")
    record_reveal(store, 2, [2, 2], actor="zoe", via="cli")
    revealed = [
        (e.ticket_id, e.actor, e.data)
        for ticket_id in (1, 2)
        for e in ticket_events(store, ticket_id)
        if e.kind == REVEAL_EVENT
    ]
    assert revealed == [
        (1, "lin", {"message": 1, "via": "console"}),
        (2, "zoe", {"message": 2, "via": "cli"}),
        (2, "zoe", {"message": 2, "via": "cli"}),
    ]
    rows = store.execute(
        "SELECT message_id FROM events WHERE kind = ? ORDER BY id", (REVEAL_EVENT,)
    ).fetchall()
    assert rows == [(1,), (2,), (2,)]
    assert not store.in_transaction


def test_merging_customers_through_the_domain(store: sqlite3.Connection) -> None:
    merge_customers(store, 1, 2, actor="lin")
    kept = get_customer(store, 1)
    assert set(kept.addresses) == {"wang@example.com", "anna@corp.example"}
    assert get_customer(store, 2).merged_into == 1
    [event] = [e for e in customer_events(store, 1) if e.kind == "customer_merged"]
    assert (event.actor, event.data["merged"]) == ("lin", 2)


def test_the_import_summary_as_json() -> None:
    summary = ImportSummary(messages_seen=10, imported=7, duplicates=3, seconds=2.00049)
    data = summary.as_dict()
    assert data["seconds"] == 2.0 and data["messages_per_second"] == 5.0
    assert (data["imported"], data["duplicates"], data["dry_run"]) == (7, 3, False)
    assert data["errors"] == []
    assert set(data) == {*ImportSummary().__dict__, "messages_per_second"}
    assert ImportSummary().as_dict()["messages_per_second"] is None
    fast = ImportSummary(messages_seen=1000, seconds=0.0123456).as_dict()
    assert (fast["seconds"], fast["messages_per_second"]) == (0.012, 81000.5)
