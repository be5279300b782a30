"""Each threading rule, with the case where it must not apply."""

from __future__ import annotations

import sqlite3

from agentconsole.store.messages import ticket_messages
from tests.mailfactory import SUPPORT, ingest, mail, make_config

# Our answer to the default customer mail (<c1@example.com>), two hours later.
OUR_REPLY = mail(
    sender=SUPPORT,
    to="wang@example.com",
    subject="Re: Withdrawal not received",
    msgid="<r1@okwallet.example>",
    in_reply_to="<c1@example.com>",
    date="Mon, 05 Oct 2026 12:00:00 +0800",
)


def _rules(conn: sqlite3.Connection) -> list[tuple[int | None, str]]:
    return conn.execute("SELECT ticket_id, thread_rule FROM messages ORDER BY id").fetchall()


def test_in_reply_to_joins_the_ticket(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                sender=f"Support <{SUPPORT}>",
                to="wang@example.com",
                subject="Re: other words",
                msgid="<r1@okwallet.example>",
                in_reply_to="<c1@example.com>",
                date="Mon, 05 Oct 2026 12:00:00 +0800",
            ),
        ],
    )
    assert _rules(conn) == [(1, "new"), (1, "in-reply-to")]


def test_references_join_when_in_reply_to_is_unknown(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                msgid="<c2@example.com>",
                subject="totally different",
                in_reply_to="<unknown@x>",
                references="<c1@example.com> <unknown@x>",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            ),
        ],
    )
    assert _rules(conn)[1] == (1, "references")


def test_subject_reference_from_a_participant(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                msgid="<c2@example.com>",
                subject="Still waiting [T-1]",
                date="Wed, 07 Oct 2026 10:00:00 +0800",
            ),
        ],
    )
    assert _rules(conn)[1] == (1, "subject-ref")


def test_stranger_using_a_ticket_reference_does_not_join(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                sender="Mallory <mallory@evil.example>",
                msgid="<e1@evil.example>",
                subject="Re: Withdrawal not received [T-1]",
                date="Wed, 07 Oct 2026 10:00:00 +0800",
            ),
        ],
    )
    ticket_id, rule = _rules(conn)[1]
    assert ticket_id == 2 and rule == "new"
    detail = conn.execute("SELECT thread_detail FROM messages WHERE id = 2").fetchone()[0]
    assert "not a participant" in detail


def test_same_customer_same_subject_within_window(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>", subject="提现失败"),
            mail(
                msgid="<c2@example.com>",
                subject="回复：提现失败",
                date="Thu, 08 Oct 2026 10:00:00 +0800",
                body="> 提现失败\n请尽快处理",
            ),
        ],
    )
    assert _rules(conn)[1] == (1, "subject-window")


def test_same_subject_outside_the_window_is_a_new_ticket(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>", subject="提现失败"),
            mail(
                msgid="<c2@example.com>", subject="提现失败", date="Mon, 30 Nov 2026 10:00:00 +0800"
            ),
        ],
    )
    assert _rules(conn)[1] == (2, "new")


def test_window_is_configurable(conn: sqlite3.Connection) -> None:
    raws = [
        mail(msgid="<c1@example.com>", subject="x y"),
        mail(msgid="<c2@example.com>", subject="Re: x y", date="Sat, 10 Oct 2026 10:00:00 +0800"),
    ]
    ingest(conn, raws, make_config(subject_window_days=2))
    assert _rules(conn)[1] == (2, "new")


def test_same_subject_from_another_customer_is_a_new_ticket(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>", subject="提现失败"),
            mail(sender="li@example.com", msgid="<c2@example.com>", subject="提现失败"),
        ],
    )
    assert _rules(conn)[1] == (2, "new")


def test_bounce_of_our_reply_joins_the_original_ticket(conn: sqlite3.Connection) -> None:
    bounce = (
        b"From: MAILER-DAEMON@mx.example\nTo: support@okwallet.example\nSubject: Undelivered\n"
        b"Date: Mon, 05 Oct 2026 13:00:00 +0800\nMessage-ID: <b1@mx.example>\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
        b"--R\nContent-Type: text/plain\n\nmailbox full\n--R\nContent-Type: text/rfc822-headers\n\n"
        b"Message-ID: <r1@okwallet.example>\n--R--\n"
    )
    summary = ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            OUR_REPLY,
            bounce,
        ],
    )
    assert _rules(conn)[2] == (1, "bounce-original")
    assert summary.bounces == 1 and summary.tickets_created == 1


def test_auto_reply_joins_but_does_not_count_as_customer_reply(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            OUR_REPLY,
            mail(
                msgid="<ooo@example.com>",
                subject="Out of office",
                in_reply_to="<r1@okwallet.example>",
                headers=["Auto-Submitted: auto-replied"],
                date="Mon, 05 Oct 2026 12:01:00 +0800",
            ),
        ],
    )
    status, last_customer = conn.execute(
        "SELECT status, last_customer_at FROM tickets WHERE id = 1"
    ).fetchone()
    assert status == "pending"  # still waiting for the customer, not reopened
    first = conn.execute("SELECT date FROM messages WHERE id = 1").fetchone()[0]
    assert last_customer == first
    assert [m.auto_kind for m in ticket_messages(conn, 1)] == [None, None, "auto_reply"]


def test_imported_history_whose_last_message_is_ours_stays_out_of_the_queue(
    conn: sqlite3.Connection,
) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            OUR_REPLY,
        ],
    )
    row = conn.execute("SELECT status, first_response_at FROM tickets").fetchone()
    our_reply_date = conn.execute("SELECT date FROM messages WHERE id = 2").fetchone()[0]
    assert row == ("pending", our_reply_date)


def test_customer_writing_after_our_reply_reopens(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            OUR_REPLY,
            mail(
                msgid="<c2@example.com>",
                in_reply_to="<r1@okwallet.example>",
                date="Tue, 06 Oct 2026 12:00:00 +0800",
            ),
        ],
    )
    assert conn.execute("SELECT status FROM tickets").fetchone()[0] == "open"
    kinds = [r[0] for r in conn.execute("SELECT kind FROM events WHERE ticket_id = 1 ORDER BY id")]
    assert kinds.count("status") == 2


def test_list_mail_is_unfiled(conn: sqlite3.Connection) -> None:
    summary = ingest(conn, [mail(headers=["List-Id: <news.example.org>"])])
    assert summary.unfiled == 1 and summary.tickets_created == 0
    assert _rules(conn) == [(None, "unfiled")]
