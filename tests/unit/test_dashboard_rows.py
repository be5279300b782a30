"""The dashboard's figures against the queue's own counts, on a store built by a real
import: every number equals the count of the query its drill-down opens, and every
statement is answered from an index (EXPLAIN QUERY PLAN), so 100,000 tickets cost
milliseconds."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from itertools import islice

import pytest

from agentconsole.domain.tickets import change_field
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from agentconsole.store.dashboard_rows import (
    FIGURES,
    REPLY_KIND,
    Counts,
    NowFigures,
    now_figures,
    replied_refs,
)
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.store.query import compile_query
from agentconsole.store.tickets import count_tickets
from tests.corpus import CorpusBuilder, write_mbox
from tests.mailfactory import make_config

HOUR = 3600
DAY = 86400


def _ids(conn: sqlite3.Connection, where: str) -> list[int]:
    return [row[0] for row in conn.execute(f"SELECT id FROM tickets WHERE {where} ORDER BY id")]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """600 threads; three agents (one written in two cases); due times spread around
    now: some breached, some within the at-risk window, some later; a few solved."""
    mbox = tmp_path_factory.mktemp("dash") / "support.mbox"
    write_mbox(mbox, list(islice(CorpusBuilder(seed=5).corpus(threads=600, span_days=30), 1200)))
    conn = open_db(memory=True).conn
    run_import(conn, resolve_sources([mbox]), make_config(), jobs=1)
    ids = _ids(conn, "1")
    now = int(time.time())
    with write_txn(conn):
        change_field(conn, ids[0:40], "assignee", "lin", actor="lin")
        change_field(conn, ids[40:55], "assignee", "LIN", actor="lin")
        change_field(conn, ids[55:90], "assignee", "王娜", actor="lin")
        change_field(conn, ids[90:95], "assignee", "[bold]eve[/bold]", actor="lin")
        change_field(conn, ids[0:200:7], "status", "solved", actor="lin")
        for n, ticket_id in enumerate(ids[:300]):
            due = now + (n % 12 - 4) * HOUR  # 4 of 12 breached, 4 at risk, 4 later
            conn.execute(
                "UPDATE tickets SET due_at = ?, sla_at_risk_at = ? WHERE id = ?",
                (due, due - 4 * HOUR, ticket_id),
            )
        for ticket_id, actor, at in [
            (ids[1], "lin", now - 60),
            (ids[2], "lin", now - 120),
            (ids[2], "Lin", now - 30),
            (ids[60], "王娜", now - 10),
            (ids[61], "王娜", now - 3 * DAY),  # not today
            (ids[3], "bob", now - 5),
        ]:
            record_event(conn, REPLY_KIND, actor=actor, ticket_id=ticket_id, at=at)
    yield conn
    conn.close()


@pytest.fixture
def figures(store: sqlite3.Connection) -> NowFigures:
    now = int(time.time())
    return now_figures(store, now=now, day_start=now - 12 * HOUR, me="lin")


def _count(conn: sqlite3.Connection, query: str) -> int:
    return count_tickets(conn, compile_query(query, me="lin"))


def test_every_total_equals_the_count_of_its_drill_down(
    store: sqlite3.Connection, figures: NowFigures
) -> None:
    expected = {name: _count(store, query) for name, query in FIGURES.items()}
    assert {name: figures.totals.value(name) for name in FIGURES} == expected
    assert expected["breached"] > 0 and expected["at_risk"] > 0 and expected["unassigned"] > 0
    direct = store.execute(
        "SELECT count(*) FILTER (WHERE status IN ('new', 'open')),"
        " count(*) FILTER (WHERE status IN ('new', 'open') AND assignee IS NULL),"
        " count(*) FILTER (WHERE status NOT IN ('solved', 'closed') AND due_at < ?)"
        " FROM tickets",
        (int(time.time()),),
    ).fetchone()
    assert (figures.totals.open, figures.totals.unassigned, figures.totals.breached) == direct


def test_agents_fold_case_and_match_their_queries(
    store: sqlite3.Connection, figures: NowFigures
) -> None:
    rows = {row.key: row for row in figures.agents}
    assert set(rows) == {"LIN", "[bold]eve[/bold]", "bob", "王娜"}  # lin and LIN are one
    for name, row in rows.items():
        for figure in ("open", "at_risk", "breached"):
            query = f'assignee:"{name}" {FIGURES[figure]}'
            assert row.counts.value(figure) == _count(store, query), (name, figure)
    assert rows["LIN"].counts.open == _count(store, "assignee:lin status:new,open") > 0
    assert [rows[n].replies_today for n in ("LIN", "王娜", "bob", "[bold]eve[/bold]")] == [
        3,
        1,
        1,
        0,
    ]


def test_categories_and_priorities_add_up(store: sqlite3.Connection, figures: NowFigures) -> None:
    for row in figures.categories:
        for figure in ("open", "at_risk", "breached"):
            query = f"category:{row.key} {FIGURES[figure]}"
            assert row.counts.value(figure) == _count(store, query), (row.key, figure)
    assert [row.key for row in figures.priorities] == [
        p for p in ("urgent", "high", "normal", "low") if p in {r.key for r in figures.priorities}
    ]
    for row in figures.priorities:
        assert row.counts.breached == _count(store, f"priority:{row.key} {FIGURES['breached']}")
    summed = sum((row.counts for row in figures.categories), Counts())
    assert (summed.open, summed.at_risk, summed.breached) == (
        figures.totals.open,
        figures.totals.at_risk,
        figures.totals.breached,
    )


def test_oldest_unanswered_is_the_longest_waiting_customer(
    store: sqlite3.Connection, figures: NowFigures
) -> None:
    row = store.execute(
        "SELECT id, ref, last_customer_at FROM tickets WHERE status IN ('new', 'open')"
        " AND last_customer_at IS NOT NULL"
        " AND (last_agent_at IS NULL OR last_agent_at < last_customer_at)"
        " ORDER BY last_customer_at, id LIMIT 1"
    ).fetchone()
    assert figures.oldest is not None
    assert (figures.oldest.ticket_id, figures.oldest.ref, figures.oldest.waiting_since) == row


def test_replied_refs_lists_the_tickets_an_agent_answered_today(
    store: sqlite3.Connection,
) -> None:
    ids = _ids(store, "1")
    refs = dict(store.execute("SELECT id, ref FROM tickets"))
    since = int(time.time()) - 12 * HOUR
    assert replied_refs(store, "lin", since, 50) == [refs[ids[2]], refs[ids[1]]]
    assert replied_refs(store, "王娜", since, 50) == [refs[ids[60]]]
    assert replied_refs(store, "nobody", since, 50) == []


def _statements(conn: sqlite3.Connection) -> list[str]:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        now = int(time.time())
        now_figures(conn, now=now, day_start=now - HOUR, me="lin")
    finally:
        conn.set_trace_callback(None)
    return statements


def test_every_statement_reads_an_index(store: sqlite3.Connection) -> None:
    """No statement walks the tickets or events table row by row: each starts from an
    index (a covering one where the figure allows)."""
    plans: dict[str, list[str]] = {}
    for statement in _statements(store):
        if statement.startswith(("BEGIN", "COMMIT")):
            continue
        plan = [row[3] for row in store.execute(f"EXPLAIN QUERY PLAN {statement}")]
        plans[statement] = plan
    walked = {
        s: p
        for s, p in plans.items()
        if any(line in ("SCAN t", "SCAN tickets", "SCAN events", "SCAN e") for line in p)
    }
    assert not walked, walked
    covering = [p for s, p in plans.items() if "GROUP BY t.category, t.priority" in s]
    assert covering == [["SCAN t USING COVERING INDEX tickets_category_priority"]], covering
    replies = [p for s, p in plans.items() if "FROM events" in s]
    assert replies and all("sqlite_autoindex_events_1" in " ".join(p) for p in replies), replies
    risky = [p for s, p in plans.items() if "GROUP BY t.assignee, t.category, t.priority" in s]
    assert len(risky) == 1, plans
    assert "SEARCH t USING COVERING INDEX tickets_due_groups (due_at>? AND due_at<?)" in risky[0]
    oldest = [p for s, p in plans.items() if "ORDER BY t.last_customer_at" in s]
    assert oldest == [["SEARCH t USING INDEX tickets_unanswered (last_customer_at>?)"]], oldest
