"""Automatic acknowledgement of new tickets (issue 8): only where a person wrote, at
most once a day per customer, marked as automatic, delivered by a real SMTP server
(aiosmtpd on loopback); every loop-protection case sends nothing."""

from __future__ import annotations

import email
import sqlite3
import time
from collections.abc import Iterator
from email import policy
from email.utils import format_datetime, formatdate

import pytest

from agentconsole.compose.acknowledge import acknowledge_new_tickets
from agentconsole.sync.smtp_out import deliver_outbox
from tests.mailfactory import SUPPORT, ingest, mail, make_config
from tests.outboxfactory import loopback_account
from tests.smtpserver import SmtpServer

NOW = int(time.time())
CONFIG = make_config(from_address="support@okwallet.example", agent_name="Lin", acknowledge=True)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


def recent(n: int, *, sender: str, hours_ago: float = 1, **extra: object) -> bytes:
    """Mail ``n`` from ``sender``, dated ``hours_ago`` hours before now."""
    date = formatdate(NOW - hours_ago * 3600, localtime=False)
    return mail(
        sender=sender,
        subject=f"Question {n}",
        body=f"Hello, this is question {n}.",
        msgid=f"<ack{n}@example.org>",
        date=date,
        **extra,  # type: ignore[arg-type]
    )


def sent_to(server: SmtpServer) -> list[tuple[str, ...]]:
    return [r.rcpt_tos for r in server.handler.received]


def deliver(conn: sqlite3.Connection, server: SmtpServer) -> None:
    deliver_outbox(conn, loopback_account(server.port), None, CONFIG)


def test_a_customer_gets_one_acknowledgement_with_the_reference(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    ingest(conn, [recent(1, sender="Wang Fang <wang@example.com>")], CONFIG)
    report = acknowledge_new_tickets(conn, CONFIG, now=NOW)
    assert report.queued == [(1, "wang@example.com")] and report.skipped == []
    deliver(conn, server)
    [received] = server.handler.received
    assert received.rcpt_tos == ("wang@example.com",)
    message = email.message_from_bytes(received.data, policy=policy.default)
    ref = conn.execute("SELECT ref FROM tickets").fetchone()[0]
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["Subject"] == f"Re: Question 1 [{ref}]"
    assert message["In-Reply-To"] == "<ack1@example.org>"
    body = message.get_body().get_content()  # type: ignore[union-attr]
    assert f"registered it as ticket {ref}" in body
    assert "Dear Wang Fang," in body and "Hello, this is question 1." not in body
    # automatic mail: not our first response, the ticket stays new, its clocks run on
    status, first = conn.execute("SELECT status, first_response_at FROM tickets").fetchone()
    assert (status, first) == ("new", None)
    stored = conn.execute(
        "SELECT direction, auto_kind FROM messages WHERE direction = 'out'"
    ).fetchall()
    assert stored == [("out", "auto_reply")]
    # a second pass (the next sync) acknowledges nothing again
    assert acknowledge_new_tickets(conn, CONFIG, now=NOW).queued == []


def test_a_chinese_customer_is_acknowledged_in_chinese(conn: sqlite3.Connection) -> None:
    raw = mail(
        sender="王小明 <wang@example.cn>",
        subject="提现没有到账",
        body="你好，我昨天的提现还没有到账。",
        msgid="<zh1@example.cn>",
        date=format_datetime_now(),
    )
    ingest(conn, [raw], CONFIG)
    assert acknowledge_new_tickets(conn, CONFIG, now=NOW).queued == [(1, "wang@example.cn")]
    body = conn.execute("SELECT body_text FROM messages WHERE direction = 'out'").fetchone()[0]
    assert "王小明" in body and "登记为工单 T-" in body


def format_datetime_now() -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(NOW - 600, UTC))


@pytest.mark.parametrize(
    ("sender", "headers", "hours_ago", "why"),
    [
        ("Wang <wang@example.com>", ["Auto-Submitted: auto-replied"], 1, "an auto-reply"),
        ("MAILER-DAEMON@mx.example.com", [], 1, "a bounce"),
        ("News <news@shop.example>", ["List-Id: <offers.shop.example>"], 1, "list mail"),
        ("Promo <promo@shop.example>", ["Precedence: bulk"], 1, "bulk mail"),
        (f"Ourselves <{SUPPORT}>", [], 1, "our own address"),
        ("Okwallet <support@okwallet.example>", [], 1, "the address we send from"),
        ("Wang <wang@example.com>", [], 30, "mail older than within_hours"),
    ],
)
def test_loop_protection_sends_nothing(
    conn: sqlite3.Connection,
    server: SmtpServer,
    sender: str,
    headers: list[str],
    hours_ago: float,
    why: str,
) -> None:
    ingest(conn, [recent(1, sender=sender, hours_ago=hours_ago, headers=headers)], CONFIG)
    acknowledge_new_tickets(conn, CONFIG, now=NOW)
    deliver(conn, server)
    assert sent_to(server) == [], why
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,), why


def test_at_most_one_a_day_per_customer(conn: sqlite3.Connection, server: SmtpServer) -> None:
    ingest(conn, [recent(1, sender="Wang <wang@example.com>", hours_ago=3)], CONFIG)
    acknowledge_new_tickets(conn, CONFIG, now=NOW)
    ingest(conn, [recent(2, sender="Wang <wang@example.com>", hours_ago=1)], CONFIG)
    report = acknowledge_new_tickets(conn, CONFIG, now=NOW)
    assert report.queued == []
    assert report.skipped == [(2, "the customer had an acknowledgement in the last 24 hours")]
    deliver(conn, server)
    assert sent_to(server) == [("wang@example.com",)]


def test_off_by_default(conn: sqlite3.Connection) -> None:
    config = make_config(from_address="support@okwallet.example")
    assert config.acknowledge is False
    ingest(conn, [recent(1, sender="Wang <wang@example.com>")], config)
    report = acknowledge_new_tickets(conn, config, now=NOW)
    assert (report.queued, report.skipped) == ([], [])
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)


def test_an_autoresponder_answering_the_acknowledgement_starts_no_loop(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    ingest(conn, [recent(1, sender="Wang <wang@example.com>", hours_ago=2)], CONFIG)
    acknowledge_new_tickets(conn, CONFIG, now=NOW)
    deliver(conn, server)
    ours = email.message_from_bytes(server.handler.received[0].data, policy=policy.default)
    # the customer's out-of-office answers our acknowledgement, on the thread and as a
    # new conversation: neither is acknowledged
    away = [
        recent(
            2,
            sender="Wang <wang@example.com>",
            headers=["Auto-Submitted: auto-replied", f"In-Reply-To: {ours['Message-ID']}"],
        ),
        mail(
            sender="Wang <wang@example.com>",
            subject="Out of office",
            body="I am away until Monday.",
            msgid="<away3@example.org>",
            date=format_datetime_now(),
            headers=["X-Autoreply: yes"],
        ),
    ]
    ingest(conn, away, CONFIG)
    later = NOW + 2 * 86400  # past the once-a-day limit, inside no window
    assert acknowledge_new_tickets(conn, CONFIG, now=NOW).queued == []
    assert acknowledge_new_tickets(conn, CONFIG, now=later).queued == []
    deliver(conn, server)
    assert sent_to(server) == [("wang@example.com",)]


def test_a_ticket_whose_first_mail_is_automatic_is_never_a_candidate(
    conn: sqlite3.Connection,
) -> None:
    """Import files automatic mail apart today; should a rule ever open a ticket with
    it (a bulk mail from a known customer), the acknowledgement still stays away."""
    from agentconsole.store.acknowledgements import ack_candidates

    ingest(conn, [recent(1, sender="Wang <wang@example.com>")], CONFIG)
    assert [c.ticket_id for c in ack_candidates(conn, since=NOW - 3600 * 24)] == [1]
    conn.execute("UPDATE messages SET auto_kind = 'bulk'")
    assert ack_candidates(conn, since=NOW - 3600 * 24) == []
