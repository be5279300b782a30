"""Search results a user relies on, asserted exactly: what ``-word`` leaves out, the
order the column weights give, and quarantined mail staying out of the index."""

from __future__ import annotations

import sqlite3

from agentconsole.store.cjk import fts_query
from agentconsole.store.messages import count_matches, search_messages
from tests.mailfactory import SUPPORT, ingest, mail


def _ids(conn: sqlite3.Connection, query: str) -> list[int]:
    return [hit.message_id for hit in search_messages(conn, query, limit=50)]


def test_minus_word_leaves_out_exactly_the_messages_with_that_word(
    conn: sqlite3.Connection,
) -> None:
    ingest(
        conn,
        [
            mail(msgid="<a@x>", sender="a@example.com", subject="提现 one", body="withdrawal"),
            mail(msgid="<b@x>", sender="b@example.com", subject="提现 two", body="nothing else"),
            mail(msgid="<c@x>", sender="c@example.com", subject="提现 three", body="more text"),
            mail(msgid="<d@x>", sender="d@example.com", subject="other", body="withdrawal"),
        ],
    )
    assert sorted(_ids(conn, "提现")) == [1, 2, 3]
    assert sorted(_ids(conn, "提现 -withdrawal")) == [2, 3]
    assert sorted(_ids(conn, '提现 -"withdrawal"')) == [2, 3]
    assert count_matches(conn, "提现 -withdrawal") == 2
    assert fts_query("提现 -withdrawal") == '"提现" NOT "withdrawal"'
    assert fts_query("-withdrawal") is None  # nothing to search for: no results, no error
    assert _ids(conn, "-withdrawal") == []


def test_the_subject_outranks_the_sender_which_outranks_the_body(
    conn: sqlite3.Connection,
) -> None:
    """Three messages of the same length with the word once each, in another column;
    the body hit is the newest, so equal weights would put it first."""
    ingest(
        conn,
        [
            mail(
                msgid="<subject@x>",
                sender="Alice <alice@a.example>",
                subject="zebracorn question",
                body="please help with my account",
                date="Mon, 05 Oct 2026 10:00:00 +0800",
            ),
            mail(
                msgid="<sender@x>",
                sender="Zebracorn <li@c.example>",
                subject="account question",
                body="please help with my account",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            ),
            mail(
                msgid="<body@x>",
                sender="Bob <bob@b.example>",
                subject="account question",
                body="zebracorn help with my account",
                date="Wed, 07 Oct 2026 10:00:00 +0800",
            ),
        ],
    )
    hits = search_messages(conn, "zebracorn", limit=10)
    assert [hit.subject for hit in hits] == [
        "zebracorn question",
        "account question",
        "account question",
    ]
    assert [hit.from_addr for hit in hits] == ["alice@a.example", "li@c.example", "bob@b.example"]
    assert hits[0].rank < hits[1].rank < hits[2].rank


def test_equal_ranks_put_the_newest_first(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<old@x>", sender="a@example.com", date="Mon, 05 Oct 2026 10:00:00 +0800"),
            mail(msgid="<new@x>", sender="b@example.com", date="Wed, 07 Oct 2026 10:00:00 +0800"),
        ],
    )
    hits = search_messages(conn, "withdrawal", limit=10)
    assert [hit.from_addr for hit in hits] == ["b@example.com", "a@example.com"]
    assert hits[0].rank == hits[1].rank


def test_quarantined_mail_is_stored_but_never_found_by_search(conn: sqlite3.Connection) -> None:
    not_mail = b"zebracorn " * 40 + b"\n\x00\x01 not a mail header in sight\n"
    summary = ingest(conn, [not_mail, mail(body="zebracorn in a real message")])
    assert (summary.imported, summary.quarantined) == (2, 1)
    statuses = conn.execute("SELECT status FROM messages ORDER BY id").fetchall()
    assert statuses == [("quarantined",), ("ok",)]
    assert _ids(conn, "zebracorn") == [2]
    assert count_matches(conn, "zebracorn") == 1
    fts_rows = conn.execute("SELECT rowid FROM message_fts ORDER BY rowid").fetchall()
    assert fts_rows == [(2,)]


def test_the_sender_name_and_address_are_both_searchable(conn: sqlite3.Connection) -> None:
    """The sender column holds the display name and the address, so both find it."""
    ingest(conn, [mail(sender=f"Lin Support <{SUPPORT}>", to="wang@example.com")])
    assert _ids(conn, "Lin") == [1]
    assert _ids(conn, "okwallet") == [1]
