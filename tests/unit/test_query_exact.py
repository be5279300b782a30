"""The query language to the letter: every error message in full, relative dates and
due times against a fixed clock, sort clauses, and the edges of word handling."""

from __future__ import annotations

import re
import sqlite3

import pytest

from agentconsole.store.query import (
    MAX_TERMS,
    QueryError,
    compile_query,
    order_by,
)
from agentconsole.store.tickets import count_tickets, list_tickets
from tests.mailfactory import ingest, mail
from tests.unit.test_query import refs
from tests.unit.test_query import store as store  # noqa: F401  (the fixture)

NOW = 1_800_000_000
KEYS = "due, status, priority, category, assignee, tag, from, customer, before, after, ref"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> int:
    """Relative dates and due times are measured from the clock: fix it."""
    monkeypatch.setattr("agentconsole.store.query.time.time", lambda: NOW + 0.75)
    return NOW


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status:opne", "status:opne: unknown status (one of new, open, pending, solved, closed)"),
        (
            "priority:highest",
            "priority:highest: unknown priority (one of urgent, high, normal, low)",
        ),
        (
            "category:zzz",
            "category:zzz: unknown category (one of account_access, deposit,"
            " withdrawal, payment, account_locked, account_change, fees, security, complaint,"
            " feedback, business, other)",
        ),
        ("stauts:open", f"stauts: unknown filter (filters: {KEYS})"),
        ("http://example.com", f"http: unknown filter (filters: {KEYS})"),
        ("before:yesterday", "before:yesterday: use a date like 2024-05-31 or an age like 7d"),
        ("after:7m", "after:7m: use a date like 2024-05-31 or an age like 7d"),
        ("priority:", "priority: needs a value, e.g. priority:high"),
        ("-priority:", "-priority: needs a value, e.g. priority:high"),
        ("customer:", "customer: needs a value, e.g. customer:x"),
        ("status:,", "status: needs a value"),
        ("after:2026-01-01,2026-02-01", "after: takes one date"),
        ("due:soon", "due:soon: use due:breached, due:risk or due:any"),
        ("ref:abc", "ref:abc: a ticket reference looks like T-7K3QX9PA (or T-42 here)"),
    ],
)
def test_errors_say_exactly_what_to_type(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=f"^{re.escape(message)}$"):
        compile_query(text)


def test_a_quoted_list_counts_every_value_against_the_bound(store: sqlite3.Connection) -> None:
    """``from:"a,b,..."`` is split at its commas like ``from:a,b``: unbounded, 1,200
    values overflowed SQLite's expression depth (an OperationalError, a traceback)."""
    many = ",".join(f"a{i}" for i in range(1200))
    with pytest.raises(QueryError, match=f"^query too long: 1200 terms, at most {MAX_TERMS}$"):
        compile_query(f'from:"{many}"')
    fits = ",".join(f"a{i}" for i in range(MAX_TERMS))
    assert count_tickets(store, compile_query(f'from:"{fits}"')) == 0
    assert refs(store, 'tag:"vip"') == [2]


def test_relative_and_absolute_dates(frozen: int) -> None:
    assert compile_query("after:7d").params == (frozen - 7 * 86400,)
    assert compile_query("after:12h").params == (frozen - 12 * 3600,)
    assert compile_query("before:2w").params == (frozen - 14 * 86400,)
    assert compile_query("before:2026-10-06").params == (1_791_244_800,)  # midnight UTC
    assert compile_query("before:2026-10-06").where == "(t.created_at < ?)"
    assert compile_query("after:2026-10-06").where == "(t.created_at >= ?)"


def test_due_filters_against_the_clock(store: sqlite3.Connection, frozen: int) -> None:
    """due:risk is the SLA's at-risk share: its instant passed, the due time not yet."""
    clocks = {  # ticket: (due_at, sla_at_risk_at)
        1: (frozen - 10, frozen - 3600),  # breached
        2: (frozen + 60, frozen),  # at risk since this very second
        3: (frozen + 3600, frozen + 1),  # at risk one second from now
    }
    for ticket_id, (due, risk) in clocks.items():
        store.execute(
            "UPDATE tickets SET due_at = ?, sla_at_risk_at = ? WHERE id = ?",
            (due, risk, ticket_id),
        )
    assert refs(store, "due:breached") == [1]
    assert refs(store, "due:risk") == [2]
    assert refs(store, "due:any") == [1, 2, 3]
    assert refs(store, "due:breached,risk") == [1, 2]
    store.execute("UPDATE tickets SET due_at = NULL, sla_at_risk_at = NULL WHERE id = 3")
    assert refs(store, "-due:any") == [3]
    store.execute("UPDATE tickets SET due_at = ? WHERE id = 2", (frozen,))  # due this second
    assert refs(store, "due:risk") == []
    assert refs(store, "due:breached") == [1]
    assert compile_query("due:risk").params == (frozen, frozen)
    assert compile_query("due:breached").params == (frozen,)


def test_assignee_by_name_and_customer_by_identifier(store: sqlite3.Connection) -> None:
    from agentconsole.domain.tickets import update_ticket

    update_ticket(store, [2], "assignee", "Bob", actor="lin")
    assert refs(store, "assignee:bob") == [2]
    assert refs(store, "assignee:bob,none") == [2, 3]
    ingest(
        store,
        [
            mail(
                sender="Zhao <zhao@example.org>",
                msgid="<5@x>",
                subject="Where is my money",
                body="Transaction TXN-2026100512345 has not arrived.",
                date="Thu, 08 Oct 2026 10:00:00 +0000",
            )
        ],
    )
    assert refs(store, "customer:txn2026100512345") == [4]
    assert refs(store, 'customer:"TXN 2026-1005-12345"') == [4]


def test_like_wildcards_typed_by_users_are_literal(store: sqlite3.Connection) -> None:
    ingest(
        store,
        [
            mail(sender="ab_c@example.org", msgid="<u@x>", subject="one"),
            mail(sender="abxc@example.org", msgid="<v@x>", subject="two"),
            mail(sender="a%b@example.org", msgid="<w@x>", subject="three"),
            mail(sender="Back\\slash <bs@example.org>", msgid="<y@x>", subject="four"),
        ],
    )
    assert refs(store, "from:ab_c") == [4]
    assert refs(store, "from:a%b") == [6]
    assert refs(store, "from:%") == [6]
    assert refs(store, "customer:back\\slash") == [7]
    assert refs(store, "customer:back_slash") == []


def test_words_filters_and_refs_combine(store: sqlite3.Connection) -> None:
    assert refs(store, "status:new fee") == []
    assert refs(store, "status:pending fee") == [3]
    assert refs(store, "T-2 status:new") == [2]
    assert refs(store, "T-2 status:pending") == []
    assert refs(store, "提现 失败") == [1]
    assert refs(store, "-钱 status:new") == [1, 2]
    query = compile_query('提现 "stole money" -fee tags 12:30')
    assert query.text == '提现 "stole money" -fee tags 12:30'
    assert query.words == ("提现", '"stole money"', "-fee", "tags", "12:30")


def test_a_single_character_can_be_excluded(store: sqlite3.Connection) -> None:
    ingest(store, [mail(sender="q@example.org", msgid="<q@x>", subject="钱没到", body="钱")])
    assert refs(store, "钱") == [4]
    assert refs(store, "-钱") == [1, 2, 3]


def test_sort_clauses_and_their_exact_reverse() -> None:
    assert order_by("activity") == "t.last_message_at DESC, t.id DESC"
    assert order_by("activity", reverse=True) == "t.last_message_at ASC, t.id ASC"
    assert order_by("due") == "t.due_at IS NULL ASC, t.due_at ASC, t.id ASC"
    assert order_by("due", reverse=True) == "t.due_at IS NULL DESC, t.due_at DESC, t.id DESC"
    message = "unknown sort 'x' (one of activity, due, priority, created, waiting)"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        order_by("x")


def test_the_priority_sort_puts_urgent_high_normal_low_in_order(
    store: sqlite3.Connection,
) -> None:
    for ticket_id, priority in ((1, "low"), (2, "high"), (3, "urgent")):
        store.execute("UPDATE tickets SET priority = ? WHERE id = ?", (priority, ticket_id))
    listed = list_tickets(store, compile_query(""), sort="priority", limit=10)
    assert [t.priority for t in listed] == ["urgent", "high", "low"]


def test_a_date_is_midnight_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert compile_query("before:2026-10-06").params == (1_791_244_800,)
    finally:
        monkeypatch.undo()
        time.tzset()
