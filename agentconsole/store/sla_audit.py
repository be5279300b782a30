"""What an ``sla recompute`` run did, read back from the event log: the escalations
recorded after a given event id (the run's own, since they carry the SLA's actor)."""

from __future__ import annotations

import sqlite3


def last_event_id(conn: sqlite3.Connection) -> int:
    """The id of the newest event (0 when there is none): where a run starts."""
    row = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
    return int(row[0])


def escalations_after(conn: sqlite3.Connection, event_id: int, *, actor: str) -> int:
    """How many ``sla_escalated`` events ``actor`` recorded after ``event_id``."""
    row = conn.execute(
        "SELECT count(*) FROM events WHERE id > ? AND kind = 'sla_escalated' AND actor = ?",
        (event_id, actor),
    ).fetchone()
    return int(row[0])
