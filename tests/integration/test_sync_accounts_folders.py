"""Which folders and accounts a sync reads (issue 8): ``--folder inbox`` is the
server's INBOX (the one name IMAP compares without case, RFC 3501), and one broken
account does not stop the others."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli import run
from tests.dovecot import Dovecot
from tests.integration.test_sync import customer_mail, keyring_env, sync, sync_env

__all__ = ["keyring_env", "sync_env"]  # the fixtures, shared with the sync tests


def test_inbox_in_any_case_is_the_inbox(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver("INBOX", customer_mail(1))
    report = sync(sync_env, "--folder", "inbox")
    assert [(f["folder"], f["fetched"]) for f in report["folders"]] == [("INBOX", 1)]
    refused = run(sync_env, "sync", "--folder", "sent", check=False)
    assert refused.returncode == 2
    assert "no folder 'sent' on the server" in refused.stderr


def test_a_broken_account_does_not_stop_the_others(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    add = subprocess.run(
        [sys.executable, "-m", "agentconsole", "account", "add", "--password-stdin"]
        + [
            "--name",
            "dns",
            "--imap-host",
            "no-such-host.invalid",
            "--imap-security",
            "plain",
            "--allow-plain",
        ]
        + ["--user", "x", "--smtp-host", "127.0.0.1", "--smtp-security", "plain"]
        + ["--from-address", "x@example.com"],
        env=sync_env,
        input="pw",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert add.returncode == 0, add.stderr
    dovecot.deliver("INBOX", customer_mail(1))
    result = run(sync_env, "sync", "--json", "--folder", "INBOX", check=False)
    assert result.returncode == 1, result.stderr
    accounts = {a["account"]: a for a in json.loads(result.stdout)["accounts"]}
    assert accounts["support"]["imported"] == 1
    assert accounts["dns"]["error"].startswith("dns: IMAP: ")
    assert "error: dns: IMAP: " in result.stderr
