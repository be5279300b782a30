"""A query can never be too deep for SQLite: more than MAX_TERMS terms is a QueryError
with a message a user can act on, and MAX_TERMS terms of the deepest kinds still run."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from agentconsole.store.cjk import fts_query
from agentconsole.store.messages import count_matches, search_messages
from agentconsole.store.query import MAX_TERMS, QueryError, compile_query
from agentconsole.store.tickets import count_tickets, list_tickets

KINDS: dict[str, Callable[[int], str]] = {
    "tags": lambda n: " ".join(f"tag:t{i}" for i in range(n)),
    "from values": lambda n: "from:" + ",".join(f"a{i}" for i in range(n)),
    "customer values": lambda n: "customer:" + ",".join(f"c{i}" for i in range(n)),
    "assignees": lambda n: "assignee:" + ",".join(f"a{i}" for i in range(n)),
    "due values": lambda n: "due:" + ",".join("risk" for _ in range(n)),
    "excluded words": lambda n: "x " + " ".join(f"-w{i}" for i in range(n - 1)),
    "refs": lambda n: " ".join(f"T-{i}" for i in range(n)),
    "mixed": lambda n: " ".join(
        ["from:" + ",".join(f"a{i}" for i in range(n // 2))]
        + [f"-tag:t{i}" for i in range(n - n // 2)]
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_largest_query_allowed_runs_on_sqlite(conn: sqlite3.Connection, kind: str) -> None:
    query = compile_query(KINDS[kind](MAX_TERMS))
    assert list_tickets(conn, query, sort="activity", limit=5, offset=0) == []
    assert count_tickets(conn, query) == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_one_term_more_is_refused_with_the_count(kind: str) -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(KINDS[kind](MAX_TERMS + 1))
    assert str(caught.value) == f"query too long: {MAX_TERMS + 1} terms, at most {MAX_TERMS}"


def test_the_limit_holds_where_sqlite_fails(conn: sqlite3.Connection) -> None:
    """Without the bound, 330 from: values already exceeded SQLite's depth of 1,000:
    the bound is what stands between a user and a traceback."""
    with pytest.raises(QueryError, match="query too long: 330 terms"):
        compile_query(KINDS["from values"](330))


def test_search_is_bounded_the_same_way(conn: sqlite3.Connection) -> None:
    words = " ".join(f"w{i}" for i in range(MAX_TERMS))
    assert search_messages(conn, words) == [] and count_matches(conn, words) == 0
    with pytest.raises(QueryError, match=f"^query too long: 201 terms, at most {MAX_TERMS}$"):
        fts_query(words + " extra")
    # one long word, or one long phrase, is one term: the bound is not on length
    assert fts_query("提现" * 2000) == '"' + " ".join(["提现", "现提"] * 1999 + ["提现"]) + '"'
    assert fts_query('"' + words + " extra" + '"') == '"' + words + ' extra"'
