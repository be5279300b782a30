"""The SLA's store side: histories read in batches, policies matched in SQL (first
match wins), rows written, recorded events and the watch list, on real SQLite."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.tickets import update_ticket
from agentconsole.sla.model import HistoryMessage, StatusChange
from agentconsole.store.events import record_event
from agentconsole.store.query import compile_query
from agentconsole.store.sla_rows import (
    SlaRow,
    match_policies,
    recorded_sla_events,
    stored_tickets,
    ticket_id_batches,
    watched_tickets,
    write_rows,
)
from tests.mailfactory import SUPPORT, ingest, mail

# 2026-10-05 10:00 +08:00 = 02:00 UTC
T0 = 1_791_165_600


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(msgid="<a1@x>", subject="提现失败", body="我的提现失败了"),
            mail(
                sender=f"Support <{SUPPORT}>",
                to="wang@example.com",
                msgid="<a2@x>",
                in_reply_to="<a1@x>",
                subject="Re: 提现失败",
                body="我们正在处理",
                date="Mon, 05 Oct 2026 11:30:00 +0800",
            ),
            mail(
                msgid="<a3@x>",
                in_reply_to="<a2@x>",
                subject="Re: 提现失败",
                body="还没有到账",
                date="Tue, 06 Oct 2026 09:00:00 +0800",
            ),
            mail(
                sender="Li Lei <li@example.net>",
                msgid="<b1@x>",
                subject="Unauthorized payment",
                body="someone stole money",
                date="Tue, 06 Oct 2026 10:00:00 +0000",
            ),
            mail(
                sender="Auto <li@example.net>",
                msgid="<b2@x>",
                in_reply_to="<b1@x>",
                subject="Auto: out of office",
                body="I am away",
                headers=["Auto-Submitted: auto-replied"],
                date="Tue, 06 Oct 2026 11:00:00 +0000",
            ),
        ],
    )
    return conn


def test_history_has_messages_in_date_order_with_direction_and_automatic_mail(
    store: sqlite3.Connection,
) -> None:
    tickets = stored_tickets(store, [1, 2, 99], skip_status_actor="import")
    assert sorted(tickets) == [1, 2]  # 99 does not exist
    first = tickets[1].history
    assert first.created_at == T0
    assert first.status == "open"
    assert first.messages == (
        HistoryMessage(at=T0, direction="in", auto=False),
        HistoryMessage(at=T0 + 5400, direction="out", auto=False),
        HistoryMessage(at=T0 + 23 * 3600, direction="in", auto=False),
    )
    assert [m.auto for m in tickets[2].history.messages] == [False, True]
    assert not tickets[1].merged
    assert tickets[1].stored.policy == "money"  # the import computed it (domain.sla)
    assert tickets[1].stored.first_response_secs == 0  # 5 Oct: the National Day holiday


def test_status_changes_come_from_events_except_the_skipped_actor(
    store: sqlite3.Connection,
) -> None:
    # the import's own status events (pending, then open again) are left out
    assert stored_tickets(store, [1], skip_status_actor="import")[1].history.status_changes == ()
    update_ticket(store, [1], "status", "solved", actor="lin")
    changes = stored_tickets(store, [1], skip_status_actor="import")[1].history.status_changes
    assert [c.status for c in changes] == ["solved"]
    assert isinstance(changes[0], StatusChange)
    imported = stored_tickets(store, [1], skip_status_actor="nobody")[1].history.status_changes
    assert [c.status for c in imported] == ["pending", "open", "solved"]


def test_first_matching_policy_wins_and_empty_when_matches_everything(
    store: sqlite3.Connection,
) -> None:
    urgent = compile_query("category:security,withdrawal priority:urgent")
    money = compile_query("category:withdrawal,deposit")
    everything = compile_query("")
    store.execute("UPDATE tickets SET priority = 'urgent', category = 'security' WHERE id = 2")
    store.execute("UPDATE tickets SET category = 'withdrawal' WHERE id = 1")
    assert match_policies(store, [1, 2], [urgent, money, everything]) == {2: 0, 1: 1}
    assert match_policies(store, [1, 2], [money]) == {1: 0}
    assert match_policies(store, [1, 2], [everything, urgent]) == {1: 0, 2: 0}
    assert match_policies(store, [], [everything]) == {}


def test_policy_conditions_may_search_text_and_tags(store: sqlite3.Connection) -> None:
    store.execute("INSERT INTO ticket_tags (ticket_id, tag) VALUES (2, 'vip')")
    assert match_policies(store, [1, 2], [compile_query("tag:vip")]) == {2: 0}
    assert match_policies(store, [1, 2], [compile_query("提现")]) == {1: 0}


def test_rows_are_written_and_read_back(store: sqlite3.Connection) -> None:
    row = SlaRow(
        policy="standard",
        due_at=T0 + 100,
        first_response_due_at=None,
        next_response_due_at=T0 + 100,
        resolution_due_at=T0 + 900,
        first_response_secs=5400,
        at_risk_at=T0 + 50,
        breached_at=T0 + 100,
        first_response_target=86400,
        resolution_target=288000,
        resolution_breached_at=T0 + 900,
        watch_at=T0 + 50,
    )
    write_rows(store, [(1, row)])
    assert stored_tickets(store, [1], skip_status_actor="import")[1].stored == row
    assert store.execute("SELECT due_at, sla_policy FROM tickets WHERE id = 1").fetchone() == (
        T0 + 100,
        "standard",
    )
    assert watched_tickets(store, T0 + 49, 10) == []
    assert watched_tickets(store, T0 + 50, 10) == [1]


def test_recorded_sla_events_by_ticket_kind_clock_and_instant(store: sqlite3.Connection) -> None:
    store.execute("DELETE FROM events WHERE kind LIKE 'sla_%'")  # the import's own
    record_event(
        store, "sla_breached", actor="sla", ticket_id=1, at=T0 + 7, data={"clock": "resolution"}
    )
    record_event(
        store, "sla_at_risk", actor="sla", ticket_id=2, at=T0 + 3, data={"clock": "first_response"}
    )
    record_event(store, "status", actor="sla", ticket_id=2, at=T0 + 3, data={"clock": "x"})
    assert recorded_sla_events(store, [1, 2]) == {
        (1, "sla_breached", "resolution", T0 + 7),
        (2, "sla_at_risk", "first_response", T0 + 3),
    }
    assert recorded_sla_events(store, [2]) == {(2, "sla_at_risk", "first_response", T0 + 3)}


def test_ticket_batches_cover_every_ticket_once(store: sqlite3.Connection) -> None:
    assert list(ticket_id_batches(store, 1)) == [[1], [2]]
    assert list(ticket_id_batches(store, 5)) == [[1, 2]]
