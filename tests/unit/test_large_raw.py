"""A message over the large-message size keeps its raw bytes exact: spooled compressed
to a temporary file, then written into the store slice by slice. The size limits are
lowered here so that a small message takes the same path in many slices."""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path

import pytest

from agentconsole.ingest import prepare
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.mail.parse import Attachment, attachment_payloads
from agentconsole.store import open_db
from agentconsole.store.messages import get_message, raw_message
from agentconsole.store.raw import write_raw_in_slices
from tests.mailfactory import SUPPORT, make_config


def _with_attachment(payload: bytes, msgid: str) -> bytes:
    encoded = base64.encodebytes(payload).decode()
    return (
        f"From: Wang Fang <wang@example.com>\nTo: {SUPPORT}\nSubject: statement\n"
        f"Date: Mon, 05 Oct 2026 10:00:00 +0800\nMessage-ID: {msgid}\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=BOUND\n\n--BOUND\n"
        "Content-Type: text/plain; charset=utf-8\n\nMy statement is attached.\n--BOUND\n"
        "Content-Type: application/pdf\nContent-Disposition: attachment; filename=s.pdf\n"
        f"Content-Transfer-Encoding: base64\n\n{encoded}--BOUND--\n"
    ).encode()


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(prepare, "LARGE_RAW_BYTES", 64 * 1024)
    monkeypatch.setattr(prepare, "_COMPRESS_SLICE", 4096)
    return 64 * 1024


def test_a_large_message_is_stored_byte_for_byte(tmp_path: Path, small_limits: int) -> None:
    payload = os.urandom(150_000)
    large = _with_attachment(payload, "<big@x>")
    small = _with_attachment(b"%PDF tiny", "<small@x>")
    assert len(large) > small_limits > len(small)
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "a.eml").write_bytes(large)
    (tmp_path / "mail" / "b.eml").write_bytes(small)
    conn = open_db(tmp_path / "s.db").conn
    summary = run_import(conn, resolve_sources([tmp_path / "mail"]), make_config(), jobs=1)
    assert (summary.imported, summary.errors) == (2, [])
    assert [raw_message(conn, i) for i in (1, 2)] == [large, small]
    assert [get_message(conn, i).thread_rule for i in (1, 2)] == ["new", "subject-window"]
    big_id = 1
    [(attachment, content)] = attachment_payloads(raw_message(conn, big_id))
    assert attachment == Attachment(3, "s.pdf", "application/pdf", len(payload))
    [listed] = get_message(conn, big_id).attachments  # as the import numbered it
    assert (listed.part_index, listed.filename, listed.size) == (3, "s.pdf", len(payload))
    assert content == payload
    again = run_import(conn, resolve_sources([tmp_path / "mail"]), make_config(), jobs=1)
    assert (again.imported, again.duplicates) == (0, 2)
    assert raw_message(conn, big_id) == large


def test_spooled_raw_gives_back_its_compressed_bytes_in_slices(small_limits: int) -> None:
    import zlib

    raw = os.urandom(20_000) + b"x" * 30_000
    spooled = prepare.SpooledRaw.compress(raw)
    pieces = list(spooled.slices(1000))
    assert spooled.size == sum(map(len, pieces)) and all(len(p) == 1000 for p in pieces[:-1])
    assert zlib.decompress(b"".join(pieces)) == raw
    assert list(spooled.slices(1000)) == pieces  # read again from the start
    spooled.file.close()


def test_raw_slices_for_a_message_not_stored_write_nothing(conn: sqlite3.Connection) -> None:
    assert write_raw_in_slices(conn, b"no such key", 3, [b"abc"]) is False
    assert conn.execute("SELECT count(*) FROM raw_messages").fetchone() == (0,)


@pytest.mark.parametrize("length", [150_000, 150_001, 150_002])
def test_an_elided_attachment_has_its_exact_size(
    length: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A payload too large to read is hashed, not decoded; its size still comes out
    exact whatever base64 padding it ends with (it was 1 or 2 bytes too large)."""
    from agentconsole.mail import parse

    payload = os.urandom(length)
    raw = _with_attachment(payload, "<pad@x>")
    whole = parse.parse_message(raw)
    monkeypatch.setattr(parse, "ELIDE_MIN_BYTES", 64 * 1024)
    elided = parse.parse_message(raw)
    assert [a.size for a in elided.attachments] == [a.size for a in whole.attachments]
    assert [a.size for a in elided.attachments] == [length]
    assert elided.content_digest == whole.content_digest
