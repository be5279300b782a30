"""The SLA's rows: what the clocks read about tickets, what they write back, and which
policy a ticket falls under (rules in :mod:`agentconsole.domain.sla`).

Everything works on a batch of tickets at once (an import's batch, a slice of a
recompute-all): a few statements per batch, never one per ticket, so recomputing after
each import transaction costs little. Ids travel as one JSON array parameter
(``json_each``), which keeps every statement's text the same whatever the batch size.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from agentconsole.sla.model import Direction, HistoryMessage, StatusChange, TicketHistory
from agentconsole.store.query import TicketQuery

SLA_EVENTS = ("sla_at_risk", "sla_breached")
"""The event kinds of the SLA clocks."""
_IDS = "(SELECT value FROM json_each(?))"


def _ids(ticket_ids: Sequence[int]) -> str:
    return json.dumps(list(ticket_ids))


@dataclass(frozen=True, slots=True)
class SlaRow:
    """A ticket's SLA columns (migration 10), as :mod:`agentconsole.domain.sla` derives
    them from one :class:`~agentconsole.sla.model.SlaState`; all None: no policy."""

    policy: str | None = None
    due_at: int | None = None
    first_response_due_at: int | None = None
    next_response_due_at: int | None = None
    resolution_due_at: int | None = None
    first_response_secs: int | None = None
    resolution_secs: int | None = None
    at_risk_at: int | None = None
    breached_at: int | None = None
    first_response_target: int | None = None
    resolution_target: int | None = None
    first_response_breached_at: int | None = None
    resolution_breached_at: int | None = None
    watch_at: int | None = None


_COLUMNS = (
    "sla_policy, due_at, first_response_due_at, next_response_due_at, resolution_due_at,"
    " first_response_secs, resolution_secs, sla_at_risk_at, sla_breached_at,"
    " first_response_target, resolution_target, first_response_breached_at,"
    " resolution_breached_at, sla_watch_at"
)


@dataclass(frozen=True, slots=True)
class StoredTicket:
    """A ticket as the SLA reads it: its history for the clocks, whether it was merged
    away (its clocks are off), and the SLA columns it holds now (to skip writing a row
    that would not change)."""

    history: TicketHistory
    merged: bool
    stored: SlaRow


def stored_tickets(
    conn: sqlite3.Connection, ticket_ids: Sequence[int], *, skip_status_actor: str
) -> dict[int, StoredTicket]:
    """The tickets of ``ticket_ids`` that exist, with their messages in date order and
    the status changes recorded as events, except those by ``skip_status_actor`` (the
    import records its own at the moment it ran, not when the mail was written: the
    domain replays those from the messages)."""
    ids = _ids(ticket_ids)
    rows = conn.execute(
        "SELECT ticket_id, CAST(date AS INTEGER), direction, auto_kind IS NOT NULL"
        f" FROM messages WHERE ticket_id IN {_IDS} AND date IS NOT NULL"
        " ORDER BY ticket_id, date, id",
        (ids,),
    )
    # grouped and built positionally: a recompute of every ticket reads each message
    messages = {
        ticket_id: tuple(
            HistoryMessage(date, _DIRECTIONS.get(direction, "in"), auto == 1)
            for _, date, direction, auto in group
        )
        for ticket_id, group in groupby(rows, key=itemgetter(0))
    }
    changes: dict[int, list[StatusChange]] = {}
    for ticket_id, at, status in conn.execute(
        "SELECT ticket_id, at, json_extract(data, '$.to') FROM events"
        f" WHERE ticket_id IN {_IDS} AND kind = 'status' AND actor != ? ORDER BY ticket_id, at, id",
        (ids, skip_status_actor),
    ):
        if isinstance(status, str):
            changes.setdefault(ticket_id, []).append(StatusChange(at=int(at), status=status))
    found: dict[int, StoredTicket] = {}
    for row in conn.execute(
        f"SELECT id, created_at, status, merged_into IS NOT NULL, {_COLUMNS}"
        f" FROM tickets WHERE id IN {_IDS}",
        (ids,),
    ):
        ticket_id = int(row[0])
        history = TicketHistory(
            ticket_id=ticket_id,
            created_at=int(row[1]),
            status=str(row[2]),
            messages=messages.get(ticket_id, ()),
            status_changes=tuple(changes.get(ticket_id, ())),
        )
        found[ticket_id] = StoredTicket(history, bool(row[3]), SlaRow(*row[4:]))
    return found


_DIRECTIONS: dict[str, Direction] = {"in": "in", "out": "out", "note": "note"}
"""A stored direction as the clocks know it (anything else counts as the customer's)."""


def match_policies(
    conn: sqlite3.Connection, ticket_ids: Sequence[int], conditions: Sequence[TicketQuery]
) -> dict[int, int]:
    """Which condition each ticket meets first (ticket id -> index in ``conditions``),
    in one statement (a ``CASE`` tries them in order). Tickets meeting none are left
    out."""
    if not ticket_ids or not conditions:
        return {}
    cases = " ".join(f"WHEN ({c.where}) THEN {i}" for i, c in enumerate(conditions))
    params = [value for condition in conditions for value in condition.params]
    rows = conn.execute(
        f"SELECT id, matched FROM (SELECT t.id AS id, CASE {cases} END AS matched"
        f" FROM tickets t WHERE t.id IN {_IDS}) WHERE matched IS NOT NULL",
        (*params, _ids(ticket_ids)),
    )
    return {int(ticket_id): int(index) for ticket_id, index in rows}


def write_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, SlaRow]]) -> None:
    """Store each ticket's SLA columns (the caller holds the write transaction)."""
    assignments = ", ".join(f"{column.strip()} = ?" for column in _COLUMNS.split(","))
    conn.executemany(
        f"UPDATE tickets SET {assignments} WHERE id = ?",
        [(*_values(row), ticket_id) for ticket_id, row in rows],
    )


def _values(row: SlaRow) -> tuple[object, ...]:
    return (
        row.policy,
        row.due_at,
        row.first_response_due_at,
        row.next_response_due_at,
        row.resolution_due_at,
        row.first_response_secs,
        row.resolution_secs,
        row.at_risk_at,
        row.breached_at,
        row.first_response_target,
        row.resolution_target,
        row.first_response_breached_at,
        row.resolution_breached_at,
        row.watch_at,
    )


def recorded_sla_events(
    conn: sqlite3.Connection, ticket_ids: Sequence[int]
) -> set[tuple[int, str, str, int]]:
    """The at-risk and breach events the tickets have: (ticket id, kind, clock, the
    instant it happened)."""
    rows = conn.execute(
        "SELECT ticket_id, kind, json_extract(data, '$.clock'), at"
        f" FROM events WHERE ticket_id IN {_IDS} AND kind IN (?, ?)",
        (_ids(ticket_ids), *SLA_EVENTS),
    )
    return {(int(t), str(k), str(c), int(a or 0)) for t, k, c, a in rows}


def watched_tickets(conn: sqlite3.Connection, now: int, limit: int) -> list[int]:
    """Tickets with an at-risk or breach instant at or before ``now`` whose event is not
    recorded yet (``sla_watch_at``), earliest first."""
    rows = conn.execute(
        "SELECT id FROM tickets WHERE sla_watch_at IS NOT NULL AND sla_watch_at <= ?"
        " ORDER BY sla_watch_at LIMIT ?",
        (now, limit),
    )
    return [int(row[0]) for row in rows]


def ticket_id_batches(conn: sqlite3.Connection, size: int) -> Iterator[list[int]]:
    """Every ticket id, ``size`` at a time in id order; each batch is read when the
    previous one has been used, so the caller may write between batches."""
    after = 0
    while True:
        rows = conn.execute(
            "SELECT id FROM tickets WHERE id > ? ORDER BY id LIMIT ?", (after, size)
        ).fetchall()
        if not rows:
            return
        batch = [int(row[0]) for row in rows]
        yield batch
        after = batch[-1]


def ticket_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])


def tickets_created(conn: sqlite3.Connection, since: int, until: int) -> list[int]:
    """The tickets created in ``[since, until)`` that were not merged away, by id."""
    rows = conn.execute(
        "SELECT id FROM tickets WHERE created_at >= ? AND created_at < ?"
        " AND merged_into IS NULL ORDER BY id",
        (since, until),
    )
    return [int(row[0]) for row in rows]


def ticket_labels(conn: sqlite3.Connection, ticket_ids: Sequence[int]) -> dict[int, str]:
    """Each ticket's category (where a simulation's breaches are)."""
    rows = conn.execute(f"SELECT id, category FROM tickets WHERE id IN {_IDS}", (_ids(ticket_ids),))
    return {int(i): str(c) for i, c in rows}


def created_years(conn: sqlite3.Connection) -> tuple[int, ...]:
    """The years (UTC) tickets were created in, first to last: what a calendar must
    have holiday data for."""
    row = conn.execute(
        "SELECT CAST(strftime('%Y', min(created_at), 'unixepoch') AS INTEGER),"
        " CAST(strftime('%Y', max(created_at), 'unixepoch') AS INTEGER) FROM tickets"
    ).fetchone()
    if row is None or row[0] is None:
        return ()
    return tuple(range(int(row[0]), int(row[1]) + 1))
