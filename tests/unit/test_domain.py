"""The domain layer's ticket rules, on a real in-memory store: each status transition
and its timestamps, ``solved_at`` kept in one place, escalation all or nothing, undo
putting back exactly what was there."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.arrival import Arrival, after_arrival, message_arrived, open_ticket
from agentconsole.domain.tickets import (
    escalate,
    solved_at_after,
    undo,
    update_ticket,
)
from agentconsole.store.events import ticket_events
from agentconsole.store.ticket_rows import TicketState, ticket_state
from agentconsole.store.tickets import get_ticket

NOW = 1_700_000_000
DAY = 86_400


def state(status: str, **clocks: int | None) -> TicketState:
    values: dict[str, int | None] = {
        "first_response_at": None,
        "last_customer_at": None,
        "last_agent_at": None,
        "solved_at": None,
    }
    values.update(clocks)
    return TicketState(status=status, created_at=NOW, category="other", **values)  # type: ignore[arg-type]


def inbound(date: int, *, automatic: bool = False) -> Arrival:
    return Arrival(date=date, outbound=False, automatic=automatic, category="other")


def outbound(date: int) -> Arrival:
    return Arrival(date=date, outbound=True, automatic=False, category="other")


def new_ticket(conn: sqlite3.Connection, *, out: bool = False, priority: str = "normal") -> int:
    arrival = outbound(NOW) if out else inbound(NOW)
    ticket_id = open_ticket(
        conn,
        subject="提现",
        norm_subject="提现",
        customer_id=None,
        arrival=arrival,
        priority=priority,
        source="test",
        actor="import",
        now=NOW,
    )  # the opening message's arrival is applied by open_ticket itself
    return ticket_id


def test_our_reply_to_a_new_ticket_makes_it_pending_and_sets_first_response() -> None:
    outcome = after_arrival(state("new", last_customer_at=NOW), outbound(NOW + 60), NOW)
    assert outcome.state.status == "pending"
    assert outcome.state.first_response_at == NOW + 60
    assert outcome.state.last_agent_at == NOW + 60
    assert outcome.reason == "our reply is the latest message"


def test_a_second_reply_keeps_the_first_response_time() -> None:
    before = state(
        "pending", last_customer_at=NOW, last_agent_at=NOW + 60, first_response_at=NOW + 60
    )
    outcome = after_arrival(before, outbound(NOW + 600), NOW)
    assert outcome.state.first_response_at == NOW + 60
    assert outcome.state.last_agent_at == NOW + 600


def test_the_customer_writing_after_our_reply_reopens_a_pending_ticket() -> None:
    before = state("pending", last_customer_at=NOW, last_agent_at=NOW + 60)
    outcome = after_arrival(before, inbound(NOW + 120), NOW)
    assert (outcome.state.status, outcome.reason) == ("open", "the customer wrote after our reply")
    assert outcome.state.last_customer_at == NOW + 120


def test_older_mail_does_not_reopen_a_solved_ticket_and_keeps_solved_at() -> None:
    before = state("solved", last_customer_at=NOW, solved_at=NOW + DAY)
    outcome = after_arrival(before, inbound(NOW + 10), NOW + 2 * DAY)
    assert outcome.state.status == "solved"
    assert outcome.state.solved_at == NOW + DAY
    assert outcome.reason == ""


def test_newer_customer_mail_reopens_a_solved_ticket_and_clears_solved_at() -> None:
    before = state("solved", last_customer_at=NOW, solved_at=NOW + DAY)
    outcome = after_arrival(before, inbound(NOW + 2 * DAY), NOW + 3 * DAY)
    assert outcome.state.status == "open"
    assert outcome.state.solved_at is None
    assert outcome.reason == "the customer wrote after the ticket was solved"


def test_automatic_mail_changes_no_clock_and_no_status() -> None:
    before = state("pending", last_customer_at=NOW, last_agent_at=NOW + 60)
    outcome = after_arrival(before, inbound(NOW + 120, automatic=True), NOW)
    assert outcome.state == before


def test_solved_at_is_the_moment_of_solving_kept_while_solved_cleared_after() -> None:
    assert solved_at_after("open", "solved", None, NOW) == NOW
    assert solved_at_after("solved", "closed", NOW, NOW + 5) == NOW + 5
    assert solved_at_after("solved", "solved", NOW, NOW + 5) == NOW
    assert solved_at_after("solved", "open", NOW, NOW + 5) is None


def test_a_ticket_opened_by_our_mail_waits_for_the_customer(conn: sqlite3.Connection) -> None:
    assert get_ticket(conn, new_ticket(conn, out=True)).status == "pending"
    ticket = get_ticket(conn, new_ticket(conn))
    assert (ticket.status, ticket.message_count, ticket.last_customer_at) == ("new", 1, NOW)
    assert [e.kind for e in ticket_events(conn, ticket.id)] == ["ticket_created"]


def test_an_agent_solving_sets_solved_at_and_reopening_clears_it(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn)
    update_ticket(conn, [ticket_id], "status", "solved", actor="lin")
    solved = get_ticket(conn, ticket_id)
    assert solved.status == "solved" and solved.solved_at is not None
    assert solved.solved_at >= NOW
    update_ticket(conn, [ticket_id], "status", "open", actor="lin")
    assert get_ticket(conn, ticket_id).solved_at is None
    events = ticket_events(conn, ticket_id)
    changes = [(e.kind, e.data) for e in events if not e.kind.startswith("sla_")][1:]
    assert changes == [
        ("status", {"from": "new", "to": "solved"}),
        ("status", {"from": "solved", "to": "open"}),
    ]


def test_an_arriving_message_records_its_status_change(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn)
    message_arrived(conn, ticket_id, outbound(NOW + 60), actor="import", now=NOW + 60)
    assert ticket_state(conn, ticket_id).status == "pending"
    assert ticket_state(conn, ticket_id).first_response_at == NOW + 60
    last = ticket_events(conn, ticket_id)[-1]
    assert (last.kind, last.data["to"], last.data["reason"]) == (
        "status",
        "pending",
        "our reply is the latest message",
    )


def test_escalation_raises_priority_tags_and_records_it(conn: sqlite3.Connection) -> None:
    low, urgent = new_ticket(conn, priority="low"), new_ticket(conn, priority="urgent")
    escalate(conn, [low, urgent], actor="lin")
    assert (get_ticket(conn, low).priority, get_ticket(conn, urgent).priority) == ("high", "urgent")
    assert get_ticket(conn, low).tags == ("escalated",)
    assert [e.kind for e in ticket_events(conn, urgent) if not e.kind.startswith("sla_")] == [
        "ticket_created",
        "tag_added",
        "escalated",
    ]


def test_escalation_is_all_or_nothing(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn, priority="low")
    with pytest.raises(sqlite3.IntegrityError):
        escalate(conn, [ticket_id, 999], actor="lin")  # T-999 does not exist
    ticket = get_ticket(conn, ticket_id)
    assert (ticket.priority, ticket.tags) == ("low", ())
    assert [e.kind for e in ticket_events(conn, ticket_id)] == ["ticket_created"]


def test_undo_of_an_escalation_restores_exactly(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn, priority="normal")
    update_ticket(conn, [ticket_id], "assignee", "wang", actor="lin")
    before = get_ticket(conn, ticket_id)
    change = escalate(conn, [ticket_id], actor="lin")
    undo(conn, change, actor="lin")
    after = get_ticket(conn, ticket_id)
    assert (after.priority, after.tags, after.assignee, after.status) == (
        "normal",
        (),
        "wang",
        "new",
    )
    assert after.solved_at == before.solved_at
    undone = [(e.kind, e.data) for e in ticket_events(conn, ticket_id)][-2:]
    assert undone == [
        ("tag_removed", {"tag": "escalated"}),
        ("priority", {"from": "high", "to": "normal"}),
    ]
