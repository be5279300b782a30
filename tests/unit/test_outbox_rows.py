"""The outbox's store side on real SQLite: what a listing shows, which entry a sender
claims, and each state change a delivery makes (only from ``sending``), retry delays,
copies for the Sent folder. The CLI and SMTP tests cover these too, but in a subprocess."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.outbox import (
    OutboxEntry,
    OutboxNotFound,
    claim_next,
    copies_to_file,
    defer_due,
    due_count,
    list_outbox,
    make_due,
    mark_copied,
    mark_failed,
    mark_retry,
    mark_sent,
    outbox_raw,
    queue_mail,
    requeue_stale,
    ticket_outbox,
    waiting,
)
from agentconsole.timefmt import when
from tests.mailfactory import SUPPORT, ingest, mail

T = 1_800_000_000


@pytest.fixture
def messages(conn: sqlite3.Connection) -> list[int]:
    """Five stored messages on four tickets (the third answers the first), the second
    with a Cc that repeats its To and adds one more address."""
    ingest(
        conn,
        [
            mail(sender="A <a@example.org>", subject="First", msgid="<m1@x>"),
            mail(
                sender="B <b@example.org>",
                to=f"{SUPPORT}, Other <other@example.org>",
                subject="Second",
                msgid="<m2@x>",
                headers=[f"Cc: {SUPPORT}, Boss <boss@example.org>"],
            ),
            mail(
                sender="A <a@example.org>",
                subject="Re: First",
                msgid="<m3@x>",
                in_reply_to="<m1@x>",
            ),
            mail(sender="C <c@example.org>", subject="Fourth", msgid="<m4@x>"),
            mail(sender="D <d@example.org>", subject="Fifth", msgid="<m5@x>"),
        ],
    )
    return [int(r[0]) for r in conn.execute("SELECT id FROM messages ORDER BY id")]


def _queue(conn: sqlite3.Connection, message_id: int, at: int, raw: bytes = b"raw") -> int:
    with conn:
        return queue_mail(conn, message_id, f"<out{message_id}-{at}@x>", raw, now=at)


def _status(conn: sqlite3.Connection, outbox_id: int) -> tuple[object, ...]:
    return tuple(
        conn.execute(
            "SELECT status, attempts, last_error, sent_at, next_attempt_at, sending_since"
            " FROM outbox WHERE id = ?",
            (outbox_id,),
        ).fetchone()
    )


def test_a_queued_entry_reads_back_whole(conn: sqlite3.Connection, messages: list[int]) -> None:
    first = _queue(conn, messages[1], T, b"exact bytes\r\n")
    second = _queue(conn, messages[0], T + 5)
    assert (first, second) == (1, 2)
    ticket = conn.execute("SELECT ticket_id FROM messages WHERE id = ?", (messages[1],)).fetchone()
    ref = conn.execute("SELECT ref FROM tickets WHERE id = ?", (ticket[0],)).fetchone()[0]
    entry = ticket_outbox(conn, ticket[0])
    assert entry == [
        OutboxEntry(
            id=first,
            message_id=messages[1],
            rfc_message_id=f"<out{messages[1]}-{T}@x>",
            status="queued",
            attempts=0,
            last_error=None,
            queued_at=T,
            sent_at=None,
            ticket_id=ticket[0],
            ticket_ref=ref,
            to=(SUPPORT, "other@example.org"),
            subject="Second",
            next_attempt_at=None,
        )
    ]
    assert outbox_raw(conn, first) == b"exact bytes\r\n"
    assert outbox_raw(conn, second) == b"raw"
    with pytest.raises(OutboxNotFound, match="no outbox entry 99"):
        outbox_raw(conn, 99)


def test_a_ticket_lists_its_own_mail_oldest_first(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    late = _queue(conn, messages[2], T + 100)
    early = _queue(conn, messages[0], T)
    _queue(conn, messages[1], T + 50)
    ticket = conn.execute("SELECT ticket_id FROM messages WHERE id = ?", (messages[0],)).fetchone()
    assert [e.id for e in ticket_outbox(conn, ticket[0])] == [early, late]
    assert ticket_outbox(conn, 999) == []


def test_the_listing_puts_what_needs_attention_first_newest_first(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    sent_old = _queue(conn, messages[0], T)
    queued_old = _queue(conn, messages[1], T + 10)
    sent_new = _queue(conn, messages[2], T + 20)
    queued_new = _queue(conn, messages[3], T + 30)
    same_time = _queue(conn, messages[4], T + 30)
    for entry in (sent_old, sent_new):
        with conn:
            conn.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", (entry,))
            assert mark_sent(conn, entry, now=T + 40)
    assert [e.id for e in list_outbox(conn)] == [
        same_time,
        queued_new,
        queued_old,
        sent_new,
        sent_old,
    ]
    assert [e.id for e in list_outbox(conn, limit=2)] == [same_time, queued_new]
    assert list_outbox(conn, limit=0) == []


def test_claims_take_the_oldest_due_entry_once(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    newer = _queue(conn, messages[2], T + 10)  # the answer on the first ticket
    older = _queue(conn, messages[1], T, b"the bytes")
    claim = claim_next(conn, now=T + 60)
    assert claim is not None
    assert claim.id == older
    assert claim.message_id == messages[1]
    assert claim.raw == b"the bytes"
    assert claim.rfc_message_id == f"<out{messages[1]}-{T}@x>"
    assert claim.attempts == 0
    # To then Cc, each address once, in order
    assert claim.recipients == (SUPPORT, "other@example.org", "boss@example.org")
    ticket = conn.execute("SELECT ticket_id FROM messages WHERE id = ?", (messages[1],)).fetchone()
    assert claim.ticket_id == ticket[0]
    assert claim.ticket_ref is not None and claim.ticket_ref.startswith("T-")
    assert _status(conn, older) == ("sending", 0, None, None, None, T + 60)
    second = claim_next(conn, now=T + 61)
    assert second is not None and second.id == newer
    first_ticket = conn.execute("SELECT ticket_id FROM messages WHERE id = ?", (messages[0],))
    assert (second.message_id, second.ticket_id) == (messages[2], first_ticket.fetchone()[0])
    assert claim_next(conn, now=T + 62) is None
    assert not conn.in_transaction


def test_an_entry_waiting_out_a_delay_is_not_claimed_before_its_time(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    entry = _queue(conn, messages[0], T)
    with conn:
        conn.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", (entry,))
    assert mark_retry(conn, entry, error="451 busy", next_attempt_at=T + 300)
    assert due_count(conn, T + 299) == 0
    assert claim_next(conn, now=T + 299) is None
    assert due_count(conn, T + 300) == 1
    claim = claim_next(conn, now=T + 300)
    assert claim is not None and claim.id == entry and claim.attempts == 1


def test_the_delivery_outcomes_change_only_an_entry_being_sent(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    sent, retried, failed = (_queue(conn, m, T) for m in messages[:3])
    # still queued: nobody holds them, nothing changes
    assert not mark_sent(conn, sent, now=T + 1)
    assert not mark_retry(conn, retried, error="x", next_attempt_at=T + 9)
    assert not mark_failed(conn, failed, error="x")
    assert _status(conn, sent) == ("queued", 0, None, None, None, None)
    for _ in range(3):
        assert claim_next(conn, now=T + 2) is not None
    assert mark_sent(conn, sent, now=T + 3)
    assert _status(conn, sent) == ("sent", 1, None, T + 3, None, None)
    assert mark_retry(conn, retried, error="421 try later", next_attempt_at=T + 600)
    assert _status(conn, retried) == ("queued", 1, "421 try later", None, T + 600, None)
    assert mark_failed(conn, failed, error="550 no such user")
    assert _status(conn, failed) == ("failed", 1, "550 no such user", None, None, None)
    # a second outcome for the same entry is refused
    assert not mark_sent(conn, failed, now=T + 4)
    assert not mark_failed(conn, sent, error="late")
    assert _status(conn, sent) == ("sent", 1, None, T + 3, None, None)
    assert mark_sent(conn, 999, now=T) is False


def test_a_stale_sending_entry_goes_back_to_the_queue(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    crashed, fresh, queued = (_queue(conn, m, T) for m in messages[:3])
    assert claim_next(conn, now=T + 10) is not None  # crashed
    assert claim_next(conn, now=T + 20) is not None  # fresh
    assert requeue_stale(conn, started_before=T + 10, note="sender stopped") == 0
    assert requeue_stale(conn, started_before=T + 11, note="sender stopped") == 1
    assert _status(conn, crashed) == ("queued", 0, "sender stopped", None, None, None)
    assert _status(conn, fresh)[0] == "sending"
    assert _status(conn, queued) == ("queued", 0, None, None, None, None)


def test_counting_what_waits_and_when_it_is_due(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    assert waiting(conn) == (0, None)
    assert due_count(conn, T) == 0
    a, b, c = (_queue(conn, m, T) for m in messages[:3])
    assert waiting(conn) == (3, None)  # one is due now
    for _ in range(3):
        claim_next(conn, now=T)
    mark_retry(conn, a, error="x", next_attempt_at=T + 500)
    mark_retry(conn, b, error="x", next_attempt_at=T + 200)
    mark_failed(conn, c, error="gone")
    assert waiting(conn) == (2, T + 200)
    assert due_count(conn, T + 199) == 0
    assert due_count(conn, T + 200) == 1
    assert due_count(conn, T + 500) == 2


def test_an_unreachable_server_doubles_the_wait_up_to_the_cap(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    fresh, once, later = (_queue(conn, m, T) for m in messages[:3])
    for _ in range(3):
        claim_next(conn, now=T)
    mark_retry(conn, once, error="x", next_attempt_at=T)  # one attempt, due now
    mark_retry(conn, later, error="x", next_attempt_at=T + 10_000)  # not due
    with conn:
        conn.execute("UPDATE outbox SET status = 'queued' WHERE id = ?", (fresh,))
    assert defer_due(conn, now=T + 1, error="connection refused", base_delay=60, max_delay=90) == 2
    assert _status(conn, fresh)[:3] == ("queued", 1, "connection refused")
    assert _status(conn, fresh)[4] == T + 1 + 60
    assert _status(conn, once)[1:3] == (2, "connection refused")
    assert _status(conn, once)[4] == T + 1 + 90  # 120 capped at 90
    assert _status(conn, later)[1:] == (1, "x", None, T + 10_000, None)
    assert not conn.in_transaction
    # a long history stays bounded
    with conn:
        conn.execute(
            "UPDATE outbox SET attempts = 80, next_attempt_at = NULL WHERE id = ?", (fresh,)
        )
    assert defer_due(conn, now=T + 2, error="e", base_delay=60, max_delay=3600) == 1
    assert _status(conn, fresh)[4] == T + 2 + 3600


def test_deliver_now_makes_waiting_entries_due_but_never_failed_ones(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    waits, failed, due = (_queue(conn, m, T) for m in messages[:3])
    for _ in range(2):
        claim_next(conn, now=T)
    mark_retry(conn, waits, error="x", next_attempt_at=T + 900)
    mark_failed(conn, failed, error="550")
    assert make_due(conn, now=T + 900) == 0  # due at that moment already
    assert make_due(conn, now=T + 100) == 1
    assert _status(conn, waits)[4] == T + 100
    assert _status(conn, failed)[0] == "failed"
    assert _status(conn, due)[4] is None
    assert not conn.in_transaction


def test_sent_replies_wait_for_their_copy_in_the_sent_folder(
    conn: sqlite3.Connection, messages: list[int]
) -> None:
    first, second, unsent = (
        _queue(conn, m, T + i, f"m{i}".encode()) for i, m in enumerate(messages[:3])
    )
    for _ in range(2):
        claim_next(conn, now=T + 5)
    mark_sent(conn, second, now=T + 7)
    mark_sent(conn, first, now=T + 9)
    assert copies_to_file(conn) == [(first, b"m0", T + 9), (second, b"m1", T + 7)]
    assert copies_to_file(conn, limit=1) == [(first, b"m0", T + 9)]
    with conn:
        mark_copied(conn, first, now=T + 20)
    assert copies_to_file(conn) == [(second, b"m1", T + 7)]
    assert unsent not in [c[0] for c in copies_to_file(conn)]
    with conn:
        conn.execute("UPDATE outbox SET sent_at = NULL WHERE id = ?", (second,))
    assert copies_to_file(conn) == [(second, b"m1", T + 1)]  # falls back to queued_at


def _entry(**over: object) -> OutboxEntry:
    values: dict[str, object] = {
        "id": 1,
        "message_id": 1,
        "rfc_message_id": "<a@x>",
        "status": "queued",
        "attempts": 0,
        "last_error": None,
        "queued_at": T,
        "sent_at": None,
        "ticket_id": 1,
        "ticket_ref": "T-1",
        "to": (),
        "subject": "s",
    }
    values.update(over)
    return OutboxEntry(**values)  # type: ignore[arg-type]


def test_an_entry_describes_its_delivery_state() -> None:
    assert _entry().describe() == "queued"
    assert _entry(status="sending").describe() == "sending"
    assert _entry(status="failed", last_error="550 no").describe() == "failed: 550 no"
    assert _entry(status="failed").describe() == "failed: ?"
    assert (
        _entry(next_attempt_at=T + 60, last_error="421 later").describe()
        == f"queued, retry {when(T + 60)}: 421 later"
    )
    assert _entry(next_attempt_at=T + 60).describe() == f"queued, retry {when(T + 60)}: "
    assert _entry(status="sent", sent_at=T).describe() == f"sent {when(T)}"
    assert _entry(status="sending", next_attempt_at=T).describe() == "sending"
