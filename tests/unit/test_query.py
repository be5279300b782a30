"""The ticket query language: each filter, negation, lists, errors."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.tickets import set_tags, update_ticket
from agentconsole.store.query import QueryError, compile_query
from agentconsole.store.tickets import count_tickets, list_tickets
from tests.mailfactory import SUPPORT, ingest, mail


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(
                msgid="<1@x>",
                subject="提现失败",
                body="我的提现失败了",
                date="Mon, 05 Oct 2026 10:00:00 +0000",
            ),
            mail(
                sender="Li Lei <li@example.net>",
                msgid="<2@x>",
                subject="Unauthorized payment",
                body="someone stole money",
                date="Tue, 06 Oct 2026 10:00:00 +0000",
            ),
            mail(
                sender="Anna <anna@corp.example>",
                msgid="<3@x>",
                subject="Fee question",
                body="what is the fee",
                date="Wed, 07 Oct 2026 10:00:00 +0000",
            ),
            mail(
                sender=SUPPORT,
                to="anna@corp.example",
                msgid="<4@x>",
                in_reply_to="<3@x>",
                subject="Re: Fee question",
                body="the fee is 1%",
                date="Wed, 07 Oct 2026 11:00:00 +0000",
            ),
        ],
    )
    update_ticket(conn, [1], "assignee", "lin", actor="lin")
    set_tags(conn, [2], ["vip"], [], actor="lin")
    return conn


def refs(conn: sqlite3.Connection, text: str) -> list[int]:
    query = compile_query(text, me="lin")
    found = [t.id for t in list_tickets(conn, query, sort="created", limit=100)]
    assert count_tickets(conn, query) == len(found)
    return sorted(found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [1, 2, 3]),
        ("status:new", [1, 2]),
        ("status:pending", [3]),
        ("-status:pending", [1, 2]),
        ("status:new,pending", [1, 2, 3]),
        ("priority:urgent", [2]),
        ("category:withdrawal", [1]),
        ("category:security,fees", [2, 3]),
        ("assignee:me", [1]),
        ("assignee:LIN", [1]),
        ("assignee:none", [2, 3]),
        ("tag:vip", [2]),
        ("-tag:vip", [1, 3]),
        ("from:corp.example", [3]),
        ("from:@example.com", [1]),
        ("customer:li", [2]),
        ("customer:wang@example.com", [1]),
        ("before:2026-10-06", [1]),
        ("after:2026-10-06", [2, 3]),
        ("提现", [1]),
        ("fee", [3]),
        ("-fee", [1, 2]),
        ("T-2", [2]),
        ("ref:T-1,T-3", [1, 3]),
        ('"stole money" status:new', [2]),
    ],
)
def test_filters(store: sqlite3.Connection, text: str, expected: list[int]) -> None:
    assert refs(store, text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status:opne", "unknown status"),
        ("stauts:open", "unknown filter"),
        ("before:yesterday", "use a date"),
        ("priority:", "needs a value"),
        ("ref:abc", r"ref:abc: a ticket reference looks like T-7K3QX9PA \(or T-42 here\)"),
    ],
)
def test_errors_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        compile_query(text)


def test_values_are_parameters_not_sql(store: sqlite3.Connection) -> None:
    assert refs(store, "tag:x');DROP TABLE tickets;--") == []
    assert refs(store, "customer:%") == []
    assert store.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3


def test_sorts(store: sqlite3.Connection) -> None:
    query = compile_query("")
    first = list_tickets(store, query, sort="priority")[0]
    assert first.priority == "urgent"
    with pytest.raises(ValueError):
        list_tickets(store, query, sort="nonsense")


@pytest.mark.parametrize("sort", ["activity", "due", "priority", "waiting", "created"])
def test_pages_read_backwards_match_pages_read_forwards(
    store: sqlite3.Connection, sort: str
) -> None:
    ingest(
        store,
        [
            mail(
                sender=f"c{i}@example.org",
                msgid=f"<p{i}@x>",
                subject=f"s {i}",
                date=f"Thu, {1 + i % 27:02d} Oct 2026 10:00:00 +0000",
            )
            for i in range(40)
        ],
    )
    query = compile_query("")
    total = count_tickets(store, query)
    forwards = [t.id for t in list_tickets(store, query, sort=sort, limit=total)]
    for offset in (0, 10, total // 2 + 1, total - 7, total - 1):
        page = list_tickets(store, query, sort=sort, limit=7, offset=offset, total=total)
        assert [t.id for t in page] == forwards[offset : offset + 7]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ref:{lower}", [2]),
        ("ref:{body}", [2]),
        ("{ref}", [2]),
        ("[{lower}]", [2]),
        ("-{ref}", [1, 3]),
        ("ref:{ref},T-3", [2, 3]),
        ("{body}", []),  # without T- a bare word is text, though spelled like a ref
    ],
)
def test_a_derived_ref_filters_in_any_case(
    store: sqlite3.Connection, typed: str, expected: list[int]
) -> None:
    ref = store.execute("SELECT ref FROM tickets WHERE id = 2").fetchone()[0]
    text = typed.format(ref=ref, lower=ref.lower(), body=ref[2:])
    assert refs(store, text) == expected
