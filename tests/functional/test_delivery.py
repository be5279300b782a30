"""Delivering the outbox to a real SMTP server (aiosmtpd on loopback), on a real store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from agentconsole.store.outbox import claim_next, list_outbox, outbox_raw
from agentconsole.sync.secrets import read_password, store_password
from agentconsole.sync.smtp_out import STALE_SECONDS, deliver_outbox
from tests.keyring_backend import MemoryKeyring
from tests.mailfactory import make_config
from tests.outboxfactory import loopback_account, queue_replies
from tests.smtpserver import SmtpServer, self_signed_cert

NOW = 1_800_000_000
CONFIG = make_config(from_address="support@okwallet.example")


class Clock:
    """A settable clock, so backoff can be checked to the second."""

    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


def rows(conn: sqlite3.Connection) -> list[tuple[int, str, int, str | None, int | None]]:
    return [
        (e.id, e.status, e.attempts, e.last_error, e.next_attempt_at)
        for e in sorted(list_outbox(conn), key=lambda e: e.id)
    ]


def events(conn: sqlite3.Connection, kind: str) -> list[dict[str, object]]:
    found = conn.execute("SELECT data FROM events WHERE kind = ? ORDER BY id", (kind,))
    return [json.loads(r[0]) for r in found]


def test_the_stored_bytes_go_out_unchanged_once(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    queue_replies(conn, 2)
    clock = Clock()
    report = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert (report.sent, report.failed, report.still_queued, report.server_error) == (2, 0, 0, None)
    received = server.received
    assert [r.data for r in received] == [outbox_raw(conn, 1), outbox_raw(conn, 2)]
    assert [(r.mail_from, r.rcpt_tos) for r in received] == [
        ("support@okwallet.example", ("c1@example.org",)),
        ("support@okwallet.example", ("c2@example.org",)),
    ]
    assert b"\r\nIn-Reply-To: <q1@example.org>\r\n" in received[0].data
    assert rows(conn) == [(1, "sent", 1, None, None), (2, "sent", 1, None, None)]
    assert [e.sent_at for e in list_outbox(conn)] == [NOW, NOW]
    assert [e["outbox"] for e in events(conn, "reply_sent")] == [1, 2]
    again = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert (again.sent, len(server.received)) == (0, 2)


def test_a_temporary_failure_stays_queued_and_keeps_its_message_id(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    queue_replies(conn, 1)
    message_id = list_outbox(conn)[0].rfc_message_id
    clock = Clock()
    server.handler.reply = "451 4.3.0 try again later"
    report = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert (report.sent, report.deferred, report.still_queued) == (0, 1, 1)
    assert report.next_attempt_at == NOW + 60
    assert rows(conn) == [(1, "queued", 1, "deferred: 451 4.3.0 try again later", NOW + 60)]
    server.handler.reply = "250 OK"
    early = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert (early.sent, early.deliveries, server.received) == (0, [], [])
    server.handler.reply = "451 4.3.0 still busy"
    clock.now += 60
    deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert rows(conn) == [(1, "queued", 2, "deferred: 451 4.3.0 still busy", NOW + 60 + 120)]
    server.handler.reply = "250 OK"
    clock.now += 120
    done = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert done.sent == 1
    [received] = server.received
    assert f"\r\nMessage-ID: {message_id}\r\n".encode() in received.data
    assert rows(conn)[0][:3] == (1, "sent", 3)


def test_a_permanent_failure_is_failed_on_the_ticket(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    queue_replies(conn, 1)
    server.handler.reply = "550 5.1.1 <c1@example.org>: no such user"
    report = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=Clock())
    assert (report.sent, report.failed, report.still_queued) == (0, 1, 0)
    reason = "rejected: 550 5.1.1 <c1@example.org>: no such user"
    assert rows(conn) == [(1, "failed", 1, reason, None)]
    [event] = events(conn, "reply_failed")
    assert event["reason"] == reason
    ticket = conn.execute("SELECT ticket_id FROM events WHERE kind = 'reply_failed'").fetchone()
    assert ticket == (1,)
    # the queue shows it: the ticket is tagged, with its own event saying why
    tags = conn.execute("SELECT ticket_id, tag FROM ticket_tags").fetchall()
    assert tags == [(1, "delivery-failed")]
    [tagged] = events(conn, "tag_added")
    assert tagged == {"tag": "delivery-failed", "from": "delivery"}


def test_a_dead_server_loses_nothing_and_sends_once_when_back(conn: sqlite3.Connection) -> None:
    queue_replies(conn, 3)
    server = SmtpServer()
    clock = Clock()
    down = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert down.server_error is not None and down.server_error.kind == "refused"
    assert str(down.server_error) == (
        f"connection refused by the SMTP server 127.0.0.1:{server.port} (nothing listens)"
    )
    assert (down.deferred, down.still_queued, down.next_attempt_at) == (3, 3, NOW + 60)
    assert {r[1:3] for r in rows(conn)} == {("queued", 1)}
    server.start()
    try:
        clock.now += 60
        up = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
        clock.now += 3600
        deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    finally:
        server.stop()
    assert (up.sent, up.still_queued) == (3, 0)
    ids = sorted(e.rfc_message_id for e in list_outbox(conn))
    got = sorted(
        line.split(b": ", 1)[1].decode()
        for r in server.received
        for line in r.data.split(b"\r\n")
        if line.startswith(b"Message-ID: ")
    )
    assert got == ids


def test_a_row_left_sending_by_a_crash_is_sent_again(
    conn: sqlite3.Connection, server: SmtpServer
) -> None:
    queue_replies(conn, 1)
    clock = Clock()
    assert claim_next(conn, now=NOW) is not None  # a sender that then died
    clock.now += STALE_SECONDS - 1
    fresh = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert (fresh.sent, rows(conn)[0][1]) == (0, "sending")
    clock.now += 2
    late = deliver_outbox(conn, loopback_account(server.port), None, CONFIG, clock=clock)
    assert late.sent == 1 and len(server.received) == 1


def test_never_to_our_own_support_address(conn: sqlite3.Connection, server: SmtpServer) -> None:
    queue_replies(conn, 1)
    ours = make_config(support_addresses=("support@okwallet.example", "c1@example.org"))
    report = deliver_outbox(conn, loopback_account(server.port), None, ours, clock=Clock())
    reason = "not sent: c1@example.org is one of our own support addresses (mail loop)"
    assert (report.failed, server.received) == (1, [])
    assert rows(conn) == [(1, "failed", 1, reason, None)]
    assert events(conn, "reply_failed")[0]["reason"] == reason


def test_never_to_the_address_we_send_from(conn: sqlite3.Connection, server: SmtpServer) -> None:
    queue_replies(conn, 1)
    account = loopback_account(server.port, from_address="C1@Example.org")
    report = deliver_outbox(conn, account, None, CONFIG, clock=Clock())
    assert (report.failed, server.received) == (1, [])
    assert rows(conn)[0][3] == (
        "not sent: c1@example.org is one of our own support addresses (mail loop)"
    )


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_auth_with_the_keyring_password(
    conn: sqlite3.Connection, memory_keyring: MemoryKeyring
) -> None:
    queue_replies(conn, 1)
    account = loopback_account(0)
    store_password(account.secret_key, "pässwörd-1")
    server = SmtpServer(user=account.smtp_user, password="pässwörd-1").start()
    try:
        account = loopback_account(server.port)
        wrong = deliver_outbox(conn, account, "not it", CONFIG, clock=Clock())
        assert wrong.server_error is not None and wrong.server_error.kind == "auth"
        assert rows(conn) == [(1, "queued", 0, None, None)]
        report = deliver_outbox(
            conn, account, read_password(account.secret_key), CONFIG, clock=Clock()
        )
    finally:
        server.stop()
    assert report.sent == 1
    assert server.logins == ["agent@okwallet.example"]


def test_delivery_over_starttls_with_auth(
    conn: sqlite3.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    queue_replies(conn, 1)
    server = SmtpServer(
        user="agent@okwallet.example", password="s3cret", tls="starttls", cert=cert
    ).start()
    try:
        account = loopback_account(server.port, smtp_security="starttls")
        report = deliver_outbox(conn, account, "s3cret", CONFIG, clock=Clock())
    finally:
        server.stop()
    assert (report.sent, report.server_error) == (1, None)
    assert server.logins == ["agent@okwallet.example"]
    assert [r.data for r in server.received] == [outbox_raw(conn, 1)]
