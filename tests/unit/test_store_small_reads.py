"""Small store reads that only the CLI reached (so no mutant of them could die): the SLA
audit after a recompute, tickets created in a period, categories, the years holiday
data must cover, refs for a list of ticket ids, and moving a ticket to a customer."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from agentconsole.store.events import record_event
from agentconsole.store.merge_rows import set_customer
from agentconsole.store.sla_audit import escalations_after, last_event_id
from agentconsole.store.sla_rows import created_years, ticket_labels, tickets_created
from agentconsole.store.tickets import ticket_refs
from tests.mailfactory import ingest, mail


def _at(year: int, month: int = 1, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp())


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Four tickets, one per customer."""
    ingest(
        conn,
        [
            mail(sender=f"C{n} <c{n}@example.org>", subject=f"Case {n}", msgid=f"<c{n}@x>")
            for n in range(1, 5)
        ],
    )
    return conn


def test_the_escalations_a_run_recorded(conn: sqlite3.Connection) -> None:
    assert last_event_id(conn) == 0
    assert escalations_after(conn, 0, actor="sla") == 0
    with conn:
        before = record_event(conn, "sla_escalated", actor="sla", ticket_id=1)
        assert last_event_id(conn) == before
        record_event(conn, "sla_escalated", actor="sla", ticket_id=1)
        record_event(conn, "sla_escalated", actor="sla", ticket_id=2)
        record_event(conn, "sla_escalated", actor="lin", ticket_id=3)
        record_event(conn, "sla_breached", actor="sla", ticket_id=3)
        last = record_event(conn, "status", actor="sla", ticket_id=3)
    assert last_event_id(conn) == last
    assert escalations_after(conn, before, actor="sla") == 2
    assert escalations_after(conn, before - 1, actor="sla") == 3
    assert escalations_after(conn, before, actor="lin") == 1
    assert escalations_after(conn, last, actor="sla") == 0


def test_tickets_created_in_a_half_open_period_without_merged_ones(
    store: sqlite3.Connection,
) -> None:
    created = {1: _at(2026, 1, 1), 2: _at(2026, 6, 1), 3: _at(2027, 1, 1), 4: _at(2026, 3, 1)}
    with store:
        for ticket, at in created.items():
            store.execute("UPDATE tickets SET created_at = ? WHERE id = ?", (at, ticket))
        store.execute("UPDATE tickets SET merged_into = 2 WHERE id = 4")
    assert tickets_created(store, _at(2026), _at(2027)) == [1, 2]
    assert tickets_created(store, _at(2026) + 1, _at(2027) + 1) == [2, 3]
    assert tickets_created(store, _at(2027), _at(2027)) == []
    assert tickets_created(store, _at(2030), _at(2031)) == []


def test_the_years_tickets_were_created_in(store: sqlite3.Connection) -> None:
    with store:
        store.execute("UPDATE tickets SET created_at = ?", (_at(2026, 7, 1),))
    assert created_years(store) == (2026,)
    with store:
        store.execute("UPDATE tickets SET created_at = ? WHERE id = 1", (_at(2024, 12, 31),))
        store.execute("UPDATE tickets SET created_at = ? WHERE id = 3", (_at(2027, 1, 1),))
    assert created_years(store) == (2024, 2025, 2026, 2027)


def test_no_tickets_no_years(conn: sqlite3.Connection) -> None:
    assert created_years(conn) == ()


def test_each_tickets_category(store: sqlite3.Connection) -> None:
    with store:
        store.execute("UPDATE tickets SET category = 'withdrawal' WHERE id = 2")
        store.execute("UPDATE tickets SET category = 'account' WHERE id = 3")
    labels = ticket_labels(store, [2, 3, 99])
    assert labels == {2: "withdrawal", 3: "account"}
    assert ticket_labels(store, []) == {}


def test_refs_for_ticket_ids_with_the_local_alias_for_a_ticket_without_one(
    store: sqlite3.Connection,
) -> None:
    refs = dict(store.execute("SELECT id, ref FROM tickets ORDER BY id").fetchall())
    assert all(ref and ref.startswith("T-") and ref != f"T-{i}" for i, ref in refs.items())
    with store:
        store.execute("UPDATE tickets SET ref = NULL WHERE id = 3")
    assert ticket_refs(store, [4, 1, 3, 1, 99]) == {
        1: refs[1],
        3: "T-3",
        4: refs[4],
        99: "T-99",
    }
    assert ticket_refs(store, []) == {}
    assert list(ticket_refs(store, [4, 2])) == [2, 4]


def test_refs_for_more_ids_than_one_statement_takes(store: sqlite3.Connection) -> None:
    refs = dict(store.execute("SELECT id, ref FROM tickets ORDER BY id").fetchall())
    many = ticket_refs(store, [*range(5, 1205), 4, 1])
    assert len(many) == 1202
    assert (many[1], many[4], many[1204]) == (refs[1], refs[4], "T-1204")


def test_a_ticket_moves_to_another_customer(store: sqlite3.Connection) -> None:
    owners = dict(store.execute("SELECT id, customer_id FROM tickets").fetchall())
    with store:
        set_customer(store, 1, owners[2])
    after = dict(store.execute("SELECT id, customer_id FROM tickets").fetchall())
    assert after == {**owners, 1: owners[2]}
