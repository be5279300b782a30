"""``--folder inbox``: INBOX is the one folder name IMAP compares without case
(RFC 3501), so any spelling of it is the server's INBOX (issue 8)."""

from __future__ import annotations

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
