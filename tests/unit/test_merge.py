"""Merging two tickets (agentconsole.domain.merge) on a real in-memory store: what
moves, what the survivor recomputes, what agents did on either side, the events."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.merge import MergeError, by_first_message, merge_tickets
from agentconsole.domain.thread_state import replay
from agentconsole.domain.tickets import set_tags, update_ticket
from agentconsole.store.db import connect
from agentconsole.store.events import ticket_events
from agentconsole.store.merge_rows import StoredArrival
from agentconsole.store.tickets import get_ticket, resolve_ref
from tests.mailfactory import ingest, mail, make_config

FIRST = mail(msgid="<a1@example.com>", subject="Withdrawal not received")
LATER = mail(
    msgid="<b1@example.com>",
    subject="Still nothing",
    to="support@okwallet.example, finance@okwallet.example",
    date="Tue, 06 Oct 2026 09:00:00 +0800",
)
T0 = 1_791_165_600  # FIRST's date
T1 = 1_791_248_400  # LATER's date


def _store() -> sqlite3.Connection:
    conn = connect(memory=True)
    ingest(conn, [FIRST, LATER], make_config(subject_window_days=0))
    return conn


def _row(conn: sqlite3.Connection, ticket_id: int) -> tuple[object, ...]:
    return conn.execute(
        "SELECT status, merged_into, message_count, assignee FROM tickets WHERE id = ?",
        (ticket_id,),
    ).fetchone()


def test_merge_moves_rows_recomputes_and_records_it_on_both_tickets() -> None:
    conn = _store()
    update_ticket(conn, [2], "assignee", "lin", actor="lin")
    set_tags(conn, [2], ["vip"], [], actor="lin")
    absorbed_ref = conn.execute("SELECT ref FROM tickets WHERE id = 2").fetchone()[0]

    assert by_first_message(conn, [2, 1]) == [1, 2]
    merged = merge_tickets(conn, 1, 2, actor="lin", reason="same customer", now=T1 + 60)

    assert (merged.messages, merged.tags) == (1, ("vip",))
    assert conn.execute("SELECT ticket_id, count(*) FROM messages GROUP BY 1").fetchall() == [
        (1, 2)
    ]
    assert conn.execute("SELECT DISTINCT ticket_id FROM message_tickets").fetchall() == [(1,)]
    assert conn.execute(
        "SELECT ticket_id, address FROM ticket_participants ORDER BY 2"
    ).fetchall() == [
        (1, "finance@okwallet.example"),
        (1, "support@okwallet.example"),
        (1, "wang@example.com"),
    ]
    survivor = get_ticket(conn, 1)
    survivor_ref = conn.execute("SELECT ref FROM tickets WHERE id = 1").fetchone()[0]
    assert conn.execute("SELECT thread_detail FROM messages ORDER BY id").fetchall() == [
        ("no earlier message matched",),
        (
            f"no earlier message matched; its ticket {absorbed_ref} was merged into"
            f" {survivor_ref}: same customer",
        ),
    ]
    assert survivor.tags == ("vip",)
    assert survivor.assignee == "lin"  # the survivor had nobody: the agent's choice is kept
    assert (survivor.created_at, survivor.last_message_at, survivor.message_count) == (
        T0,
        T1,
        2,
    )
    assert (survivor.last_customer_at, survivor.status) == (T1, "new")
    assert _row(conn, 2) == ("closed", 1, 0, "lin")
    assert resolve_ref(conn, absorbed_ref) == [1]
    merged_events = [e for e in ticket_events(conn, 1) if e.kind == "ticket_merged"]
    assert [e.data["absorbed"] for e in merged_events] == [absorbed_ref]
    assert merged_events[0].data["messages"] == 1 and merged_events[0].data["tags"] == ["vip"]
    # the absorbed ticket's history moved with its mail; it keeps the record of the merge
    assert {e.kind for e in ticket_events(conn, 2)} == {"status", "ticket_merged"}
    assert "tag_added" in {e.kind for e in ticket_events(conn, 1)}


def test_an_agents_status_on_either_side_wins_and_the_busier_status_is_kept() -> None:
    conn = _store()
    update_ticket(conn, [1], "status", "solved", actor="lin")
    update_ticket(conn, [2], "status", "open", actor="mei")
    merge_tickets(conn, 1, 2, actor="import", reason="a reply names both")
    assert (get_ticket(conn, 1).status, get_ticket(conn, 1).solved_at) == ("open", None)


def test_a_differing_assignee_stays_on_the_absorbed_ticket_and_in_the_event() -> None:
    conn = _store()
    update_ticket(conn, [1], "assignee", "lin", actor="lin")
    update_ticket(conn, [2], "assignee", "mei", actor="mei")
    merge_tickets(conn, 1, 2, actor="lin", reason="same thread")
    assert get_ticket(conn, 1).assignee == "lin"
    assert _row(conn, 2)[3] == "mei"
    event = [e for e in ticket_events(conn, 1) if e.kind == "ticket_merged"][0]
    assert event.data["absorbed_assignee"] == "mei"


def test_merging_a_ticket_into_itself_or_twice_is_refused_and_changes_nothing() -> None:
    conn = _store()
    with pytest.raises(MergeError, match="into itself"):
        merge_tickets(conn, 1, 1, actor="lin", reason="x")
    merge_tickets(conn, 1, 2, actor="lin", reason="x")
    before = conn.execute("SELECT count(*) FROM events").fetchone()
    survivor_ref = conn.execute("SELECT ref FROM tickets WHERE id = 1").fetchone()[0]
    with pytest.raises(MergeError, match=f"was merged into {survivor_ref} already"):
        merge_tickets(conn, 1, 2, actor="lin", reason="x")
    assert conn.execute("SELECT count(*) FROM events").fetchone() == before


def test_replay_gives_what_reading_the_mail_in_date_order_gives() -> None:
    original = StoredArrival(100, outbound=False, automatic=False, subject="Login fails")
    reply = StoredArrival(200, outbound=True, automatic=False, subject="Re: Login fails")
    follow = StoredArrival(300, outbound=False, automatic=False, subject="Re: Login fails")
    bounce = StoredArrival(250, outbound=False, automatic=True, subject="Undelivered")
    done = replay([original, reply, bounce, follow])
    assert (done.subject, done.status, done.first_response_at) == ("Login fails", "open", 200)
    assert (done.created_at, done.last_message_at, done.message_count) == (100, 300, 4)
    assert (done.last_customer_at, done.last_agent_at) == (300, 200)
