"""A skipped acknowledgement is said once: the ticket skipped for the daily limit is
skipped again at every ``sync`` and ``outbox --deliver`` for a day, and its line
would otherwise repeat each time. ``sync --json`` still lists every skip. Real
Dovecot, real SMTP (aiosmtpd), the real CLI."""

from __future__ import annotations

import email.utils
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run
from tests.dovecot import Dovecot
from tests.integration.test_sync import add_account, customer_mail
from tests.keyring_backend import KEYRING_FILE_ENV
from tests.smtpserver import SmtpServer

LIMIT = "the customer had an acknowledgement in the last 24 hours"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def env(
    cli_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    dovecot: Dovecot,
    smtp: SmtpServer,
) -> dict[str, str]:
    """The CLI with account ``support`` (Dovecot in, aiosmtpd out), acknowledgements on."""
    values = dict(cli_env)
    values["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.JsonFileKeyring"
    values[KEYRING_FILE_ENV] = str(tmp_path_factory.mktemp("keyring") / "keyring.json")
    add_account(values, dovecot, smtp.port)
    Path(values["AGENTCONSOLE_CONFIG"]).write_text("[acknowledge]\nenabled = true\n")
    return values


def said(stream: str) -> list[str]:
    return [line for line in stream.splitlines() if line.startswith("not acknowledged")]


def test_a_skip_for_the_daily_limit_is_said_once(
    env: dict[str, str], dovecot: Dovecot, smtp: SmtpServer
) -> None:
    now = email.utils.formatdate(localtime=False)
    same = "Customer 1 <c1@example.com>"
    dovecot.deliver("INBOX", customer_mail(1, date=now, sender=same))
    dovecot.deliver("INBOX", customer_mail(2, date=now, sender=same))
    first = run(env, "sync")
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        [(second_ref,)] = conn.execute(
            "SELECT t.ref FROM tickets t JOIN messages m ON m.ticket_id = t.id"
            " WHERE m.message_id LIKE '%q2@example.com%'"
        ).fetchall()
    assert said(first.stderr) == [f"not acknowledged: {second_ref}: {LIMIT}"]
    assert "acknowledged 1 new ticket: queued" in first.stderr
    again = run(env, "sync")
    assert said(again.stderr) == []
    delivered = run(env, "outbox", "--deliver")
    assert said(delivered.stdout + delivered.stderr) == []
    assert "sent 1, failed 0, still queued 0" in delivered.stdout
    assert [r.rcpt_tos for r in smtp.handler.received] == [("c1@example.com",)]
    # JSON is the whole picture, said before or not
    listed = json.loads(run(env, "sync", "--json").stdout)
    assert listed["acknowledged"] == 0
    assert listed["not_acknowledged"] == [{"ticket": second_ref, "reason": LIMIT}]


def test_outbox_deliver_says_a_new_skip_once(
    env: dict[str, str], dovecot: Dovecot, smtp: SmtpServer
) -> None:
    """``outbox --deliver`` queues the acknowledgements itself (no sync before it):
    it says the skip the first time, not the second."""
    now = email.utils.formatdate(localtime=False)
    same = "Customer 1 <c1@example.com>"
    dovecot.deliver("INBOX", customer_mail(1, date=now, sender=same))
    dovecot.deliver("INBOX", customer_mail(2, date=now, sender=same))
    run(env, "sync", "--json")  # mail in, nothing said (JSON)
    first = run(env, "outbox", "--deliver")
    assert len(said(first.stdout)) == 1 and said(first.stdout)[0].endswith(LIMIT)
    assert said(run(env, "outbox", "--deliver").stdout) == []
    assert len(smtp.handler.received) == 1
