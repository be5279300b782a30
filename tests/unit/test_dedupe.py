"""A message is stored once however many copies are imported, and never merged with
a different message that shares its labels; every copy's location is recorded."""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import zlib
from pathlib import Path

from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.ingest.prepare import content_key
from agentconsole.mail.sources import Provenance
from agentconsole.store import open_db
from agentconsole.store.locations import Location, message_locations, record_location
from agentconsole.store.messages import raw_message
from tests.mailfactory import SUPPORT, ingest, mail, make_config
from tests.schema_history import DOWN_TO_V2

RECEIVED_A = "Received: from mx1.example.net by mail.okwallet.example; Mon, 5 Oct 2026 10:00:01"
RECEIVED_B = "Received: from mx7.other.example by imap.okwallet.example; Mon, 5 Oct 2026 10:03:09"


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _with_attachment(payload: bytes, *, wrap: int = 76, msgid: str = "<att@x>") -> bytes:
    encoded = base64.b64encode(payload).decode()
    lines = "\n".join(encoded[i : i + wrap] for i in range(0, len(encoded), wrap))
    return (
        f"From: Wang Fang <wang@example.com>\nTo: {SUPPORT}\nSubject: receipt\n"
        f"Date: Mon, 05 Oct 2026 10:00:00 +0800\nMessage-ID: {msgid}\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=BOUND\n\n--BOUND\n"
        "Content-Type: text/plain; charset=utf-8\n\nThe receipt is attached.\n--BOUND\n"
        "Content-Type: image/png\nContent-Disposition: attachment; filename=receipt.png\n"
        f"Content-Transfer-Encoding: base64\n\n{lines}\n--BOUND--\n"
    ).encode()


def test_copies_with_other_received_lines_and_line_ends_are_one_message(
    conn: sqlite3.Connection,
) -> None:
    original = mail(headers=[RECEIVED_A])
    copies = [original, mail(headers=[RECEIVED_B]), original.replace(b"\n", b"\r\n")]
    summary = ingest(conn, copies)
    assert (summary.imported, summary.duplicates) == (1, 2)
    assert _count(conn, "messages") == 1


def test_different_messages_sharing_id_sender_date_and_subject_are_both_kept(
    conn: sqlite3.Connection,
) -> None:
    first = mail(body="My withdrawal of 500 CNY has not arrived.")
    second = mail(body="Sorry, I meant the deposit of 300 CNY, not the withdrawal.")
    summary = ingest(conn, [first, second])
    assert (summary.imported, summary.duplicates) == (2, 0)
    ids = [r[0] for r in conn.execute("SELECT id FROM messages ORDER BY id")]
    assert [raw_message(conn, i) for i in ids] == [first, second]


def test_without_message_id_the_headers_and_content_decide(conn: sqlite3.Connection) -> None:
    first = mail(msgid=None, headers=[RECEIVED_A])
    same = mail(msgid=None, headers=[RECEIVED_B])
    other_body = mail(msgid=None, body="A different question.")
    other_date = mail(msgid=None, date="Tue, 06 Oct 2026 10:00:00 +0800")
    summary = ingest(conn, [first, same, other_body, other_date])
    assert (summary.imported, summary.duplicates) == (3, 1)


def test_attachments_are_part_of_the_content(conn: sqlite3.Connection) -> None:
    picture = os.urandom(3000)
    rewrapped = _with_attachment(picture, wrap=64)  # another mailer's line length
    changed = _with_attachment(os.urandom(3000))
    summary = ingest(conn, [_with_attachment(picture), rewrapped, changed])
    assert (summary.imported, summary.duplicates) == (2, 1)


def test_mbox_from_quoting_does_not_make_a_copy_different(conn: sqlite3.Connection) -> None:
    body = "See below.\n\nFrom the app I get error 4032."
    maildir_copy = mail(body=body, cte="8bit")
    mbox_copy = mail(body=body.replace("\nFrom ", "\n>From "), cte="8bit")
    summary = ingest(conn, [maildir_copy, mbox_copy])
    assert (summary.imported, summary.duplicates) == (1, 1)


def test_large_attachment_keys_agree_whether_elided_or_not() -> None:
    """Over 1 MB, base64 payloads are hashed without parsing; the key is the same as
    the parser's, for an LF copy and a CRLF copy (which differ in size)."""
    payload = os.urandom(900_000)
    small = _with_attachment(payload[:100])
    large = _with_attachment(payload)
    assert len(large) > 1024 * 1024
    assert content_key(large) == content_key(large.replace(b"\n", b"\r\n"))
    assert content_key(large) == content_key(_with_attachment(payload, wrap=60))
    assert content_key(large) != content_key(_with_attachment(payload[:-1] + b"!"))
    assert content_key(small) == content_key(small.replace(b"\n", b"\r\n"))


def test_every_copy_is_a_location_and_reimport_adds_none(tmp_path: Path) -> None:
    conn = open_db(memory=True).conn
    mbox = tmp_path / "export.mbox"
    mbox.write_bytes(b"From x@y Mon Oct  5 10:00:00 2026\n" + mail(headers=[RECEIVED_A]) + b"\n")
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "cur" / "1.host:2,S").write_bytes(mail(headers=[RECEIVED_B]))
    for _ in range(2):
        run_import(conn, resolve_sources([mbox, maildir]), make_config(), jobs=1)
    assert _count(conn, "messages") == 1
    [message_id] = [r[0] for r in conn.execute("SELECT id FROM messages")]
    envelope = len(b"From x@y Mon Oct  5 10:00:00 2026\n")
    assert [loc.where for loc in message_locations(conn, message_id)] == [
        Provenance("mbox", path=str(mbox), offset=envelope),
        Provenance("maildir", path=str(maildir / "cur" / "1.host:2,S")),
    ]


def test_an_imap_location_is_stored_exactly(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    where = Provenance("imap", account="support", folder="INBOX", uidvalidity=1700, uid=9)
    assert record_location(conn, 1, where, 1_790_000_000)
    assert not record_location(conn, 1, where, 1_790_000_100)
    locations = message_locations(conn, 1)
    assert locations[-1] == Location(where, 1_790_000_000)


def _old_key(raw_id: str, sender: str, date: int, subject: str) -> bytes:
    """The key releases before schema 2 gave a message (Message-ID, sender, date, subject)."""
    digest = hashlib.sha256()
    for part in (raw_id, sender, str(date), subject):
        digest.update(part.encode())
        digest.update(b"\0")
    return b"m" + digest.digest()[:16]


def test_a_store_from_an_older_release_is_rekeyed_on_the_next_import(tmp_path: Path) -> None:
    """Make a schema-1 store with an old key, then import a copy (a duplicate) and a
    different message that shares the old key's fields (kept)."""
    db = tmp_path / "old.db"
    first = mail(headers=[RECEIVED_A])
    conn = open_db(db).conn
    ingest(conn, [first])
    row = conn.execute("SELECT id, message_id, from_addr, date, subject FROM messages").fetchone()
    conn.executescript(
        DOWN_TO_V2 + "DROP TABLE message_locations; DROP TABLE messages_to_rekey;"
        " DELETE FROM schema_migrations WHERE version = 2;"
    )
    conn.execute(
        "UPDATE messages SET dedupe_key = ? WHERE id = ?",
        (_old_key(row[1], row[2], row[3], row[4]), row[0]),
    )
    conn.close()
    conn = open_db(db).conn  # migration 2 lists the message for re-keying
    assert _count(conn, "messages_to_rekey") == 1
    eml = tmp_path / "copies"
    eml.mkdir()
    (eml / "a.eml").write_bytes(mail(headers=[RECEIVED_B]))
    (eml / "b.eml").write_bytes(mail(body="A second, different message."))
    summary = run_import(conn, resolve_sources([eml]), make_config(), jobs=1)
    assert (summary.imported, summary.duplicates) == (1, 1)
    assert _count(conn, "messages") == 2 and _count(conn, "messages_to_rekey") == 0
    data = conn.execute("SELECT data FROM raw_messages WHERE message_id = ?", (row[0],))
    assert zlib.decompress(data.fetchone()[0]) == first
