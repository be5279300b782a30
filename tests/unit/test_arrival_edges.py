"""Arrival rules at their edges: replies in the same second, mail at the moment of
solving, an open ticket answered, the first customer words that classify a ticket
still unsorted, and the events each change records."""

from __future__ import annotations

import sqlite3

from agentconsole.domain.arrival import Arrival, after_arrival, message_arrived
from agentconsole.store.events import ticket_events
from agentconsole.store.ticket_rows import ticket_state
from tests.unit.test_domain import NOW, inbound, new_ticket, outbound, state


def test_edges_of_the_clocks() -> None:
    # our reply in the very second the ticket was opened is still a first response
    answered = after_arrival(state("new", last_customer_at=NOW), outbound(NOW), NOW)
    assert (answered.state.status, answered.state.first_response_at) == ("pending", NOW)
    # our reply in the same second as the customer's latest words: ours is the latest
    tie = after_arrival(state("open", last_customer_at=NOW + 5), outbound(NOW + 5), NOW + 5)
    assert (tie.state.status, tie.reason) == ("pending", "our reply is the latest message")
    # a customer message dated the second of solving does not reopen it
    solved = state("solved", solved_at=NOW + 9, last_customer_at=NOW)
    same_second = after_arrival(solved, inbound(NOW + 9), NOW + 20)
    assert (same_second.state.status, same_second.state.solved_at) == ("solved", NOW + 9)
    later = after_arrival(solved, inbound(NOW + 10), NOW + 20)
    assert (later.state.status, later.state.solved_at, later.reason) == (
        "open",
        None,
        "the customer wrote after the ticket was solved",
    )


def test_a_ticket_solved_at_the_epoch_start_reopens_on_any_later_mail() -> None:
    solved = state("solved", solved_at=None)
    assert after_arrival(solved, inbound(1), NOW).state.status == "open"


def test_status_change_events_say_why(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn)
    message_arrived(conn, ticket_id, outbound(NOW + 60), actor="import", now=NOW + 99)
    [event] = [e for e in ticket_events(conn, ticket_id) if e.kind == "status"]
    assert (event.actor, event.at, event.data) == (
        "import",
        NOW + 99,
        {"from": "new", "to": "pending", "reason": "our reply is the latest message"},
    )
    [created] = [e for e in ticket_events(conn, ticket_id) if e.kind == "ticket_created"]
    assert created.at == NOW and created.data["status"] == "new"


def test_the_first_customer_words_classify_an_unsorted_ticket(conn: sqlite3.Connection) -> None:
    ticket_id = new_ticket(conn)  # opened as "other"
    ours = Arrival(date=NOW + 10, outbound=True, automatic=False, category="fees")
    message_arrived(conn, ticket_id, ours, actor="import", now=NOW + 10)
    assert ticket_state(conn, ticket_id).category == "other"  # our words do not classify
    theirs = Arrival(date=NOW + 20, outbound=False, automatic=False, category="withdrawal")
    message_arrived(conn, ticket_id, theirs, actor="import", now=NOW + 30)
    assert ticket_state(conn, ticket_id).category == "withdrawal"
    [event] = [e for e in ticket_events(conn, ticket_id) if e.kind == "category"]
    assert (event.actor, event.at, event.data) == (
        "import",
        NOW + 30,
        {"from": "other", "to": "withdrawal"},
    )
    again = Arrival(date=NOW + 40, outbound=False, automatic=False, category="fees")
    message_arrived(conn, ticket_id, again, actor="import", now=NOW + 40)
    assert ticket_state(conn, ticket_id).category == "withdrawal"  # classified once
