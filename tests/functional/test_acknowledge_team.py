"""Automatic acknowledgements on a team's shared mailbox (issue 8): every machine may
have them switched on, yet a customer gets one, whoever's machine sent it. Real
Dovecot (the shared mailbox, its Sent folder and team log), real SMTP (aiosmtpd)."""

from __future__ import annotations

import email
import sqlite3
import time
from collections.abc import Iterator
from email import policy
from email.utils import formatdate
from pathlib import Path

import pytest

from agentconsole.compose.acknowledge import acknowledge_new_tickets
from agentconsole.config import Config
from agentconsole.domain import claims
from agentconsole.domain.tickets import update_ticket
from agentconsole.store import open_db
from agentconsole.store.accounts import Account
from agentconsole.sync.round import run_round
from tests.dovecot import Dovecot
from tests.mailfactory import ingest, mail, make_config
from tests.outboxfactory import loopback_account
from tests.smtpserver import SmtpServer

NOW = int(time.time())
SUPPORT_FROM = "support@okwallet.example"


def config_for(agent: str) -> Config:
    return make_config(
        agent=agent, from_address=SUPPORT_FROM, agent_name=agent.title(), acknowledge=True
    )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def account(dovecot: Dovecot, smtp: SmtpServer) -> Account:
    return loopback_account(
        smtp.port, imap_host=dovecot.host, imap_port=dovecot.port, user=dovecot.user
    )


def question(n: int) -> bytes:
    return mail(
        sender=f"Customer {n} <c{n}@example.org>",
        subject=f"Question {n}",
        body=f"Hello, this is question {n}.",
        msgid=f"<team-ack{n}@example.org>",
        date=formatdate(NOW - 600),
    )


def round_for(conn: sqlite3.Connection, account: Account, dovecot: Dovecot, agent: str) -> int:
    """One console round on ``agent``'s machine; how many it acknowledged."""
    result = run_round(conn, account, config_for(agent), password=dovecot.password)
    assert (result.offline, result.error) == ("", "")
    return result.acknowledged


def test_two_agents_with_acknowledgements_on_send_one_per_customer(
    tmp_path: Path, dovecot: Dovecot, smtp: SmtpServer, account: Account
) -> None:
    for n in (1, 2, 3):
        dovecot.deliver("INBOX", question(n))
    chen = open_db(tmp_path / "chen.db").conn
    bai = open_db(tmp_path / "bai.db").conn
    assert round_for(chen, account, dovecot, "chen") == 3  # sent, and copied to Sent
    assert round_for(bai, account, dovecot, "bai") == 0  # sees chen's in Sent and log
    assert round_for(chen, account, dovecot, "chen") == 0
    # a teammate joining later, with a fresh store, sends none either
    late = open_db(tmp_path / "late.db").conn
    assert round_for(late, account, dovecot, "dong") == 0
    received = sorted(r.rcpt_tos for r in smtp.handler.received)
    assert received == [("c1@example.org",), ("c2@example.org",), ("c3@example.org",)]
    # what bai's store knows: chen's acknowledgement, on the same ticket
    stored = bai.execute(
        "SELECT count(*) FROM messages WHERE direction = 'out' AND auto_kind = 'auto_reply'"
    ).fetchone()
    assert stored == (3,)


def test_a_teammates_acknowledgement_counts_for_the_daily_limit(
    tmp_path: Path, dovecot: Dovecot, smtp: SmtpServer, account: Account
) -> None:
    """Chen acknowledged customer 1's first question; customer 1 writes again the same
    hour: bai's machine, which never sent one itself, sends no second."""
    dovecot.deliver("INBOX", question(1))
    chen = open_db(tmp_path / "chen.db").conn
    bai = open_db(tmp_path / "bai.db").conn
    assert round_for(chen, account, dovecot, "chen") == 1
    again = mail(
        sender="Customer 1 <c1@example.org>",
        subject="Another thing",
        body="And another question.",
        msgid="<team-ack-again@example.org>",
        date=formatdate(NOW - 60),
    )
    dovecot.deliver("INBOX", again)
    assert round_for(bai, account, dovecot, "bai") == 0
    assert [r.rcpt_tos for r in smtp.handler.received] == [("c1@example.org",)]


def test_assigned_or_claimed_tickets_are_not_acknowledged(conn: sqlite3.Connection) -> None:
    config = config_for("lin")
    ingest(conn, [question(1), question(2), question(3)], config)
    update_ticket(conn, [1], "assignee", "ana", actor="ana")
    claims.ask(conn, 2, claims.CLAIM, "bo")
    with conn:
        claims.decide(conn, 2, claims.CLAIM, "bo", "uuid-claim-2", 1)
    report = acknowledge_new_tickets(conn, config, now=NOW)
    assert report.queued == [(3, "c3@example.org")] and report.skipped == []


def test_our_acknowledgement_never_renames_the_ticket_it_names(
    tmp_path: Path, dovecot: Dovecot, smtp: SmtpServer, account: Account
) -> None:
    """A customer's mail with no Message-ID and no Date: the ref comes from its bytes.
    Our acknowledgement (dated, with a Message-ID) syncs back from the Sent folder on
    every machine; the ticket keeps the ref the customer was told."""
    bare = mail(
        sender="Customer 9 <c9@example.org>",
        subject="No headers here",
        body="My payment is stuck.",
        msgid=None,
        date=None,
    )
    dovecot.deliver("INBOX", bare)
    chen = open_db(tmp_path / "chen.db").conn
    bai = open_db(tmp_path / "bai.db").conn
    assert round_for(chen, account, dovecot, "chen") == 1  # sent, copied to Sent
    [(told,)] = chen.execute("SELECT ref FROM tickets").fetchall()
    [received] = smtp.handler.received
    sent = email.message_from_bytes(received.data, policy=policy.default)
    assert sent["Subject"] == f"Re: No headers here [{told}]"
    body = sent.get_body().get_content()  # type: ignore[union-attr]
    assert f"registered it as ticket {told}" in body
    assert round_for(chen, account, dovecot, "chen") == 0  # the copy comes back from Sent
    assert round_for(bai, account, dovecot, "bai") == 0
    for store in (chen, bai):
        assert store.execute("SELECT ref FROM tickets").fetchall() == [(told,)]
        kinds = store.execute("SELECT direction FROM messages ORDER BY direction").fetchall()
        assert kinds == [("in",), ("out",)]
    assert len(smtp.handler.received) == 1


def test_a_round_that_cannot_read_the_mailbox_acknowledges_nothing(
    conn: sqlite3.Connection, smtp: SmtpServer
) -> None:
    """A teammate's acknowledgement may be waiting in Sent or the log, unread: the
    round leaves the new ticket for the next round that reads them."""
    ingest(conn, [question(1)], config_for("lin"))
    away = loopback_account(smtp.port)  # IMAP on 127.0.0.1:1, where nothing listens
    result = run_round(conn, away, config_for("lin"), password="secret")
    assert result.acknowledged == 0 and result.offline.startswith("IMAP"), result
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
    assert smtp.handler.received == []
