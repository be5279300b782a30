"""Customers are found by every identifier kind, and can be merged with an event."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.customers import (
    customer_stats,
    find_customers,
    get_customer,
    merge_customers,
)
from agentconsole.store.events import customer_events
from tests.mailfactory import ingest, mail, word


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(
                sender=f"{word('王芳')} <wang.fang@example.com>",
                msgid="<1@x>",
                subject="提现失败",
                body="账户 OKW12345678 提现失败，交易号 TXN202610050001，手机 138-0013-8000。",
            ),
            mail(
                sender="Fang Wang <fang.w@example.net>",
                msgid="<2@x>",
                subject="Order problem",
                body="Order ORD-2026100512 was paid twice.\n\n"
                "> quoted: TXN999999999999 must not count",
            ),
            mail(
                sender="Li Lei <li@example.org>",
                msgid="<3@x>",
                subject="Hello",
                body="Phone +86 139 1234 5678",
            ),
        ],
    )
    return conn


@pytest.mark.parametrize(
    ("query", "address"),
    [
        ("wang.fang@example.com", "wang.fang@example.com"),
        ("WANG.FANG@EXAMPLE.COM", "wang.fang@example.com"),
        ("王芳", "wang.fang@example.com"),
        ("王", "wang.fang@example.com"),
        ("okw12345678", "wang.fang@example.com"),
        ("TXN202610050001", "wang.fang@example.com"),
        ("txn 2026-1005-0001", "wang.fang@example.com"),
        ("13800138000", "wang.fang@example.com"),
        ("138 0013 8000", "wang.fang@example.com"),
        ("ORD-2026100512", "fang.w@example.net"),
        ("Fang Wang", "fang.w@example.net"),
        ("+8613912345678", "li@example.org"),
        ("13912345678", "li@example.org"),
    ],
)
def test_lookup_by_each_identifier(store: sqlite3.Connection, query: str, address: str) -> None:
    found = find_customers(store, query)
    assert found and address in found[0].addresses


def test_quoted_text_does_not_give_identifiers(store: sqlite3.Connection) -> None:
    assert find_customers(store, "TXN999999999999") == []


def test_no_match(store: sqlite3.Connection) -> None:
    assert find_customers(store, "nobody@nowhere.example") == []
    assert find_customers(store, "   ") == []


def test_merge_moves_everything_and_records_an_event(store: sqlite3.Connection) -> None:
    keep = find_customers(store, "wang.fang@example.com")[0].id
    other = find_customers(store, "fang.w@example.net")[0].id
    merge_customers(store, keep, other, actor="lin")
    merged = get_customer(store, keep)
    assert set(merged.addresses) == {"wang.fang@example.com", "fang.w@example.net"}
    assert ("order", "ORD2026100512") in merged.identifiers
    assert customer_stats(store, keep).total_tickets == 2
    # a lookup of the merged-away customer's address leads to the one kept
    assert [c.id for c in find_customers(store, "fang.w@example.net")] == [keep]
    assert get_customer(store, other).merged_into == keep
    [event] = [e for e in customer_events(store, keep) if e.kind == "customer_merged"]
    assert event.data["merged"] == other and event.actor == "lin"


def test_merge_with_itself_is_refused(store: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        merge_customers(store, 1, 1, actor="lin")


def test_new_mail_from_a_merged_address_lands_on_the_kept_customer(
    store: sqlite3.Connection,
) -> None:
    keep = find_customers(store, "wang.fang@example.com")[0].id
    other = find_customers(store, "fang.w@example.net")[0].id
    merge_customers(store, keep, other, actor="lin")
    ingest(store, [mail(sender="fang.w@example.net", msgid="<9@x>", subject="new matter")])
    row = store.execute("SELECT customer_id FROM tickets ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == keep
