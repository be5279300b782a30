"""At 80 columns the sync status line still shows its state and when it retries: the
server's long reason is what the terminal crops."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agentconsole.app import AgentConsole
from agentconsole.sync.secrets import store_password
from agentconsole.widgets.sync_status import SyncStatus
from tests.functional.test_console import settle
from tests.functional.test_console_sync import config_for, memory_keyring, with_account
from tests.keyring_backend import MemoryKeyring
from tests.outboxfactory import loopback_account
from tests.smtpserver import free_port

__all__ = ["memory_keyring"]  # the fixture, shared with the console sync tests


async def test_offline_keeps_its_retry_time_at_80_columns(
    console: Callable[..., AgentConsole], demo_db: Path, memory_keyring: MemoryKeyring
) -> None:
    imap_port = free_port()
    account = loopback_account(free_port(), imap_port=imap_port)
    store_password(account.secret_key, "pw")
    app = console(config_for(interval=60), with_account(demo_db, account))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen_stack[1].query_one(SyncStatus)
        reason = f"IMAP: connection refused by the IMAP server 127.0.0.1:{imap_port}"
        assert status.text == f"offline (retry in 60 s): {reason} (nothing listens)"
        shown = status.render_line(0).text
        assert status.size.width == 80  # one line: what does not fit is not shown
        assert shown.rstrip() == (
            "offline (retry in 60 s): IMAP: connection refused by the IMAP server"
        )
