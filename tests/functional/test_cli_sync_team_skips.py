"""What ``agentconsole sync`` says about the team log beyond the counts: why each
foreign message was skipped, and how many teammates' events wait for mail not here."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.dovecot import Dovecot
from tests.functional.test_cli_claim import REF, agent_env
from tests.teamlog import ticket_mail

HOSTILE = (
    b"From: x@example.com\r\nSubject: \x1b[31mred\r\n"
    b"Content-Type: application/vnd.agentconsole.event+json\r\n"
    b"Content-Transfer-Encoding: 7bit\r\n\r\n[bold]not base64[/bold]\x1b]0;title\x07\r\n"
)


def test_sync_says_why_each_foreign_message_was_skipped(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.create_folder("AgentConsole/Events")
    dovecot.deliver("AgentConsole/Events", HOSTILE)
    for number in range(6):
        dovecot.deliver("AgentConsole/Events", ticket_mail(number))
    alice = agent_env(tmp_path, "alice", dovecot, mail=False)
    synced = run(alice, "sync", "--folder", "INBOX")
    team = [line for line in synced.stderr.splitlines() if line.startswith("support: ")]
    assert team == [
        "support: team log: 0 changes published, 0 from teammates applied,"
        " 7 skipped as foreign or broken:",
        "support:   skipped message UID 1: not a base64 body",
        "support:   skipped message UID 2: not an agentconsole event (Content-Type text/plain)",
        "support:   skipped message UID 3: not an agentconsole event (Content-Type text/plain)",
        "support:   skipped message UID 4: not an agentconsole event (Content-Type text/plain)",
        "support:   skipped message UID 5: not an agentconsole event (Content-Type text/plain)",
        "support:   and 2 more",
    ]
    again = run(alice, "sync", "--folder", "INBOX")
    assert "team log" not in again.stderr  # read past once, never said again


def test_sync_counts_events_waiting_for_mail_not_here_yet(dovecot: Dovecot, tmp_path: Path) -> None:
    alice = agent_env(tmp_path, "alice", dovecot)  # has ticket 0's mail, imported
    bob = agent_env(tmp_path, "bob", dovecot, mail=False)  # has not
    assert run(alice, "claim", REF).stdout == f"{REF}: claimed by alice (you)\n"
    first = run(bob, "sync", "--folder", "INBOX")
    waiting = (
        "support: team log: 0 changes published, 0 from teammates applied,"
        " 1 event waiting for mail not here yet ({} new this round)"
    )
    assert waiting.format(1) in first.stderr.splitlines()
    second = run(bob, "sync", "--folder", "INBOX")
    assert waiting.format(0) in second.stderr.splitlines()
    dovecot.deliver("INBOX", ticket_mail(0))
    third = run(bob, "sync", "--folder", "INBOX")
    assert "support: team log: 0 changes published, 1 from teammates applied" in (
        third.stderr.splitlines()
    )


def test_the_sync_summary_says_one_message_and_one_ticket(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.deliver("INBOX", ticket_mail(0))
    alice = agent_env(tmp_path, "alice", dovecot, mail=False)
    synced = run(alice, "sync", "--folder", "INBOX")
    assert synced.stdout.splitlines()[-1] == (
        "support: 1 new message stored, 0 already stored, 1 new ticket, 0 follow-ups"
    )


def test_claim_names_the_insecure_keyring_it_reads_from(dovecot: Dovecot, tmp_path: Path) -> None:
    alice = agent_env(tmp_path, "alice", dovecot)
    plain = dict(alice, PYTHON_KEYRING_BACKEND="tests.keyring_backend.PlaintextKeyring")
    claimed = run(plain, "claim", REF, check=False)
    assert (claimed.returncode, claimed.stdout, claimed.stderr) == (
        0,
        f"{REF}: claimed by alice (you)\n",
        "warning: the keyring backend tests.keyring_backend.PlaintextKeyring stores passwords"
        " in plain text (accepted with --allow-insecure-keyring)\n",
    )
