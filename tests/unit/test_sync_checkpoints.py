"""Sync's pieces that need no server: checkpoints in the store, the pipeline's commit
hook, --since, the reconnect backoff and reading FETCH answers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from agentconsole.cli.sync_cmd import parse_since
from agentconsole.ingest.pipeline import run_import
from agentconsole.mail.sources import Provenance, RawMail, SourceItem, SourceKind
from agentconsole.store.checkpoints import (
    Checkpoint,
    advance,
    finish,
    forget,
    get_checkpoint,
    known_uids,
)
from agentconsole.store.db import write_txn
from agentconsole.store.locations import record_location
from agentconsole.sync.imap_fetch import imap_date, parse_bodies, parse_sizes, sequence_set
from agentconsole.sync.imap_session import Backoff
from tests.mailfactory import mail, make_config


def test_advance_moves_up_only_and_a_new_uidvalidity_replaces(conn: sqlite3.Connection) -> None:
    with write_txn(conn):
        advance(conn, "support", "INBOX", 7, 10, since_at=1000, now=1)
        advance(conn, "support", "INBOX", 7, 4, since_at=None, now=2)
    assert get_checkpoint(conn, "support", "INBOX") == Checkpoint(
        "support", "INBOX", 7, 10, 1000, 2
    )
    with write_txn(conn):
        advance(conn, "support", "INBOX", 8, 3, since_at=None, now=3)
    assert get_checkpoint(conn, "support", "INBOX") == Checkpoint("support", "INBOX", 8, 3, None, 3)
    finish(conn, "support", "INBOX", 8, 12, since_at=500, now=4)
    assert get_checkpoint(conn, "support", "INBOX") == Checkpoint("support", "INBOX", 8, 12, 500, 4)
    assert get_checkpoint(conn, "support", "Sent") is None
    forget(conn, "support", "INBOX")
    assert get_checkpoint(conn, "support", "INBOX") is None


def test_known_uids_reads_the_imap_locations_of_one_folder_and_uidvalidity(
    conn: sqlite3.Connection,
) -> None:
    run_import(conn, [_Listed([mail()])], make_config(), jobs=1)  # message 1 at INBOX;9/1
    with write_txn(conn):
        for folder, validity, uid in [
            ("INBOX", 7, 2),
            ("INBOX", 7, 5),
            ("INBOX", 6, 3),
            ("Sent", 7, 3),
        ]:
            where = Provenance(
                "imap", account="support", folder=folder, uidvalidity=validity, uid=uid
            )
            record_location(conn, 1, where, 0)
    uids = list(range(1, 1200))
    assert known_uids(conn, "support", "INBOX", 7, uids) == {2, 5}
    assert known_uids(conn, "a", "INBOX", 9, uids) == {1}
    assert known_uids(conn, "other", "INBOX", 7, uids) == set()


@dataclass
class _Listed:
    """A source over messages in memory, provenance imap (the sync's kind)."""

    raws: Sequence[bytes]

    @property
    def kind(self) -> SourceKind:
        return "imap"

    def size(self) -> int:
        return sum(len(r) for r in self.raws)

    def messages(self) -> Iterator[SourceItem]:
        for uid, raw in enumerate(self.raws, start=1):
            where = Provenance("imap", account="a", folder="INBOX", uidvalidity=9, uid=uid)
            yield RawMail(raw, where)


def test_the_pipeline_calls_before_commit_inside_each_transaction(
    conn: sqlite3.Connection,
) -> None:
    raws = [mail(msgid=f"<{n}@x>", sender=f"c{n}@example.com", subject=f"s{n}") for n in range(7)]
    seen: list[tuple[bool, list[int], int]] = []

    def hook(hooked: sqlite3.Connection, written: Sequence[Provenance]) -> None:
        stored = hooked.execute("SELECT count(*) FROM messages").fetchone()[0]
        seen.append((hooked.in_transaction, [w.uid for w in written], stored))

    run_import(conn, [_Listed(raws)], make_config(), jobs=1, batch_size=3, before_commit=hook)
    assert all(inside for inside, _, _ in seen)
    assert [uid for _, uids, _ in seen for uid in uids] == list(range(1, 8))
    # the hook sees the transaction's own messages already written, before the commit
    assert [stored for _, _, stored in seen] == [len(u) for u in _running([u for _, u, _ in seen])]


def _running(parts: list[list[int]]) -> list[list[int]]:
    total: list[int] = []
    out: list[list[int]] = []
    for part in parts:
        total = total + part
        out.append(total)
    return out


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("180d", dt.date(2026, 5, 27)),
        ("2w", dt.date(2026, 11, 9)),
        ("2026-01-31", dt.date(2026, 1, 31)),
    ],
)
def test_since_is_a_day(given: str, day: dt.date) -> None:
    expected = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    assert parse_since(given, dt.date(2026, 11, 23)) == expected


def test_backoff_doubles_up_to_its_cap() -> None:
    assert Backoff().pauses() == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert Backoff(attempts=4, first_pause=10, longest_pause=15).pauses() == [10, 15, 15]


def test_sequence_sets_join_runs() -> None:
    assert sequence_set([1, 2, 3, 4, 7, 9, 10]) == b"1:4,7,9:10"
    assert sequence_set([5]) == b"5"
    assert sequence_set([]) == b""


def test_fetch_answers_are_read_as_dovecot_and_others_send_them() -> None:
    """The shapes imaplib hands back (seen from Dovecot), a UID after the literal (as
    some servers order it), and an unasked flag update in between."""
    dovecot = [
        (b"1 (UID 1 BODY[] {21}", b"Subject: a\r\n\r\nhello\r\n"),
        b")",
        b"3 (FLAGS (\\Seen))",
        (b"2 (UID 2 BODY[]<0> {5}", b"Subje"),
        b")",
    ]
    assert list(parse_bodies(dovecot)) == [
        (1, b"Subject: a\r\n\r\nhello\r\n"),
        (2, b"Subje"),
    ]
    uid_last = [(b"4 (BODY[] {3}", b"abc"), b" UID 44)", (b"5 (BODY[] {1}", b"x"), b")"]
    assert list(parse_bodies(uid_last)) == [(44, b"abc")]
    sizes = [b"1 (UID 1 RFC822.SIZE 21)", b"2 (RFC822.SIZE 19 UID 2)", b"3 (FLAGS ())", None]
    assert parse_sizes(sizes) == {1: 21, 2: 19}


def test_imap_dates_ignore_the_locale() -> None:
    assert imap_date(dt.date(2026, 10, 5)) == b"5-Oct-2026"
