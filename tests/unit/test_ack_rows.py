"""Which new tickets the automatic acknowledgement may answer, and whether a customer
got one lately: the store's reads, on real SQLite, one excluding rule at a time."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.acknowledgements import (
    ACK_EVENT,
    AckCandidate,
    ack_candidates,
    acknowledged_since,
)
from agentconsole.store.events import record_event
from tests.mailfactory import SUPPORT, ingest, mail

# Mon, 05 Oct 2026 10:00 +0800: the first mail's date
T0 = 1_791_165_600
HOUR = 3600


def _mail(n: int, hour: int, **over: object) -> bytes:
    values: dict[str, object] = {
        "sender": f"Customer {n} <c{n}@example.org>",
        "subject": f"Question {n}",
        "msgid": f"<q{n}@example.org>",
        "date": f"Mon, 05 Oct 2026 {10 + hour:02d}:00:00 +0800",
    }
    values.update(over)
    return mail(**values)  # type: ignore[arg-type]


def _tickets(conn: sqlite3.Connection) -> dict[str, tuple[int, int | None, int]]:
    """Sender address: (ticket id, customer id, message id) of each first message."""
    rows = conn.execute(
        "SELECT m.from_addr, m.ticket_id, t.customer_id, m.id FROM messages m"
        " JOIN tickets t ON t.id = m.ticket_id ORDER BY m.id"
    ).fetchall()
    found: dict[str, tuple[int, int | None, int]] = {}
    for addr, ticket, customer, message in rows:
        found.setdefault(addr, (ticket, customer, message))
    return found


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            _mail(2, 2),
            _mail(1, 1),
            _mail(3, 3, headers=["Auto-Submitted: auto-replied"]),
            _mail(4, 4),
        ],
    )
    return conn


def test_new_tickets_from_customers_oldest_first(store: sqlite3.Connection) -> None:
    ids = _tickets(store)
    assert ack_candidates(store, since=T0) == [
        AckCandidate(
            ids[f"c{n}@example.org"][0],
            ids[f"c{n}@example.org"][1],
            f"c{n}@example.org",
            ids[f"c{n}@example.org"][2],
        )
        for n in (1, 2, 4)
    ]
    assert all(c.customer_id is not None for c in ack_candidates(store, since=T0))
    assert [c.from_addr for c in ack_candidates(store, since=T0, limit=2)] == [
        "c1@example.org",
        "c2@example.org",
    ]
    assert ack_candidates(store, since=T0, limit=0) == []


def test_a_ticket_created_before_the_start_is_left_alone(store: sqlite3.Connection) -> None:
    assert [c.from_addr for c in ack_candidates(store, since=T0 + 2 * HOUR)] == [
        "c2@example.org",
        "c4@example.org",
    ]
    assert [c.from_addr for c in ack_candidates(store, since=T0 + 2 * HOUR + 1)] == [
        "c4@example.org"
    ]


def test_mail_stored_before_the_start_is_left_alone(conn: sqlite3.Connection) -> None:
    """A message dated in the future but stored now: ``since`` after the import."""
    ingest(conn, [_mail(5, 0, date="Mon, 05 Oct 2099 10:00:00 +0800")])
    future = 4_094_503_200  # 2099-10-05 02:00 UTC
    assert [c.from_addr for c in ack_candidates(conn, since=future - 1)] == []
    assert [c.from_addr for c in ack_candidates(conn, since=T0)] == ["c5@example.org"]


def test_acknowledged_answered_or_progressed_tickets_are_not_candidates(
    store: sqlite3.Connection,
) -> None:
    ids = _tickets(store)
    with store:
        record_event(store, ACK_EVENT, actor="auto", ticket_id=ids["c1@example.org"][0])
        store.execute(
            "UPDATE tickets SET first_response_at = ? WHERE id = ?",
            (T0 + 9 * HOUR, ids["c2@example.org"][0]),
        )
    assert [c.from_addr for c in ack_candidates(store, since=T0)] == ["c4@example.org"]
    with store:
        store.execute(
            "UPDATE tickets SET status = 'open' WHERE id = ?", (ids["c4@example.org"][0],)
        )
    assert ack_candidates(store, since=T0) == []


def test_a_quarantined_first_message_is_not_answered(store: sqlite3.Connection) -> None:
    ids = _tickets(store)
    with store:
        store.execute(
            "UPDATE messages SET status = 'quarantined' WHERE id = ?", (ids["c2@example.org"][2],)
        )
    assert [c.from_addr for c in ack_candidates(store, since=T0)] == [
        "c1@example.org",
        "c4@example.org",
    ]


def test_only_the_tickets_first_message_counts(conn: sqlite3.Connection) -> None:
    """Our own mail opened the thread: the customer's answer to it gets no ack; the
    customer's first mail decides even when a later one in the ticket is automatic."""
    ingest(
        conn,
        [
            _mail(6, 3, msgid="<late@x>", in_reply_to="<ours@x>", subject="Re: Hello"),
            _mail(
                7,
                1,
                sender=f"Support <{SUPPORT}>",
                to="c6@example.org",
                msgid="<ours@x>",
                subject="Hello",
            ),
            _mail(8, 1, msgid="<first8@x>"),
            _mail(
                8,
                2,
                msgid="<auto8@x>",
                in_reply_to="<first8@x>",
                headers=["Auto-Submitted: auto-replied"],
            ),
        ],
    )
    candidates = ack_candidates(conn, since=T0)
    assert [c.from_addr for c in candidates] == ["c8@example.org"]
    first8 = conn.execute("SELECT id FROM messages WHERE message_id = 'first8@x'").fetchone()
    assert candidates[0].message_id == first8[0]


def test_a_customer_acknowledged_since_a_moment(store: sqlite3.Connection) -> None:
    ids = _tickets(store)
    customer = ids["c1@example.org"][1]
    other = ids["c2@example.org"][1]
    assert customer is not None and other is not None
    with store:
        record_event(store, ACK_EVENT, actor="auto", customer_id=customer, at=T0 + 100)
        record_event(store, "status", actor="auto", customer_id=other, at=T0 + 100)
    assert acknowledged_since(store, customer, T0 + 100)
    assert acknowledged_since(store, customer, T0)
    assert not acknowledged_since(store, customer, T0 + 101)
    assert not acknowledged_since(store, other, T0)
