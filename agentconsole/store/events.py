"""The audit trail: one event for every change to a ticket or customer.

Events are written in the same transaction as the change they describe, so the trail
can never disagree with the data. Each has a UUID, so the same event arriving again
from a shared log (team sync) is recognised and not applied twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from typing import Any

from agentconsole.models import Event

_last_uuid = 0
_uuid_lock = threading.Lock()
_DATA_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""What ``json.dumps(data, ensure_ascii=False, sort_keys=True)`` gives, with the encoder
built once (``json.dumps`` builds one per call for these options; import records
two events a message)."""


UNSHARED_ACTORS = ("import", "sla")
"""Actors whose events are never queued for the team log: every machine derives them
itself from the same mail and policies (docs/design/team-log.md)."""


def new_event_uuid() -> str:
    """A UUIDv7: time-ordered, so event ids sort by creation across machines and new
    ones land at the end of the unique index instead of at random places in it.

    Monotonic within a process: two events in the same millisecond (or after the clock
    stepped back) get the previous value plus one, so a machine's own events never
    sort out of the order it wrote them."""
    global _last_uuid
    millis = time.time_ns() // 1_000_000
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    with _uuid_lock:
        if value <= _last_uuid:
            value = _last_uuid + 1
        _last_uuid = value
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def record_event(
    conn: sqlite3.Connection,
    kind: str,
    *,
    actor: str,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    message_id: int | None = None,
    data: dict[str, Any] | None = None,
    at: int | None = None,
    uuid: str | None = None,
    origin: str | None = None,
) -> int:
    """Insert an event (the caller holds the write transaction); return its id.

    Besides the local ids it stores the keys every machine shares (ticket ref, message
    dedupe key in hex, customer key) and ``origin``, this database's machine id unless
    the event was replayed from elsewhere. A new ticket has no ref until its first
    message is stored; :func:`~agentconsole.store.tickets.refresh_ticket_ref` fills it."""
    cursor = conn.execute(
        "INSERT INTO events (uuid, at, actor, kind, ticket_id, customer_id, message_id, data,"
        " origin, ticket_ref, customer_key, message_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
        " coalesce(?, (SELECT value FROM meta WHERE key = 'machine_id')),"
        " (SELECT ref FROM tickets WHERE id = ?), (SELECT key FROM customers WHERE id = ?),"
        " (SELECT hex(dedupe_key) FROM messages WHERE id = ?))",
        (
            uuid or new_event_uuid(),
            int(at if at is not None else time.time()),
            actor,
            kind,
            ticket_id,
            customer_id,
            message_id,
            _DATA_JSON(data or {}),
            origin,
            ticket_id,
            customer_id,
            message_id,
        ),
    )
    event_id = int(cursor.lastrowid or 0)
    if actor not in UNSHARED_ACTORS:
        conn.execute(
            "INSERT INTO team_outbox (event_id) SELECT ? FROM meta"
            " WHERE key = 'machine_id' AND value = coalesce(?, value)",
            (event_id, origin),
        )
    return event_id


def _event(row: sqlite3.Row | tuple[Any, ...]) -> Event:
    return Event(
        id=row[0],
        uuid=row[1],
        at=row[2],
        actor=row[3],
        kind=row[4],
        ticket_id=row[5],
        customer_id=row[6],
        data=json.loads(row[7] or "{}"),
        ticket_ref=row[8],
        origin=row[9],
        log_seq=row[10],
    )


_COLUMNS = "id, uuid, at, actor, kind, ticket_id, customer_id, data, ticket_ref, origin, log_seq"
_ORDER = "log_seq IS NULL, log_seq, uuid"
"""The order every machine agrees on: the shared log's position, then (for events not
in the log yet, after those that are) the UUIDv7, which sorts by creation time."""


def ticket_events(conn: sqlite3.Connection, ticket_id: int, limit: int = 500) -> list[Event]:
    """A ticket's history, oldest first in the team-wide order (:data:`_ORDER`)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM events WHERE ticket_id = ? ORDER BY {_ORDER} LIMIT ?",
        (ticket_id, limit),
    ).fetchall()
    return [_event(row) for row in rows]


def customer_events(conn: sqlite3.Connection, customer_id: int, limit: int = 500) -> list[Event]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM events WHERE customer_id = ? ORDER BY {_ORDER} LIMIT ?",
        (customer_id, limit),
    ).fetchall()
    return [_event(row) for row in rows]
