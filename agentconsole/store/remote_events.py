"""The team event log's rows: what waits to be published, how far the shared folder has
been read, events waiting for their ticket, and who holds each claim.

The rules (what is published, which event wins, who wins a claim) live in
:mod:`agentconsole.domain.remote` and :mod:`agentconsole.domain.claims`; these
functions only read and write, inside the caller's transaction
(docs/design/team-log.md).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LogEvent:
    """An event as the shared log carries it: shared keys only, no local ids."""

    uuid: str
    kind: str
    at: int
    actor: str
    origin: str
    ticket_ref: str | None = None
    customer_key: str | None = None
    message_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Queued:
    """An event of this machine waiting in ``team_outbox``."""

    event_id: int
    event: LogEvent


@dataclass(frozen=True, slots=True)
class Known:
    """An event already in this database: its row id, log position and origin."""

    event_id: int
    log_seq: int | None
    origin: str


@dataclass(frozen=True, slots=True)
class RegisterEvent:
    """A change of one ticket field or tag held here, for the last-writer rule."""

    event: LogEvent
    log_seq: int | None
    queued: bool


_EVENT = (
    "e.uuid, e.kind, e.at, e.actor, e.origin, e.ticket_ref, e.customer_key, e.message_key, e.data"
)


def _log_event(row: tuple[Any, ...]) -> LogEvent:
    data = json.loads(row[8] or "{}")
    return LogEvent(
        uuid=str(row[0]),
        kind=str(row[1]),
        at=int(row[2]),
        actor=str(row[3]),
        origin=str(row[4]),
        ticket_ref=row[5],
        customer_key=row[6],
        message_key=row[7],
        data=data if isinstance(data, dict) else {},
    )


def queued_events(conn: sqlite3.Connection, limit: int, appended_before: int) -> list[Queued]:
    """This machine's events waiting to be appended to the log, oldest first: those
    appended since ``appended_before`` wait only to be read back."""
    rows = conn.execute(
        f"SELECT o.event_id, {_EVENT} FROM team_outbox o JOIN events e ON e.id = o.event_id"
        " WHERE o.appended_at IS NULL OR o.appended_at < ? ORDER BY o.event_id LIMIT ?",
        (appended_before, limit),
    ).fetchall()
    return [Queued(int(row[0]), _log_event(row[1:])) for row in rows]


def mark_appended(conn: sqlite3.Connection, event_ids: list[int], now: int) -> None:
    """The server stored these events (APPEND said OK): do not append them again."""
    conn.executemany(
        "UPDATE team_outbox SET appended_at = ? WHERE event_id = ?",
        [(now, i) for i in event_ids],
    )


def forget_appended(conn: sqlite3.Connection) -> None:
    """Append again whatever was appended and not read back (the folder was replaced:
    a new UIDVALIDITY)."""
    conn.execute("UPDATE team_outbox SET appended_at = NULL WHERE appended_at IS NOT NULL")


def queued_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM team_outbox").fetchone()[0])


def drop_queued(conn: sqlite3.Connection, event_ids: list[int]) -> None:
    """Take events out of the queue (published and read back, or never to publish)."""
    conn.executemany("DELETE FROM team_outbox WHERE event_id = ?", [(i,) for i in event_ids])


def known_event(conn: sqlite3.Connection, uuid: str) -> Known | None:
    row = conn.execute("SELECT id, log_seq, origin FROM events WHERE uuid = ?", (uuid,)).fetchone()
    return None if row is None else Known(int(row[0]), row[1], str(row[2]))


def set_log_seq(conn: sqlite3.Connection, event_id: int, log_seq: int) -> None:
    conn.execute("UPDATE events SET log_seq = ? WHERE id = ?", (log_seq, event_id))
    conn.execute("DELETE FROM team_outbox WHERE event_id = ?", (event_id,))


def last_event_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def adopt_events_after(conn: sqlite3.Connection, event_id: int, log_seq: int) -> None:
    """Give every event recorded after ``event_id`` (applying one log entry: the entry
    itself and what the domain recorded because of it) that entry's position, and keep
    them out of the queue: what came from the log is never published again."""
    conn.execute(
        "UPDATE events SET log_seq = ? WHERE id > ? AND log_seq IS NULL", (log_seq, event_id)
    )
    conn.execute("DELETE FROM team_outbox WHERE event_id > ?", (event_id,))


def register_events(
    conn: sqlite3.Connection, ticket_id: int, kinds: tuple[str, ...]
) -> list[RegisterEvent]:
    """The ticket's events of ``kinds``, each with its log position and whether it
    still waits to be published."""
    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        f"SELECT e.log_seq, o.event_id IS NOT NULL, {_EVENT} FROM events e"
        f" LEFT JOIN team_outbox o ON o.event_id = e.id"
        f" WHERE e.ticket_id = ? AND e.kind IN ({marks})",
        (ticket_id, *kinds),
    ).fetchall()
    return [RegisterEvent(_log_event(row[2:]), row[0], bool(row[1])) for row in rows]


def customer_by_key(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute(
        "SELECT coalesce(merged_into, id) FROM customers WHERE key = ? ORDER BY id LIMIT 1",
        (key,),
    ).fetchone()
    return None if row is None else int(row[0])


def message_by_key(conn: sqlite3.Connection, key: str) -> int | None:
    """The message whose dedupe key is ``key`` (hex, as events carry it)."""
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        return None
    row = conn.execute("SELECT id FROM messages WHERE dedupe_key = ? LIMIT 1", (raw,)).fetchone()
    return None if row is None else int(row[0])


def log_cursor(conn: sqlite3.Connection, account: str, folder: str) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID read) of an account's events folder, None before the first
    read."""
    row = conn.execute(
        "SELECT uidvalidity, last_uid FROM team_log_cursor WHERE account = ? AND folder = ?",
        (account, folder),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def set_log_cursor(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int, last_uid: int
) -> None:
    conn.execute(
        "INSERT INTO team_log_cursor (account, folder, uidvalidity, last_uid)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE SET"
        " uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
        (account, folder, uidvalidity, last_uid),
    )


def add_pending(conn: sqlite3.Connection, event: LogEvent, log_seq: int, now: int) -> None:
    """Keep an event whose ticket is not here yet (once: the log may repeat it)."""
    body = {
        "uuid": event.uuid,
        "kind": event.kind,
        "at": event.at,
        "actor": event.actor,
        "origin": event.origin,
        "ticket_ref": event.ticket_ref,
        "customer_key": event.customer_key,
        "message_key": event.message_key,
        "data": event.data,
    }
    conn.execute(
        "INSERT OR IGNORE INTO remote_pending (uuid, log_seq, ticket_ref, event, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (event.uuid, log_seq, event.ticket_ref, json.dumps(body, ensure_ascii=False), now),
    )


def is_pending(conn: sqlite3.Connection, uuid: str) -> bool:
    row = conn.execute("SELECT 1 FROM remote_pending WHERE uuid = ?", (uuid,)).fetchone()
    return row is not None


def pending_events(conn: sqlite3.Connection) -> list[tuple[LogEvent, int]]:
    """Every waiting event with its log position, in log order."""
    rows = conn.execute("SELECT event, log_seq FROM remote_pending ORDER BY log_seq").fetchall()
    found: list[tuple[LogEvent, int]] = []
    for text, log_seq in rows:
        body = json.loads(text)
        row = (
            body["uuid"],
            body["kind"],
            body["at"],
            body["actor"],
            body["origin"],
            body["ticket_ref"],
            body["customer_key"],
            body["message_key"],
            json.dumps(body["data"]),
        )
        found.append((_log_event(row), int(log_seq)))
    return found


def drop_pending(conn: sqlite3.Connection, uuid: str) -> None:
    conn.execute("DELETE FROM remote_pending WHERE uuid = ?", (uuid,))


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM remote_pending").fetchone()[0])


def claim_holder(conn: sqlite3.Connection, ticket_id: int) -> str | None:
    row = conn.execute("SELECT agent FROM ticket_claims WHERE ticket_id = ?", (ticket_id,))
    found = row.fetchone()
    return None if found is None else str(found[0])


def claim_event_uuid(conn: sqlite3.Connection, ticket_id: int) -> str | None:
    """The uuid of the claim event that holds the ticket (its time is the claim's)."""
    row = conn.execute("SELECT event_uuid FROM ticket_claims WHERE ticket_id = ?", (ticket_id,))
    found = row.fetchone()
    return None if found is None else str(found[0])


def set_claim(
    conn: sqlite3.Connection, ticket_id: int, agent: str, event_uuid: str, log_seq: int
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO ticket_claims (ticket_id, agent, event_uuid, log_seq)"
        " VALUES (?, ?, ?, ?)",
        (ticket_id, agent, event_uuid, log_seq),
    )


def clear_claim(conn: sqlite3.Connection, ticket_id: int) -> None:
    conn.execute("DELETE FROM ticket_claims WHERE ticket_id = ?", (ticket_id,))


def machine_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'machine_id'").fetchone()
    return str(row[0]) if row else ""


def take_identity(
    conn: sqlite3.Connection, after_id: int, kind: str, uuid: str, origin: str
) -> None:
    """Give the first ``kind`` event recorded after ``after_id`` the UUID and origin of
    the log entry it replays, so the history holds it once, under the shared identity."""
    conn.execute(
        "UPDATE events SET uuid = ?, origin = ? WHERE id ="
        " (SELECT min(id) FROM events WHERE id > ? AND kind = ?)",
        (uuid, origin, after_id, kind),
    )
