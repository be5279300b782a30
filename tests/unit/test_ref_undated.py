"""A message without a Date: is dated when it is imported, so that date differs on
every machine and in every import; the ticket's ref must not follow it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from agentconsole.refs import message_ref
from agentconsole.store.db import connect
from tests.mailfactory import ingest, mail

UNDATED = mail(msgid="<undated@example.com>", date=None, subject="No date here")
REPLY = mail(
    msgid="<reply@example.com>",
    in_reply_to="<undated@example.com>",
    subject="Re: No date here",
    date="Mon, 05 Oct 2026 10:00:00 +0800",
)


def _ref_when_imported_at(tmp_path: Path, name: str, now: float) -> str:
    conn: sqlite3.Connection = connect(tmp_path / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: now)
        ingest(conn, [UNDATED, REPLY])
    [(ref,)] = conn.execute("SELECT ref FROM tickets WHERE merged_into IS NULL").fetchall()
    conn.close()
    return str(ref)


def test_the_ref_is_the_same_whenever_the_undated_message_was_imported(tmp_path: Path) -> None:
    before_reply = _ref_when_imported_at(tmp_path, "a.db", 1_780_000_000)  # 2026-05
    after_reply = _ref_when_imported_at(tmp_path, "b.db", 1_800_000_000)  # 2027-01
    assert before_reply == after_reply == message_ref("<reply@example.com>", b"")
