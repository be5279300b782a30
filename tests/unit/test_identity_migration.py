"""Migration 3: a database made by release 2 gets derived refs and keys."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.refs import message_ref
from agentconsole.store.db import connect
from agentconsole.store.events import new_event_uuid
from agentconsole.store.migrations import MIGRATIONS, current_version, migrate
from agentconsole.store.tickets import resolve_ref
from tests.mailfactory import ingest, mail
from tests.schema_history import DOWN_TO_V2

FIRST = mail(msgid="<a1@example.com>", subject="Withdrawal not received")
REPLY = mail(
    msgid="<a2@example.com>",
    subject="Re: Withdrawal not received",
    in_reply_to="<a1@example.com>",
    date="Mon, 05 Oct 2026 12:00:00 +0800",
)
OTHER = mail(sender="Li Lei <li@example.com>", msgid="<b1@example.com>", subject="Login fails")


def _v2_then_v3(raws: list[bytes]) -> sqlite3.Connection:
    """A store as release 2 left it (mail imported, no refs), then opened by this one."""
    conn = connect(memory=True)
    ingest(conn, raws)
    conn.executescript(DOWN_TO_V2)
    assert current_version(conn) == 2
    assert migrate(conn) == MIGRATIONS[-1][0]
    return conn


def _refs(conn: sqlite3.Connection) -> dict[str, str]:
    """Each ticket's ref by the Message-IDs of its messages (subjects and local ids
    depend on the import order; the threads do not)."""
    rows = conn.execute(
        "SELECT group_concat(m.message_id, ' '), t.ref FROM tickets t"
        " JOIN (SELECT * FROM messages ORDER BY message_id) m ON m.ticket_id = t.id"
        " GROUP BY t.id"
    ).fetchall()
    return dict(rows)


def test_backfill_gives_the_same_refs_in_any_import_order() -> None:
    one = _v2_then_v3([FIRST, REPLY, OTHER])
    two = _v2_then_v3([OTHER, REPLY, FIRST])
    assert _refs(one) == _refs(two)
    assert _refs(one)["b1@example.com"] == message_ref("<b1@example.com>", b"")
    assert one.execute("SELECT count(*) FROM messages WHERE ref IS NULL").fetchone()[0] == 0


def test_backfill_keys_customers_and_events_with_this_machine() -> None:
    conn = _v2_then_v3([FIRST, OTHER])
    machine = conn.execute("SELECT value FROM meta WHERE key = 'machine_id'").fetchone()[0]
    assert len(machine) == 32
    keys = {row[0] for row in conn.execute("SELECT key FROM customers")}
    assert keys == {"wang@example.com", "li@example.com"}
    origins = {row[0] for row in conn.execute("SELECT origin FROM events")}
    assert origins == {machine}
    unkeyed = conn.execute(
        "SELECT count(*) FROM events WHERE ticket_id IS NOT NULL AND ticket_ref IS NULL"
    ).fetchone()[0]
    assert unkeyed == 0


def test_two_tickets_cannot_share_a_ref() -> None:
    conn = _v2_then_v3([FIRST, OTHER])
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE tickets SET ref = (SELECT min(ref) FROM tickets)")


def test_new_imports_give_the_same_refs_in_any_order() -> None:
    one, two = connect(memory=True), connect(memory=True)
    ingest(one, [FIRST, REPLY, OTHER])
    ingest(two, [REPLY, OTHER, FIRST])
    assert _refs(one) == _refs(two)
    assert set(_refs(one).values()) == {
        message_ref("<a1@example.com>", b""),
        message_ref("<b1@example.com>", b""),
    }


def _rule(conn: sqlite3.Connection, msgid: str) -> tuple[int, str, str]:
    row = conn.execute(
        "SELECT ticket_id, thread_rule, thread_detail FROM messages WHERE message_id = ?",
        (msgid,),
    ).fetchone()
    return int(row[0]), str(row[1]), str(row[2])


def test_a_derived_ref_in_a_subject_threads_a_participant_only() -> None:
    conn = connect(memory=True)
    ref = message_ref("<a1@example.com>", b"")
    typed = ref.lower().replace("t-", "T-")
    ingest(
        conn,
        [
            FIRST,
            mail(msgid="<a3@example.com>", subject=f"Still waiting [{typed}]"),
            mail(
                sender="Mallory <mallory@evil.example>",
                msgid="<e1@evil.example>",
                subject=f"Re: Withdrawal [{ref}]",
            ),
        ],
    )
    assert _rule(conn, "a3@example.com")[:2] == (1, "subject-ref")
    ticket, rule, detail = _rule(conn, "e1@evil.example")
    assert (ticket, rule) == (2, "new")
    assert detail == f"ignored [{ref}] in subject: mallory@evil.example is not a participant"


def test_the_ref_of_a_merged_ticket_still_resolves() -> None:
    conn = connect(memory=True)
    ingest(conn, [FIRST, OTHER])
    absorbed = message_ref("<b1@example.com>", b"")
    assert resolve_ref(conn, absorbed) == [2]
    conn.execute("UPDATE messages SET ticket_id = 1 WHERE ticket_id = 2")
    conn.execute("UPDATE tickets SET ref = NULL WHERE id = 2")  # merged away: no mail left
    assert resolve_ref(conn, absorbed) == [1]
    assert resolve_ref(conn, message_ref("<a1@example.com>", b"")) == [1]
    assert resolve_ref(conn, "T-00000000") == []


def test_events_carry_this_machine_and_the_shared_keys() -> None:
    conn = connect(memory=True)
    ingest(conn, [FIRST])
    machine = conn.execute("SELECT value FROM meta WHERE key = 'machine_id'").fetchone()[0]
    rows = conn.execute(
        "SELECT kind, origin, ticket_ref, customer_key FROM events ORDER BY id"
    ).fetchall()
    ref = message_ref("<a1@example.com>", b"")
    assert ("customer_created", machine, None, "wang@example.com") in rows
    assert ("ticket_created", machine, ref, "wang@example.com") in rows
    other = connect(memory=True).execute("SELECT value FROM meta").fetchone()[0]
    assert other != machine


def test_event_uuids_are_monotonic_within_a_process() -> None:
    uuids = [new_event_uuid() for _ in range(2000)]
    assert uuids == sorted(uuids) and len(set(uuids)) == 2000
