"""When two tickets' derived refs collide, every machine extends the same one.

The Message-IDs below were found by a search of 3 million candidates: their SHA-256
digests share the first 40 bits, so their plain refs are equal. No monkeypatching:
this is the collision a real mailbox can meet.
"""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from agentconsole.refs import message_ref
from agentconsole.store.db import connect
from agentconsole.store.migrations import current_version, migrate
from agentconsole.store.tickets import refresh_ticket_ref, resolve_ref
from tests.mailfactory import ingest, mail
from tests.schema_history import DOWN_TO_V2

EARLY_ID, LATE_ID = "<c2337613@collide.example>", "<c2384434@collide.example>"
PLAIN = "T-0KSAZ02G"
EARLY = mail(
    msgid=EARLY_ID, subject="Withdrawal not received", date="Mon, 05 Oct 2026 09:00:00 +0800"
)
LATE = mail(
    sender="Li Lei <li@example.com>",
    msgid=LATE_ID,
    subject="Login fails",
    date="Tue, 06 Oct 2026 09:00:00 +0800",
)


def _refs(conn: sqlite3.Connection) -> dict[str, str]:
    """Each ticket's ref by its first message's Message-ID and content (local ids
    depend on the import order)."""
    rows = conn.execute(
        "SELECT m.message_id || ' ' || hex(m.dedupe_key), t.ref FROM tickets t"
        " JOIN messages m ON m.ticket_id = t.id"
    ).fetchall()
    return dict(rows)


def test_the_pair_really_collides() -> None:
    assert message_ref(EARLY_ID, b"") == message_ref(LATE_ID, b"") == PLAIN


def test_the_later_first_message_takes_the_longer_ref_in_either_order() -> None:
    one, two = connect(memory=True), connect(memory=True)
    ingest(one, [EARLY, LATE])
    ingest(two, [LATE, EARLY])
    assert _refs(one) == _refs(two)
    by_id = {key.split()[0]: ref for key, ref in _refs(one).items()}
    assert by_id["c2337613@collide.example"] == PLAIN
    late = by_id["c2384434@collide.example"]
    assert len(late) == len(PLAIN) + 2 and late.startswith(PLAIN)


def test_equal_dates_are_decided_by_the_digest_the_same_way_everywhere() -> None:
    same_day = [
        mail(msgid=EARLY_ID, subject="Card blocked"),
        mail(sender="Li Lei <li@example.com>", msgid=LATE_ID, subject="Login fails"),
    ]
    one, two = connect(memory=True), connect(memory=True)
    ingest(one, same_day)
    ingest(two, same_day[::-1])
    assert _refs(one) == _refs(two)
    assert sorted(len(ref) for ref in _refs(one).values()) == [10, 12]


def test_three_tickets_sharing_a_message_id_get_the_same_refs_in_every_order() -> None:
    """Broken mailers reuse a Message-ID: the digest of the Message-ID alone cannot
    tell the tickets apart; the extension (Message-ID and content) does."""
    raws = [
        mail(
            sender=f"Customer {n} <c{n}@example.com>",
            msgid="<same@example.com>",
            subject=f"Problem {n}",
            body=f"Different body {n}.",
            date=f"Mon, 05 Oct 2026 1{n}:00:00 +0800",
        )
        for n in range(3)
    ]
    results = []
    for order in itertools.permutations(raws):
        conn = connect(memory=True)
        ingest(conn, list(order))
        results.append(_refs(conn))
    assert all(result == results[0] for result in results)
    plain = message_ref("<same@example.com>", b"")
    assert sorted(len(ref) for ref in results[0].values()) == [10, 12, 12]
    assert all(ref.startswith(plain) for ref in results[0].values())


def test_an_extended_ref_names_one_ticket_and_the_plain_ref_both() -> None:
    conn = connect(memory=True)
    ingest(conn, [LATE, EARLY])
    late_ticket, late_ref = conn.execute(
        "SELECT id, ref FROM tickets WHERE length(ref) = 12"
    ).fetchone()
    early_ticket = 3 - late_ticket
    assert resolve_ref(conn, late_ref) == [late_ticket]
    assert resolve_ref(conn, PLAIN) == sorted([early_ticket, late_ticket])


def test_migration_5_reallocates_refs_migration_3_extended_by_storage_order() -> None:
    """Release 3 extended the ticket stored later (here the earlier mail's): opened by
    this release, the later mail's ticket holds the longer ref, as everywhere."""
    conn = connect(memory=True)
    ingest(conn, [LATE, EARLY])
    conn.executescript(DOWN_TO_V2)
    assert current_version(conn) == 2
    migrate(conn)
    fresh = connect(memory=True)
    ingest(fresh, [EARLY, LATE])
    assert _refs(conn) == _refs(fresh)
    early = conn.execute("SELECT ref FROM tickets WHERE subject = 'Withdrawal not received'")
    assert early.fetchone()[0] == PLAIN


@pytest.mark.parametrize("survivor_first", [True, False])
def test_a_merge_lets_the_emptied_ticket_go_and_old_refs_lead_to_the_survivor(
    survivor_first: bool,
) -> None:
    """The earlier ticket's mail moves into the later one (a merge, either ticket
    refreshed first): the survivor now starts with the earlier mail, so it takes the
    plain ref; the emptied ticket holds none; its extended ref still resolves."""
    conn = connect(memory=True)
    ingest(conn, [EARLY, LATE])
    refs = dict(conn.execute("SELECT id, ref FROM tickets").fetchall())
    assert refs == {1: PLAIN, 2: refs[2]} and len(refs[2]) == 12
    conn.execute("UPDATE messages SET ticket_id = 2 WHERE ticket_id = 1")
    for ticket_id in (2, 1) if survivor_first else (1, 2):
        refresh_ticket_ref(conn, ticket_id)
    assert dict(conn.execute("SELECT id, ref FROM tickets").fetchall()) == {1: None, 2: PLAIN}
    assert resolve_ref(conn, PLAIN) == [2]
    assert resolve_ref(conn, refs[2]) == [2]
