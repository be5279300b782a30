"""Which new tickets may get an automatic acknowledgement, and who got one lately.

The rules themselves (loop protection, one a day per customer) are the compose core's
(:mod:`agentconsole.compose.acknowledge`); these are only its reads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from agentconsole.store.db import write_txn

ACK_EVENT = "acknowledged"
"""The event recorded on a ticket when its acknowledgement is queued."""


@dataclass(frozen=True, slots=True)
class AckCandidate:
    """A new ticket opened by a customer's own mail, not acknowledged yet."""

    ticket_id: int
    customer_id: int | None
    from_addr: str
    message_id: int


def ack_candidates(conn: sqlite3.Connection, *, since: int, limit: int = 500) -> list[AckCandidate]:
    """New, unanswered, unacknowledged tickets whose first message is a customer's
    ordinary mail (no auto-reply, bounce, list or bulk mail; not quarantined), dated
    and stored since ``since``: an old mailbox synced for the first time gets none.

    A team shares the mailbox, so "unacknowledged" is what any machine did, as far as
    this store knows it: a ticket holding any outgoing message (a teammate's
    acknowledgement or reply synced from the Sent folder, ours queued), an
    ``acknowledged`` event (ours, or a teammate's from the team log), an assignee or a
    claim is someone's already and gets none."""
    rows = conn.execute(
        "SELECT t.id, t.customer_id, m.from_addr, m.id FROM tickets t"
        " JOIN messages m ON m.id = (SELECT f.id FROM messages f WHERE f.ticket_id = t.id"
        "  ORDER BY f.date IS NULL, f.date, f.id LIMIT 1)"
        " WHERE t.status = 'new' AND t.first_response_at IS NULL AND t.created_at >= ?"
        " AND m.direction = 'in' AND m.auto_kind IS NULL AND m.status != 'quarantined'"
        " AND m.imported_at >= ?"
        " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket_id = t.id AND e.kind = ?)"
        " AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.ticket_id = t.id"
        "  AND o.direction = 'out')"
        " AND t.assignee IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM ticket_claims c WHERE c.ticket_id = t.id)"
        " ORDER BY t.created_at, t.id LIMIT ?",
        (since, since, ACK_EVENT, limit),
    ).fetchall()
    return [AckCandidate(int(r[0]), r[1], str(r[2]), int(r[3])) for r in rows]


def acknowledged_since(conn: sqlite3.Connection, customer_id: int, since: int) -> bool:
    """True when the customer was sent an acknowledgement at or after ``since``, by
    this machine (its event) or by any teammate's (the automatic outgoing message
    stored on one of the customer's tickets, synced from the Sent folder)."""
    row = conn.execute(
        "SELECT 1 FROM events WHERE customer_id = ? AND kind = ? AND at >= ?"
        " UNION ALL SELECT 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id"
        " WHERE t.customer_id = ? AND m.direction = 'out' AND m.auto_kind = 'auto_reply'"
        " AND COALESCE(m.date, m.imported_at) >= ? LIMIT 1",
        (customer_id, ACK_EVENT, since, customer_id, since),
    ).fetchone()
    return row is not None


SKIPS_SAID_KEY = "acknowledge_skips_said_through"
"""Meta key: the highest ticket id whose skipped acknowledgement was said already."""


def skips_said_through(conn: sqlite3.Connection) -> int:
    """The highest ticket id whose "not acknowledged" line a command printed (0: none).
    A skipped ticket stays a candidate (the daily limit passes), so each pass skips it
    again: saying it once is enough."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SKIPS_SAID_KEY,)).fetchone()
    return int(row[0]) if row is not None else 0


def mark_skips_said(conn: sqlite3.Connection, ticket_id: int) -> None:
    """Remember that the skips of tickets up to ``ticket_id`` were said."""
    with write_txn(conn):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            (SKIPS_SAID_KEY, str(ticket_id)),
        )
