"""Reading tickets (changes go through :mod:`agentconsole.domain.tickets`).

Listings page through the database (``LIMIT``/``OFFSET`` over indexed orderings) so a
caller never holds more rows than it shows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from agentconsole.models import Ticket
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
