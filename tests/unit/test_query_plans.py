"""The queue's filters stay answered from indexes, so a slow plan cannot come back
silently. At 100,000 tickets, reading the ticket rows for a filter cost 50-300 ms
(``category:withdrawal priority:urgent,high``, ``assignee:me``...); from an index it
costs a few. The plans are read with EXPLAIN QUERY PLAN for the very statements the
store runs (captured as they execute), on a store built by a real import, with the
statistics the import leaves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import islice

import pytest

from agentconsole.domain.tickets import change_field
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from agentconsole.store.db import write_txn
from agentconsole.store.query import compile_query
from agentconsole.store.tickets import count_tickets, list_tickets
from tests.corpus import CorpusBuilder, write_mbox
from tests.mailfactory import make_config


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    mbox = tmp_path_factory.mktemp("plans") / "support.mbox"
    write_mbox(mbox, list(islice(CorpusBuilder(seed=3).corpus(threads=600, span_days=90), 1200)))
    conn = open_db(memory=True).conn
    run_import(conn, resolve_sources([mbox]), make_config(), jobs=1)
    ids = [row[0] for row in conn.execute("SELECT id FROM tickets ORDER BY id LIMIT 30")]
    with write_txn(conn):
        change_field(conn, ids, "assignee", "lin", actor="lin")
    yield conn
    conn.close()


def _plans(conn: sqlite3.Connection, text: str) -> tuple[list[str], list[str]]:
    """The plan of the count and of the first page, as the queue runs them."""
    query = compile_query(text, me="Lin")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        total = count_tickets(conn, query)
        list_tickets(conn, query, limit=100, offset=0, total=total)
    finally:
        conn.set_trace_callback(None)
    assert len(statements) == 2
    return [
        [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
        for statement in statements
    ]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("category:withdrawal priority:urgent,high", "tickets_category_priority"),
        ("status:new,open category:withdrawal priority:urgent,high", "tickets_category_priority"),
        ("category:security", "tickets_category"),
        ("priority:urgent", "tickets_priority"),
        ("assignee:me status:new,open,pending", "tickets_assignee_name"),
        ("assignee:lin", "tickets_assignee_name"),
    ],
)
def test_filter_reads_an_index_not_the_tickets(
    store: sqlite3.Connection, text: str, index: str
) -> None:
    count, page = _plans(store, text)
    for plan in (count, page):
        assert any(  # the index named, or one whose name extends it
            line.startswith("SEARCH t USING ") and f"INDEX {index}" in line for line in plan
        ), plan
    assert not any(line.startswith("SCAN t") for line in count + page), (count, page)


def test_unassigned_view_counts_from_an_index(store: sqlite3.Connection) -> None:
    """Most open tickets are unassigned: the count reads the assignee index alone, and
    the first page walks the activity index and stops after a page (no sort of
    every match, no pass over the table)."""
    count, page = _plans(store, "assignee:none status:new,open")
    assert count == ["SEARCH t USING COVERING INDEX tickets_assignee (assignee=? AND status=?)"]
    assert not any(line == "SCAN t" for line in page), page


def test_tag_filter_starts_from_the_tag(store: sqlite3.Connection) -> None:
    count, _ = _plans(store, "tag:vip")
    assert any("ticket_tags_tag" in line for line in count), count
    assert not any("CORRELATED" in line for line in count), count
