"""Stopping ``agentconsole sync`` in the middle of a large first sync (Ctrl-C, the
SIGTERM of a service manager or ``timeout``, a reader that closed the pipe), against a
real Dovecot through the real entry point: it ends within seconds, keeps what it
committed, and the next sync stores every message exactly once (issue 8)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.dovecot import Dovecot
from tests.integration.test_sync import customer_mail, keyring_env, stored_ids, sync, sync_env

__all__ = ["keyring_env", "sync_env"]  # the fixtures, shared with the sync tests

MESSAGES = 3000
PADDING = "All the details of my question, once more. " * 30
"""~1.3 KB a message: 4 MB in all, so the sync parses in its worker processes."""


@pytest.fixture
def big_inbox(dovecot: Dovecot) -> int:
    dovecot.deliver_many(
        "INBOX", [customer_mail(n, body=f"Question {n}. {PADDING}") for n in range(MESSAGES)]
    )
    return MESSAGES


def committed_uid(env: dict[str, str]) -> int:
    """How far INBOX's checkpoint got (0 before the first commit)."""
    try:
        with sqlite3.connect(env["AGENTCONSOLE_DB"], timeout=5) as conn:
            row = conn.execute(
                "SELECT last_uid FROM sync_checkpoints WHERE folder = 'INBOX'"
            ).fetchone()
    except sqlite3.OperationalError:  # the table is not there yet
        return 0
    return int(row[0]) if row else 0


def start_and_stop(
    env: dict[str, str], args: list[str], how: signal.Signals, *, pipe_closed: bool = False
) -> tuple[int, str, str, float]:
    """Start ``sync ARGS`` and send ``how`` to its process group (as ``timeout`` and a
    terminal's Ctrl-C do: the parse workers get it too) once some messages are
    committed; its exit status, stdout, stderr and how many seconds it took to end.
    ``pipe_closed``: stdout's reader is gone (``| head -c 600`` that has its bytes)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "sync", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    if pipe_closed:
        process.stdout.close()
    deadline = time.monotonic() + 120
    while committed_uid(env) == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "nothing committed in 2 minutes"
        time.sleep(0.02)
    os.killpg(process.pid, how)
    sent = time.monotonic()
    try:
        if pipe_closed:
            assert process.stderr is not None
            process.wait(timeout=30)
            out, err = "", process.stderr.read()
        else:
            out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError(f"still running 30 s after {how.name}") from None
    return process.returncode, out, err, time.monotonic() - sent


def assert_all_once_after_a_clean_sync(env: dict[str, str]) -> None:
    report = sync(env, "--folder", "INBOX")
    assert report["folders"][0]["last_uid"] == MESSAGES
    assert stored_ids(env) == sorted(f"q{n}@example.com" for n in range(MESSAGES))


def test_sigterm_during_a_first_watch_sync_ends_within_seconds(
    sync_env: dict[str, str], big_inbox: int
) -> None:
    args = ["--watch", "--json", "--account", "support", "--interval", "5", "--folder", "INBOX"]
    code, out, err, took = start_and_stop(sync_env, args, signal.SIGTERM)
    assert took < 5, f"{took:.1f} s"
    assert (code, err.strip().splitlines()[-1]) == (0, "sync stopped"), err
    [report] = [json.loads(line) for line in out.splitlines()]
    assert report["stopped"] is True
    last_uid = report["folders"][0]["last_uid"]
    assert 0 < last_uid < MESSAGES  # stopped in the middle, checkpoint as committed
    assert committed_uid(sync_env) == last_uid
    assert report["imported"] == last_uid
    assert_all_once_after_a_clean_sync(sync_env)


def test_sigterm_when_stdout_is_a_closed_pipe(sync_env: dict[str, str], big_inbox: int) -> None:
    args = ["--watch", "--json", "--account", "support", "--interval", "5", "--folder", "INBOX"]
    code, _out, err, took = start_and_stop(sync_env, args, signal.SIGTERM, pipe_closed=True)
    assert took < 5, f"{took:.1f} s"
    assert (code, err.strip().splitlines()[-1]) == (0, "sync stopped"), err
    assert "Traceback" not in err
    assert 0 < committed_uid(sync_env) < MESSAGES
    assert_all_once_after_a_clean_sync(sync_env)


def test_ctrl_c_during_a_one_off_sync_says_what_was_synced_and_exits_130(
    sync_env: dict[str, str], big_inbox: int
) -> None:
    code, out, err, took = start_and_stop(sync_env, ["--folder", "INBOX"], signal.SIGINT)
    assert took < 5, f"{took:.1f} s"
    assert (code, err.strip().splitlines()[-1]) == (130, "sync stopped"), err
    assert "Aborted" not in err
    last_uid = committed_uid(sync_env)
    assert 0 < last_uid < MESSAGES
    assert f"support: {last_uid:,} new messages stored, 0 already stored" in out
    assert_all_once_after_a_clean_sync(sync_env)
