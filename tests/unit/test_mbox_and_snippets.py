"""Where each message of an mbox starts and ends (CRLF, leading blank lines, an empty
message, a From line inside a body), what a search hit's snippet shows, and the record
of a message stored raw because it could not be prepared."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from agentconsole.ingest.prepare import dedupe_key, prepare_quarantined
from agentconsole.mail.parse import quarantined
from agentconsole.mail.sources import MboxSource, NotAMailbox, Provenance, open_sources
from agentconsole.store.messages import search_messages
from tests.mailfactory import ingest, mail

ENVELOPE = b"From a@b Thu Jan  1 00:00:00 2026\n"


def _spans(tmp_path: Path, data: bytes) -> list[bytes]:
    path = tmp_path / "box.mbox"
    path.write_bytes(data)
    [source] = open_sources(path)
    assert isinstance(source, MboxSource)
    return [data[start : start + length] for start, length in source.spans()]


def test_mbox_boundaries(tmp_path: Path) -> None:
    crlf = ENVELOPE.replace(b"\n", b"\r\n")
    assert _spans(tmp_path, crlf + b"S: a\r\n\r\nbody\r\n\r\n" + crlf + b"S: b\r\n\r\nx\r\n") == [
        b"S: a\r\n\r\nbody\r\n",
        b"S: b\r\n\r\nx\r\n",
    ]
    assert _spans(tmp_path, b"\n\n" + ENVELOPE + b"S: a\n\nbody\n") == [b"S: a\n\nbody\n"]
    assert _spans(tmp_path, ENVELOPE + b"\n" + ENVELOPE + b"S: b\n\nx\n") == [b"", b"S: b\n\nx\n"]
    inside = ENVELOPE + b"S: a\n\nbody\n" + ENVELOPE + b"S: b\n\nx\n"
    assert _spans(tmp_path, inside) == [inside[len(ENVELOPE) :]]  # no blank line: body text
    assert _spans(tmp_path, ENVELOPE + b"S: a\n\nlast line without an end") == [
        b"S: a\n\nlast line without an end"
    ]


def test_text_that_starts_with_from_is_not_an_mbox(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"From here on we talk about money.\nNothing else.\n")
    with pytest.raises(NotAMailbox, match="not a mailbox and not a mail message"):
        open_sources(path)


def _snippet(conn: sqlite3.Connection, query: str) -> str:
    [hit] = search_messages(conn, query)
    return hit.snippet


def test_snippets_start_a_little_before_the_first_word_found(conn: sqlite3.Connection) -> None:
    words = [f"w{i:03d}" for i in range(100)]
    body = " ".join(words[:60]) + "  Refund\n\nplease " + " ".join(words[60:])
    ingest(conn, [mail(body=body, subject="s")])
    flat = " ".join(body.split())
    at = flat.find("Refund")
    assert _snippet(conn, "refund") == "\u2026" + flat[at - 40 : at - 40 + 120]
    assert _snippet(conn, "REFUND -w999") == "\u2026" + flat[at - 40 : at - 40 + 120]
    assert _snippet(conn, "w001") == flat[:120]  # near the start: no ellipsis
    assert _snippet(conn, '"w000 w001"') == flat[:120]


def test_a_snippet_without_the_word_in_the_body_is_its_start(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(subject="zebracorn", body="Short body\ntext.")])
    assert _snippet(conn, "zebracorn") == "Short body text."


def test_search_returns_twenty_hits_unless_asked(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid=f"<{i}@x>", sender=f"c{i}@example.com") for i in range(25)])
    assert len(search_messages(conn, "withdrawal")) == 20
    assert len(search_messages(conn, "withdrawal", limit=25)) == 25


def test_a_message_that_could_not_be_prepared_is_kept_raw_with_its_reason() -> None:
    raw = mail()
    where = Provenance("eml", path="/in/1.eml")
    reason = "cannot prepare: ValueError: " + "x" * 300
    prepared = prepare_quarantined(raw, where, reason)
    parsed = quarantined(raw, reason[:200])
    assert prepared.parsed == parsed and prepared.parsed.problems == [reason[:200]]
    assert (prepared.where, prepared.size, prepared.dedupe_key) == (
        where,
        len(raw),
        dedupe_key(parsed, raw),
    )
    assert zlib.decompress(prepared.raw_compressed) == raw and prepared.large_raw is None
    assert (prepared.fts_subject, prepared.fts_sender, prepared.fts_body) == ("", "", "")
    assert (prepared.category, prepared.priority, prepared.norm_subject) == ("other", "normal", "")
    assert prepared.identifiers == [] and json.loads(prepared.problems_json) == [reason[:200]]
