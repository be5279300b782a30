"""A sent reply's copy goes to the Sent folder of a real Dovecot, and a sync reading it
back stores nothing twice (issue 8), through the real entry point; SMTP is a real
aiosmtpd on loopback."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run
from tests.dovecot import Dovecot
from tests.integration.test_sync import add_account, customer_mail, keyring_env
from tests.smtpserver import SmtpServer

__all__ = ["keyring_env"]  # the fixture, shared with the sync tests


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def test_a_sent_reply_is_filed_in_sent_and_synced_back_once(
    keyring_env: dict[str, str], dovecot: Dovecot, smtp: SmtpServer, tmp_path: Path
) -> None:
    env = keyring_env
    dovecot.deliver("INBOX", customer_mail(1))
    add_account(env, dovecot, smtp_port=smtp.port)
    run(env, "sync")
    [ref] = [t["ref"] for t in json.loads(run(env, "tickets", "--json").stdout)["tickets"]]
    (tmp_path / "reply.txt").write_text("Your question has been answered in our FAQ.\n")
    run(env, "reply", ref, "--file", str(tmp_path / "reply.txt"))

    delivered = run(env, "outbox", "--deliver")
    assert delivered.stdout.splitlines()[-1] == "copied 1 message to the Sent folder"
    assert delivered.stderr == ""
    [sent] = smtp.handler.received
    assert "Sent" in dovecot.folders()
    assert list(dovecot.flags("Sent").values()) == [("\\Seen",)]
    with dovecot.connect() as client:
        client.select_folder("Sent", readonly=True)
        [uid] = client.search("ALL")
        filed = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    assert filed.replace(b"\r\n", b"\n") == sent.data.replace(b"\r\n", b"\n")

    # the next sync follows Sent: the copy is recognised, not stored again
    report = json.loads(run(env, "sync", "--json").stdout)["accounts"][0]
    assert {f["folder"]: f["fetched"] for f in report["folders"]} == {"INBOX": 0, "Sent": 1}
    assert (report["imported"], report["duplicates"]) == (0, 1)
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        outgoing = conn.execute("SELECT count(*) FROM messages WHERE direction = 'out'").fetchone()
        where = conn.execute(
            "SELECT l.folder FROM message_locations l JOIN messages m ON m.id = l.message_id"
            " WHERE m.direction = 'out' AND l.kind = 'imap'"
        ).fetchall()
        copied = conn.execute("SELECT sent_copy_at IS NOT NULL FROM outbox").fetchall()
    assert outgoing == (1,) and where == [("Sent",)] and copied == [(1,)]
    # nothing is filed twice
    again = run(env, "outbox", "--deliver")
    assert "Sent folder" not in again.stdout
    assert len(dovecot.flags("Sent")) == 1
