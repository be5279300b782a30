"""The outbox: mail waiting to leave, durable in the store.

A reply is queued in the same transaction that stores it on its ticket
(:mod:`agentconsole.domain.outgoing`), with the exact bytes to send, so a crash between
"send" and delivery loses nothing and delivers nothing twice. Delivery (SMTP) belongs
to sync, which moves a row from ``queued`` through ``sending`` to ``sent`` or
``failed``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from agentconsole.store.db import write_txn
from agentconsole.timefmt import when

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")


class OutboxNotFound(LookupError):
    """No outbox entry with that id."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One queued (or sent, or failed) mail, with what a listing shows of it."""

    id: int
    message_id: int
    rfc_message_id: str
    status: str
    attempts: int
    last_error: str | None
    queued_at: int
    sent_at: int | None
    ticket_id: int | None
    ticket_ref: str | None
    to: tuple[str, ...]
    subject: str
    next_attempt_at: int | None = None
    """When a temporarily failed entry is tried again (None: at once)."""

    def describe(self) -> str:
        """Its delivery state in words: why it failed, when a retry is due."""
        if self.status == "failed":
            return f"failed: {self.last_error or '?'}"
        if self.status == "queued" and self.next_attempt_at:
            return f"queued, retry {when(self.next_attempt_at)}: {self.last_error or ''}"
        if self.status == "sent":
            return f"sent {when(self.sent_at)}"
        return self.status


@dataclass(frozen=True, slots=True)
class OutboxClaim:
    """An entry this process holds in ``sending``: what delivering it needs."""

    id: int
    message_id: int
    ticket_id: int | None
    ticket_ref: str | None
    rfc_message_id: str
    raw: bytes
    recipients: tuple[str, ...]
    """Its To and Cc addresses (Bcc is never stored)."""
    attempts: int


def queue_mail(
    conn: sqlite3.Connection, message_id: int, rfc_message_id: str, raw: bytes, *, now: int
) -> int:
    """Queue the bytes of stored message ``message_id`` (caller's transaction); its id."""
    cursor = conn.execute(
        "INSERT INTO outbox (message_id, rfc_message_id, status, raw, attempts, queued_at)"
        " VALUES (?, ?, 'queued', ?, 0, ?)",
        (message_id, rfc_message_id, raw, now),
    )
    return int(cursor.lastrowid or 0)


_SELECT = (
    "SELECT o.id, o.message_id, o.rfc_message_id, o.status, o.attempts, o.last_error,"
    " o.queued_at, o.sent_at, m.ticket_id, coalesce(t.ref, 'T-' || t.id), m.to_json,"
    " m.subject, o.next_attempt_at FROM outbox o JOIN messages m ON m.id = o.message_id"
    " LEFT JOIN tickets t ON t.id = m.ticket_id"
)


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    return OutboxEntry(
        id=int(row[0]),
        message_id=int(row[1]),
        rfc_message_id=str(row[2]),
        status=str(row[3]),
        attempts=int(row[4]),
        last_error=row[5],
        queued_at=int(row[6]),
        sent_at=None if row[7] is None else int(row[7]),
        ticket_id=None if row[8] is None else int(row[8]),
        ticket_ref=row[9],
        to=tuple(address for _, address in json.loads(row[10] or "[]")),
        subject=str(row[11]),
        next_attempt_at=None if row[12] is None else int(row[12]),
    )


def list_outbox(conn: sqlite3.Connection, limit: int = 500) -> list[OutboxEntry]:
    """Queued and failed mail first (what still needs attention), then sent; newest
    first within each."""
    rows = conn.execute(
        f"{_SELECT} ORDER BY o.status = 'sent', o.queued_at DESC, o.id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_entry(row) for row in rows]


def ticket_outbox(conn: sqlite3.Connection, ticket_id: int) -> list[OutboxEntry]:
    """A ticket's mail in the outbox, oldest first."""
    rows = conn.execute(
        f"{_SELECT} WHERE m.ticket_id = ? ORDER BY o.queued_at, o.id", (ticket_id,)
    ).fetchall()
    return [_entry(row) for row in rows]


def outbox_raw(conn: sqlite3.Connection, outbox_id: int) -> bytes:
    """The exact bytes an outbox entry sends."""
    row = conn.execute("SELECT raw FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    if row is None:
        raise OutboxNotFound(f"no outbox entry {outbox_id}")
    return bytes(row[0])


def copies_to_file(conn: sqlite3.Connection, limit: int = 50) -> list[tuple[int, bytes, int]]:
    """(id, bytes, sent at) of sent replies whose copy is not in the Sent folder yet,
    oldest first."""
    rows = conn.execute(
        "SELECT id, raw, coalesce(sent_at, queued_at) FROM outbox"
        " WHERE status = 'sent' AND sent_copy_at IS NULL ORDER BY id LIMIT ?",
        (limit,),
    ).fetchall()
    return [(int(r[0]), bytes(r[1]), int(r[2])) for r in rows]


def mark_copied(conn: sqlite3.Connection, outbox_id: int, *, now: int) -> None:
    """The Sent folder holds this reply's copy (the caller holds the transaction)."""
    conn.execute("UPDATE outbox SET sent_copy_at = ? WHERE id = ?", (now, outbox_id))


def due_count(conn: sqlite3.Connection, now: int) -> int:
    """How many queued entries may be tried at ``now``."""
    row = conn.execute(
        "SELECT count(*) FROM outbox WHERE status = 'queued' AND coalesce(next_attempt_at, 0) <= ?",
        (now,),
    ).fetchone()
    return int(row[0])


def waiting(conn: sqlite3.Connection) -> tuple[int, int | None]:
    """Queued entries, and the earliest time one of them is due (None: now)."""
    row = conn.execute(
        "SELECT count(*), min(coalesce(next_attempt_at, 0)) FROM outbox WHERE status = 'queued'"
    ).fetchone()
    earliest = None if not row[1] else int(row[1])
    return int(row[0]), earliest


def requeue_stale(conn: sqlite3.Connection, *, started_before: int, note: str) -> int:
    """Put entries left in ``sending`` since before ``started_before`` (a crashed or
    killed sender) back in the queue; how many. At worst the server got one of them
    already: it is sent again with the same Message-ID, never lost."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'queued', sending_since = NULL, last_error = ?"
        " WHERE status = 'sending' AND sending_since < ?",
        (note, started_before),
    )
    return cursor.rowcount


def claim_next(conn: sqlite3.Connection, *, now: int) -> OutboxClaim | None:
    """Take the oldest due queued entry for this process: one conditional UPDATE in a
    ``BEGIN IMMEDIATE`` transaction, so two senders never hold the same entry."""
    with write_txn(conn):
        row = conn.execute(
            "UPDATE outbox SET status = 'sending', sending_since = ?"
            " WHERE id = (SELECT id FROM outbox WHERE status = 'queued'"
            " AND coalesce(next_attempt_at, 0) <= ? ORDER BY queued_at, id LIMIT 1)"
            " AND status = 'queued' RETURNING id",
            (now, now),
        ).fetchone()
        if row is None:
            return None
        detail = conn.execute(
            "SELECT o.id, o.message_id, m.ticket_id, coalesce(t.ref, 'T-' || t.id),"
            " o.rfc_message_id, o.raw, m.to_json, m.cc_json, o.attempts"
            " FROM outbox o JOIN messages m ON m.id = o.message_id"
            " LEFT JOIN tickets t ON t.id = m.ticket_id WHERE o.id = ?",
            (int(row[0]),),
        ).fetchone()
    addresses = [a for _, a in json.loads(detail[6] or "[]") + json.loads(detail[7] or "[]")]
    return OutboxClaim(
        id=int(detail[0]),
        message_id=int(detail[1]),
        ticket_id=None if detail[2] is None else int(detail[2]),
        ticket_ref=detail[3],
        rfc_message_id=str(detail[4]),
        raw=bytes(detail[5]),
        recipients=tuple(dict.fromkeys(addresses)),
        attempts=int(detail[8]),
    )


def mark_sent(conn: sqlite3.Connection, outbox_id: int, *, now: int) -> bool:
    """The server accepted the entry this process holds; False if it no longer holds it."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, sending_since = NULL,"
        " attempts = attempts + 1, last_error = NULL WHERE id = ? AND status = 'sending'",
        (now, outbox_id),
    )
    return cursor.rowcount == 1


def mark_retry(
    conn: sqlite3.Connection, outbox_id: int, *, error: str, next_attempt_at: int
) -> bool:
    """A temporary failure: back to the queue, one more attempt, due again later."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'queued', sending_since = NULL, attempts = attempts + 1,"
        " last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'sending'",
        (error, next_attempt_at, outbox_id),
    )
    return cursor.rowcount == 1


def mark_failed(conn: sqlite3.Connection, outbox_id: int, *, error: str) -> bool:
    """A permanent failure: the entry stays visible as failed with the reason."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'failed', sending_since = NULL, attempts = attempts + 1,"
        " last_error = ? WHERE id = ? AND status = 'sending'",
        (error, outbox_id),
    )
    return cursor.rowcount == 1


def defer_due(
    conn: sqlite3.Connection, *, now: int, error: str, base_delay: int, max_delay: int
) -> int:
    """The server cannot be reached: every due queued entry counts an attempt and waits
    ``base_delay`` doubled per earlier attempt (at most ``max_delay``); how many."""
    with write_txn(conn):
        cursor = conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
            " next_attempt_at = ? + min(?, ? * (1 << min(attempts, 30)))"
            " WHERE status = 'queued' AND coalesce(next_attempt_at, 0) <= ?",
            (error, now, max_delay, base_delay, now),
        )
    return cursor.rowcount


def make_due(conn: sqlite3.Connection, *, now: int) -> int:
    """Queued entries waiting out a retry delay become due at ``now`` (``outbox
    --deliver --now``); how many. Failed entries stay failed: never sent again."""
    with write_txn(conn):
        cursor = conn.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued' AND next_attempt_at > ?",
            (now, now),
        )
    return cursor.rowcount
