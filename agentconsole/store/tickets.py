"""Reading tickets (changes go through :mod:`agentconsole.domain.tickets`).

Listings page through the database (``LIMIT``/``OFFSET`` over indexed orderings) so a
caller never holds more rows than it shows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from agentconsole.models import Ticket
from agentconsole.refs import REF_LENGTH, message_ref
from agentconsole.store.query import TicketQuery, order_by

_SELECT = """
SELECT t.id, t.subject, t.status, t.priority, t.category, t.assignee, t.customer_id,
       coalesce(c.name, ''),
       coalesce((SELECT address FROM customer_addresses a WHERE a.customer_id = t.customer_id
                 ORDER BY a.address LIMIT 1), ''),
       t.created_at, t.updated_at, t.first_response_at, t.last_customer_at, t.last_agent_at,
       t.last_message_at, t.solved_at, t.due_at, t.message_count,
       (SELECT group_concat(tag, char(31)) FROM ticket_tags g WHERE g.ticket_id = t.id)
FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
"""


def refresh_ticket_ref(conn: sqlite3.Connection, ticket_id: int) -> str | None:
    """Set ``tickets.ref`` to the ref of the ticket's earliest message (date, then ref)
    and return it; the caller holds the write transaction.

    A ref another ticket holds already is extended by two characters of the same
    digest until unique (docs/design/identity.md)."""
    first = conn.execute(
        "SELECT message_id, dedupe_key FROM messages WHERE ticket_id = ?"
        " ORDER BY date IS NULL, date, ref LIMIT 1",
        (ticket_id,),
    ).fetchone()
    if first is None:
        return None
    length = REF_LENGTH
    ref = message_ref(first[0], bytes(first[1] or b""), length)
    while conn.execute(
        "SELECT 1 FROM tickets WHERE ref = ? AND id != ?", (ref, ticket_id)
    ).fetchone():
        length += 2
        ref = message_ref(first[0], bytes(first[1] or b""), length)
    conn.execute("UPDATE tickets SET ref = ? WHERE id = ? AND ref IS NOT ?", (ref, ticket_id, ref))
    conn.execute(
        "UPDATE events SET ticket_ref = ? WHERE ticket_id = ? AND ticket_ref IS NULL",
        (ref, ticket_id),
    )
    return ref


def resolve_ref(conn: sqlite3.Connection, ref: str) -> list[int]:
    """The tickets a canonical ref names, usually one.

    ``tickets.ref`` first (a ref extended after a collision is found by its first eight
    characters too; a ticket merged into another answers with the survivor), else any
    message whose own ref it is: so the ref of a ticket another machine started from a
    different first message still leads to the ticket holding that mail. Several ids mean the
    ref is ambiguous; the caller decides (participant check, or list them)."""
    rows = conn.execute(
        "SELECT DISTINCT coalesce(merged_into, id) FROM tickets"
        " WHERE ref = ? OR (length(ref) > ? AND substr(ref, 1, ?) = ?) ORDER BY 1",
        (ref, len(ref), len(ref), ref),
    ).fetchall()
    if not rows:
        rows = conn.execute(
            "SELECT DISTINCT ticket_id FROM messages WHERE ref = ? AND ticket_id IS NOT NULL"
            " ORDER BY ticket_id",
            (ref,),
        ).fetchall()
    return [int(row[0]) for row in rows]


class TicketNotFound(LookupError):
    """No ticket with that reference."""


def _ticket(row: tuple[Any, ...]) -> Ticket:
    tags = tuple(sorted(row[18].split("\x1f"))) if row[18] else ()  # tags may hold commas
    return Ticket(
        id=row[0],
        subject=row[1],
        status=row[2],
        priority=row[3],
        category=row[4],
        assignee=row[5],
        customer_id=row[6],
        customer_name=row[7],
        customer_address=row[8],
        created_at=row[9],
        updated_at=row[10],
        first_response_at=row[11],
        last_customer_at=row[12],
        last_agent_at=row[13],
        last_message_at=row[14],
        solved_at=row[15],
        due_at=row[16],
        message_count=row[17],
        tags=tags,
    )


def list_tickets(
    conn: sqlite3.Connection,
    query: TicketQuery,
    *,
    sort: str = "activity",
    limit: int = 50,
    offset: int = 0,
    total: int | None = None,
) -> list[Ticket]:
    """One page of the tickets matching ``query``.

    Given the ``total`` count, a page in the second half is read with the order
    reversed from the end: OFFSET walks the index, so the last page of 100,000 rows then
    costs what the first one does.
    """
    order = order_by(sort)
    reverse = total is not None and offset > total // 2
    if reverse:
        assert total is not None
        end = min(total, offset + limit)
        offset, limit = total - end, max(0, end - offset)
    inner = order_by(sort, reverse=reverse)
    # Two phases: choose the page's ids with nothing but the filter and the order (so
    # the planner can walk an index and stop), then fetch details for those rows only.
    sql = (
        f"{_SELECT} WHERE t.id IN (SELECT t.id FROM tickets t WHERE {query.where}"
        f" ORDER BY {inner} LIMIT ? OFFSET ?) ORDER BY {order}"
    )
    rows = conn.execute(sql, (*query.params, limit, offset)).fetchall()
    return [_ticket(row) for row in rows]


def iter_tickets(
    conn: sqlite3.Connection, query: TicketQuery, *, sort: str = "activity"
) -> Iterator[Ticket]:
    """Every ticket matching ``query``, in order, read row by row as the caller consumes
    them (``tickets --limit 0``): a script asking for all of 100,000 tickets does not
    wait for, or hold, the whole list."""
    sql = f"{_SELECT} WHERE {query.where} ORDER BY {order_by(sort)}"
    for row in conn.execute(sql, query.params):
        yield _ticket(row)


def count_tickets(conn: sqlite3.Connection, query: TicketQuery) -> int:
    row = conn.execute(f"SELECT count(*) FROM tickets t WHERE {query.where}", query.params)
    return int(row.fetchone()[0])


def get_ticket(conn: sqlite3.Connection, ticket_id: int) -> Ticket:
    row = conn.execute(f"{_SELECT} WHERE t.id = ?", (ticket_id,)).fetchone()
    if row is None:
        raise TicketNotFound(f"no ticket T-{ticket_id}")
    return _ticket(row)
