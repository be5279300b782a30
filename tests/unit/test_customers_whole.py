"""The customer card to the letter: the record, its figures, merges that chain, and
the search's order and wildcards."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.domain.tickets import update_ticket
from agentconsole.models import Customer
from agentconsole.store.customers import (
    CustomerNotFound,
    CustomerStats,
    customer_stats,
    find_customers,
    get_customer,
    merge_customers,
    resolve,
)
from agentconsole.store.events import customer_events
from tests.mailfactory import SUPPORT, ingest, mail

WANG = "Mon, 05 Oct 2026 10:00:00 +0000"


def _reply(to: str, msgid: str, in_reply_to: str, date: str) -> bytes:
    return mail(
        sender=SUPPORT, to=to, subject="Re", msgid=msgid, in_reply_to=in_reply_to, date=date
    )


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(msgid="<w1@x>", subject="one", date=WANG, body="call me on 13812345678"),
            _reply("wang@example.com", "<r1@x>", "<w1@x>", "Mon, 05 Oct 2026 11:00:00 +0000"),
            mail(msgid="<w2@x>", subject="two", date="Tue, 06 Oct 2026 10:00:00 +0000"),
            _reply("wang@example.com", "<r2@x>", "<w2@x>", "Tue, 06 Oct 2026 13:00:00 +0000"),
            mail(msgid="<w3@x>", subject="three", date="Wed, 07 Oct 2026 10:00:00 +0000"),
            _reply("wang@example.com", "<r3@x>", "<w3@x>", "Wed, 07 Oct 2026 10:30:00 +0000"),
            mail(
                sender="Fang W <fang_w@example.net>",
                msgid="<f1@x>",
                subject="four",
                date="Thu, 08 Oct 2026 10:00:00 +0000",
            ),
            mail(sender="fangxw@example.net", msgid="<f2@x>", subject="five"),
            mail(sender="wang@example.co", msgid="<c1@x>", subject="six"),
            mail(
                sender="Back\\slash <a%b@example.org>",
                msgid="<c2@x>",
                subject="seven",
                body="my phone is +86 139 8765 4321",
            ),
        ],
    )
    return conn


def test_the_customer_record(store: sqlite3.Connection) -> None:
    assert get_customer(store, 1) == Customer(
        id=1,
        name="Wang Fang",
        created_at=1791194400,
        last_contact_at=1791367200,
        addresses=("wang@example.com",),
        names=("Wang Fang",),
        identifiers=(("phone", "13812345678"),),
        merged_into=None,
    )
    with pytest.raises(CustomerNotFound, match="^no customer C-9$"):
        get_customer(store, 9)


def test_the_customer_figures(store: sqlite3.Connection) -> None:
    update_ticket(store, [3], "status", "solved", actor="lin")
    # first responses after 1 h, 3 h and 30 min: the median is the middle one, 1 h
    assert customer_stats(store, 1) == CustomerStats(2, 3, 1791367200, 3600)
    update_ticket(store, [1, 2], "status", "closed", actor="lin")
    assert customer_stats(store, 1) == CustomerStats(0, 3, 1791367200, 3600)
    assert customer_stats(store, 2) == CustomerStats(1, 1, 1791453600, None)
    assert customer_stats(store, 99) == CustomerStats(0, 0, None, None)


def test_merges_chain_and_are_recorded(store: sqlite3.Connection) -> None:
    merge_customers(store, 2, 3, actor="lin")
    merge_customers(store, 1, 2, actor="zoe")
    assert [resolve(store, i) for i in (1, 2, 3)] == [1, 1, 1]
    kept = get_customer(store, 1)
    assert kept.addresses == ("fang_w@example.net", "fangxw@example.net", "wang@example.com")
    assert kept.names == ("Wang Fang", "Fang W")
    [event] = [e for e in customer_events(store, 1) if e.kind == "customer_merged"]
    assert (event.actor, event.data) == (
        "zoe",
        {"merged": 2, "name": "Fang W", "addresses": ["fang_w@example.net", "fangxw@example.net"]},
    )
    assert event.at >= 1_790_000_000
    with pytest.raises(ValueError, match="^C-3 was merged into C-1 already$"):
        merge_customers(store, 3, 1, actor="lin")  # 3 is 1 now


def test_search_order_and_wildcards(store: sqlite3.Connection) -> None:
    def ids(query: str) -> list[int]:
        return [c.id for c in find_customers(store, query)]

    assert ids("fang") == [1, 2, 3]  # names and addresses, by id on a tie
    assert ids("wang@example.co") == [4, 1]  # the exact address first, then partial ones
    assert ids("FANG_W") == [2]  # _ is a letter, not a wildcard
    assert ids("%") == [5] and ids("   ") == []  # % is a character, not a wildcard
    assert ids("a%b") == [5] and ids("back\\slash") == [5] and ids("back_slash") == []
    assert ids("86 139 8765 4321") == [5]  # stored with its +
    assert ids("138-1234-5678") == [1]
    assert ids("12345678") == [1]  # the end of a phone number
    assert ids("345678") == []  # too short to be a phone number's end
    merge_customers(store, 2, 3, actor="lin")
    assert ids("fangxw") == [2]  # a merged-away customer leads to the one kept
    assert [c.id for c in find_customers(store, "fang", limit=2)] == [1, 2]


def test_merging_a_customer_merged_already_says_so(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(), mail(msgid="<2@x>", sender="li@example.com")])
    merge_customers(conn, 1, 2, actor="lin")
    for keep, merge in ((2, 1), (1, 2)):
        with pytest.raises(ValueError, match="^C-2 was merged into C-1 already$"):
            merge_customers(conn, keep, merge, actor="lin")
    with pytest.raises(ValueError, match="^those are the same customer$"):
        merge_customers(conn, 1, 1, actor="lin")
