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
    " m.subject FROM outbox o JOIN messages m ON m.id = o.message_id"
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
