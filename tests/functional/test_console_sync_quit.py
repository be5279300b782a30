"""Quitting the console while its background sync reads a large first round: the
round stops between FETCH batches and the console ends at once, keeping what was
stored (issue 8). Real Dovecot, real SQLite, Textual's Pilot."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

from agentconsole.app import AgentConsole
from agentconsole.store import open_db
from agentconsole.store.accounts import Account
from agentconsole.sync.round import run_round
from tests.dovecot import Dovecot
from tests.functional.conftest import store
from tests.functional.test_console import SIZE
from tests.functional.test_console_sync import (
    account,
    config_for,
    memory_keyring,
    smtp,
    until,
    with_account,
)
from tests.mailfactory import mail

__all__ = ["account", "memory_keyring", "smtp"]  # the fixtures, shared

MESSAGES = 4000


def bulk_ids(db: Path) -> list[str]:
    """The Message-IDs of this test's messages in the store (a duplicate shows twice)."""
    conn = store(db)
    try:
        rows = conn.execute("SELECT message_id FROM messages WHERE message_id LIKE 'bulk%'")
        return sorted(str(r[0]) for r in rows)
    finally:
        conn.close()


def committed(db: Path, account: str) -> int:
    """How far the account's INBOX checkpoint got (0 before its first commit)."""
    conn = store(db)
    try:
        row = conn.execute(
            "SELECT last_uid FROM sync_checkpoints WHERE account = ? AND folder = 'INBOX'",
            (account,),
        ).fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def threads_in_app_code() -> list[str]:
    """The threads still running agentconsole code (a round, a watch, the parse
    pool's feeder). Textual's thread workers run in the event loop's default
    executor, whose idle threads live on until the test's loop closes: they are
    not counted, only threads with an agentconsole frame on their stack."""
    frames = sys._current_frames()
    busy = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or 0)
        stack = traceback.extract_stack(frame) if frame is not None else []
        if thread is not threading.current_thread() and any(
            "/agentconsole/" in entry.filename for entry in stack
        ):
            busy.append(thread.name)
    return busy


def settled(db: Path, account: str) -> int:
    """The checkpoint once the cancelled round has stopped moving it (its thread
    finishes the batch it is in)."""
    last, deadline = committed(db, account), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = committed(db, account)
        if now == last:
            return now
        last = now
    raise AssertionError("the round went on after the console quit")


async def test_quitting_during_a_large_round_ends_at_once_and_loses_nothing(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    padding = "Some more words about my order, to make it a real message. " * 20
    dovecot.deliver_many(
        "INBOX",
        [
            mail(
                sender=f"Customer {n} <bulk{n}@example.org>",
                subject=f"Order {n}",
                body=f"Order {n}. {padding}",
                msgid=f"<bulk{n:05}@example.org>",
                date=formatdate(time.time() - 60),
            )
            for n in range(MESSAGES)
        ],
    )
    db = with_account(demo_db, account)
    app = console(config_for(interval=3600), db)
    async with app.run_test(size=SIZE) as pilot:
        # no settle(): it waits for the workers, the round among them
        await until(pilot, lambda: committed(db, account.name) > 0, 60)  # the round is under way
        started = time.monotonic()
        await pilot.press("ctrl+q")
    took = time.monotonic() - started
    assert took < 2, f"{took:.1f} s"
    stopped_at = settled(db, account.name)
    assert 0 < stopped_at < MESSAGES, (stopped_at, took)
    assert threads_in_app_code() == []  # nothing of ours would keep the process alive
    assert len(bulk_ids(db)) == stopped_at  # what was stored is what the checkpoint says

    conn = open_db(db).conn
    try:
        result = run_round(conn, account, config_for(), password=dovecot.password)
    finally:
        conn.close()
    assert (result.offline, result.error) == ("", "")
    assert bulk_ids(db) == [f"bulk{n:05}@example.org" for n in range(MESSAGES)]
