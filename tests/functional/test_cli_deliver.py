"""``agentconsole outbox --deliver`` through the real entry point, to a real SMTP server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.cli import run
from tests.functional.test_cli_account import (
    PASSWORD,
    account_env,
    add_args,
    keyring_file,
    leaked,
    run_in,
)
from tests.outboxfactory import store_with_replies
from tests.smtpserver import SmtpServer

__all__ = ["account_env", "keyring_file"]  # fixtures shared with the account tests


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer(user="agent@okwallet.example", password=PASSWORD).start()
    yield running
    running.stop()


def with_account(env: dict[str, str], port: int, replies: int) -> None:
    store_with_replies(Path(env["AGENTCONSOLE_DB"]), replies)
    added = run_in(env, PASSWORD, *add_args(smtp_port=port))
    assert added.returncode == 0, added.stderr


def test_without_an_account_it_says_how_to_add_one(account_env: dict[str, str]) -> None:
    store_with_replies(Path(account_env["AGENTCONSOLE_DB"]), 1)
    result = run(account_env, "outbox", "--deliver", check=False)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "error: no mail account to send with: add one with `agentconsole account add`",
    )


def test_a_mistyped_db_is_an_error_and_creates_nothing(
    account_env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.db"
    result = run(account_env, "--db", str(missing), "outbox", "--deliver", check=False)
    assert (result.returncode, result.stderr.strip()) == (2, f"error: {missing}: no such database")
    assert not missing.exists()


def test_deliver_sends_logs_in_and_reports(
    account_env: dict[str, str], server: SmtpServer, tmp_path: Path
) -> None:
    with_account(account_env, server.port, 2)
    result = run(account_env, "outbox", "--deliver")
    lines = result.stdout.splitlines()
    tickets = json.loads(run(account_env, "tickets", "--json").stdout)["tickets"]
    refs = {f"Re: {t['subject']}": t["ref"] for t in tickets}
    assert lines[:2] == [
        f"[{n}/2] {refs[f'Re: Question number {n}']} to c{n}@example.org: sent" for n in (1, 2)
    ]
    assert lines[2] == "sent 2, failed 0, still queued 0"
    assert server.logins == ["agent@okwallet.example"]
    assert len(server.received) == 2
    listing = json.loads(run(account_env, "outbox", "--json").stdout)
    assert [e["status"] for e in listing["outbox"]] == ["sent", "sent"]
    assert leaked(tmp_path, result.stdout, result.stderr, json.dumps(listing)) == []


def test_an_account_without_smtp_login_sends_without_logging_in(
    account_env: dict[str, str], server: SmtpServer
) -> None:
    """Delivery and ``account test`` agree: --smtp-no-login never logs in, even where
    the server offers AUTH (a relay that trusts this machine takes the mail)."""
    store_with_replies(Path(account_env["AGENTCONSOLE_DB"]), 1)
    added = run_in(account_env, PASSWORD, *add_args(smtp_port=server.port), "--smtp-no-login")
    assert added.returncode == 0, added.stderr
    result = run(account_env, "outbox", "--deliver")
    assert result.stdout.splitlines()[-1] == "sent 1, failed 0, still queued 0"
    assert (server.logins, len(server.received)) == ([], 1)


def test_a_server_without_auth_gets_the_mail_unauthenticated(account_env: dict[str, str]) -> None:
    """As ``account test`` says (with a warning): no AUTH offered, no login tried."""
    relay = SmtpServer().start()
    try:
        with_account(account_env, relay.port, 1)
        result = run(account_env, "outbox", "--deliver")
    finally:
        relay.stop()
    assert result.stdout.splitlines()[-1] == "sent 1, failed 0, still queued 0"
    assert len(relay.received) == 1


def test_a_rejected_reply_shows_as_failed_everywhere(
    account_env: dict[str, str], server: SmtpServer
) -> None:
    with_account(account_env, server.port, 1)
    server.handler.reply = "550 5.7.1 relaying denied"
    result = run(account_env, "outbox", "--deliver", check=False)
    assert result.returncode == 1
    [ref] = [t["ref"] for t in json.loads(run(account_env, "tickets", "--json").stdout)["tickets"]]
    assert result.stdout.splitlines() == [
        f"[1/1] {ref} to c1@example.org: failed — rejected: 550 5.7.1 relaying denied",
        "sent 0, failed 1, still queued 0",
    ]
    listing = run(account_env, "outbox").stdout
    assert "failed permanently: rejected: 550 5.7.1 relaying denied" in listing
    assert listing.splitlines()[-1] == (
        "1 failed permanently: not sent again (the reason is above and on the ticket)"
    )
    shown = json.loads(run(account_env, "show", ref, "--json").stdout)
    [failed] = [e for e in shown["events"] if e["kind"] == "reply_failed"]
    assert failed["data"]["reason"] == "rejected: 550 5.7.1 relaying denied"
    assert (
        "  delivery: failed: rejected: 550 5.7.1 relaying denied"
        in run(account_env, "show", ref).stdout.splitlines()
    )


def test_a_server_that_is_down_keeps_the_queue(account_env: dict[str, str]) -> None:
    server = SmtpServer(user="agent@okwallet.example", password=PASSWORD)
    with_account(account_env, server.port, 1)
    result = run(account_env, "outbox", "--deliver", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: connection refused by the SMTP server 127.0.0.1:{server.port} (nothing listens)"
    )
    assert result.stdout.strip().startswith("sent 0, failed 0, still queued 1 (next attempt ")
    listing = run(account_env, "outbox").stdout
    assert "queued: next retry at " in listing and "connection refused" in listing


def test_two_processes_send_each_reply_exactly_once(
    account_env: dict[str, str], server: SmtpServer, tmp_path: Path
) -> None:
    with_account(account_env, server.port, 12)
    command = [sys.executable, "-m", "agentconsole", "outbox", "--deliver"]
    senders = [
        subprocess.Popen(
            command, env=account_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [s.communicate(timeout=120) for s in senders]
    assert [s.returncode for s in senders] == [0, 0], outputs
    sent = [int(out.splitlines()[-1].split(",")[0].split()[1]) for out, _ in outputs]
    assert sum(sent) == 12
    ids = [
        line
        for r in server.received
        for line in r.data.split(b"\r\n")
        if line.startswith(b"Message-ID: ")
    ]
    assert len(ids) == 12 and len(set(ids)) == 12
    listing = json.loads(run(account_env, "outbox", "--json").stdout)
    assert {e["status"] for e in listing["outbox"]} == {"sent"}
    assert leaked(tmp_path, *(o for pair in outputs for o in pair)) == []


def test_deliver_bad_input_exits_2(account_env: dict[str, str], server: SmtpServer) -> None:
    with_account(account_env, server.port, 1)
    assert run_in(account_env, PASSWORD, *add_args(name="other")).returncode == 0
    cases = {
        ("outbox", "--deliver"): "error: several accounts (other, support):"
        " say which with --account NAME",
        ("outbox", "--account", "support"): "error: --account goes with --deliver",
        ("outbox", "--now"): "error: --now goes with --deliver",
        ("outbox", "--deliver", "--json"): "error: --deliver prints lines, not JSON:"
        " list with `agentconsole outbox --json`",
    }
    for args, message in cases.items():
        result = run(account_env, *args, check=False)
        assert (result.returncode, result.stderr.strip()) == (2, message)
    missing = run(account_env, "outbox", "--deliver", "--account", "nope", check=False)
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: no account named 'nope'")
    assert server.received == []
    sent = run(account_env, "outbox", "--deliver", "--account", "support")
    assert sent.stdout.splitlines()[-1] == "sent 1, failed 0, still queued 0"


def test_deliver_acknowledges_new_tickets_when_switched_on(
    account_env: dict[str, str], server: SmtpServer, tmp_path: Path
) -> None:
    Path(account_env["AGENTCONSOLE_CONFIG"]).write_text(
        '[compose]\nfrom_address = "support@okwallet.example"\n\n'
        "[acknowledge]\nenabled = true\nwithin_hours = 48\n"
    )
    fresh = tmp_path / "fresh.eml"
    fresh.write_bytes(
        b"From: Wang Fang <wang@example.com>\r\nTo: support@okwallet.example\r\n"
        b"Subject: Where is my top-up\r\nMessage-ID: <fresh1@example.com>\r\n"
        + f"Date: {formatdate()}\r\n\r\nMy top-up is missing.\r\n".encode()
    )
    run(account_env, "import", str(fresh))
    added = run_in(account_env, PASSWORD, *add_args(smtp_port=server.port))
    assert added.returncode == 0, added.stderr
    result = run(account_env, "outbox", "--deliver")
    [ref] = [t["ref"] for t in json.loads(run(account_env, "tickets", "--json").stdout)["tickets"]]
    assert result.stdout.splitlines() == [
        "acknowledged 1 new ticket",
        f"[1/1] {ref} to wang@example.com: sent",
        "sent 1, failed 0, still queued 0",
    ]
    [received] = server.handler.received
    assert b"Auto-Submitted: auto-replied" in received.data
    again = run(account_env, "outbox", "--deliver", check=False)
    assert again.stdout.splitlines()[0] == "nothing due: 0 messages queued"


def listing_of(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """``outbox --json``'s state of each entry (oldest first), and the listing's last lines."""
    data = json.loads(run(env, "outbox", "--json").stdout)
    states = [e["state"] for e in sorted(data["outbox"], key=lambda e: e["id"])]
    return states, run(env, "outbox").stdout.splitlines()


def test_outbox_says_why_mail_waits_and_now_retries_before_the_backoff(
    account_env: dict[str, str],
) -> None:
    server = SmtpServer(user="agent@okwallet.example", password=PASSWORD)
    with_account(account_env, server.port, 2)
    states, lines = listing_of(account_env)
    assert states == ["queued: due now", "queued: due now"]
    assert lines[-1] == "2 messages due now: send with `agentconsole outbox --deliver`"
    down = run(account_env, "outbox", "--deliver", check=False)
    assert down.returncode == 1
    data = json.loads(run(account_env, "outbox", "--json").stdout)
    [due] = {e["next_attempt_at"] for e in data["outbox"]}
    retry = time.strftime("%Y-%m-%d %H:%M", time.localtime(due))
    refused = f"connection refused by the SMTP server 127.0.0.1:{server.port} (nothing listens)"
    states, lines = listing_of(account_env)
    assert states == [f"queued: next retry at {retry} ({refused})"] * 2
    assert lines[-1] == (
        f"2 messages waiting to retry after a temporary failure, the next at {retry}:"
        " `agentconsole outbox --deliver --now` tries them now"
    )
    server.handler.refused["c1@example.org"] = "550 5.1.1 no such user"
    server.start()
    try:
        waiting = run(account_env, "outbox", "--deliver")
        assert waiting.stdout.splitlines()[0] == "nothing due: 2 messages queued"
        assert server.received == []
        now = run(account_env, "outbox", "--deliver", "--now", check=False)
        assert now.returncode == 1  # one reply failed permanently
        assert now.stdout.splitlines()[0] == "retrying 2 messages now, before their retry time"
        assert now.stdout.splitlines()[3] == "sent 1, failed 1, still queued 0"
        again = run(account_env, "outbox", "--deliver", "--now")
        assert again.stdout.splitlines() == [
            "nothing due: 0 messages queued",
            "sent 0, failed 0, still queued 0",
        ]
    finally:
        server.stop()
    assert [r.rcpt_tos for r in server.received] == [("c2@example.org",)]
    states, lines = listing_of(account_env)
    assert states == ["failed permanently: rejected: 550 5.1.1 no such user", "sent"]
    assert lines[-1] == (
        "1 failed permanently: not sent again (the reason is above and on the ticket)"
    )


def test_reply_says_what_its_mail_waits_for_when_there_is_an_account(
    account_env: dict[str, str], server: SmtpServer, tmp_path: Path
) -> None:
    with_account(account_env, server.port, 1)
    [ref] = [t["ref"] for t in json.loads(run(account_env, "tickets", "--json").stdout)["tickets"]]
    answer = tmp_path / "answer.txt"
    answer.write_text("Your parcel left our warehouse today; it arrives on Friday.\n")
    replied = run(account_env, "reply", ref, "--file", str(answer))
    assert replied.stdout.splitlines()[-1] == (
        "it waits in the outbox: send it with `agentconsole outbox --deliver`"
    )
    assert run(account_env, "outbox").stdout.splitlines()[-1] == (
        "2 messages due now: send with `agentconsole outbox --deliver`"
    )
