"""Reading tickets (changes go through :mod:`agentconsole.domain.tickets`).

Listings page through the database (``LIMIT``/``OFFSET`` over indexed orderings) so a
caller never holds more rows than it shows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from agentconsole.models import Ticket, ticket_ref
from agentconsole.refs import REF_LENGTH, FirstMessage, allocate_refs
from agentconsole.store.query import TicketQuery, order_by

_SELECT = """
SELECT t.id, t.subject, t.status, t.priority, t.category, t.assignee, t.customer_id,
       coalesce(c.name, ''),
       coalesce((SELECT address FROM customer_addresses a WHERE a.customer_id = t.customer_id
                 ORDER BY a.address LIMIT 1), ''),
       t.created_at, t.updated_at, t.first_response_at, t.last_customer_at, t.last_agent_at,
       t.last_message_at, t.solved_at, t.due_at, t.message_count,
       (SELECT group_concat(tag, char(31)) FROM ticket_tags g WHERE g.ticket_id = t.id),
       t.ref, (SELECT agent FROM ticket_claims k WHERE k.ticket_id = t.id)
FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
"""


def _first_message(conn: sqlite3.Connection, ticket_id: int) -> FirstMessage | None:
    """The ticket's earliest message (date, then its ref), which names the ticket.
    A message without a ``Date:`` (dated when imported, so differently on every
    machine and in every import) comes after every dated one: the ref must not
    depend on when the mail was read. An internal note comes after every mail: it
    never went to the customer, and a note written today on a thread whose mail is
    all undated must not rename the ticket (with a random Message-ID, differently on
    every machine). Our own mail on a ticket it joined (a reply, an acknowledgement,
    stored here or synced back from Sent) comes after every customer's: it names
    the ticket's ref to the customer, so it must never become what renames it (a
    dateless customer mail would otherwise lose to it)."""
    row = conn.execute(
        "SELECT date, message_id, dedupe_key FROM messages WHERE ticket_id = ?"
        " ORDER BY direction = 'note', direction = 'out' AND thread_rule != 'new',"
        " date_source = 'import', date IS NULL, date, ref LIMIT 1",
        (ticket_id,),
    ).fetchone()
    return None if row is None else FirstMessage(row[0], row[1], bytes(row[2] or b""))


def _holders(conn: sqlite3.Connection, plain: str) -> list[int]:
    """The tickets whose ref is ``plain`` or an extension of it (an index range)."""
    rows = conn.execute(
        "SELECT id FROM tickets WHERE ref >= ? AND ref < ? ORDER BY id", (plain, plain + "~")
    )
    return [int(row[0]) for row in rows]


def ref_is_free(conn: sqlite3.Connection, plain: str) -> bool:
    """No ticket holds ``plain`` or an extension of it: a new ticket whose first message
    gives that ref can be written with it (what :func:`refresh_ticket_ref` would
    allocate), instead of being written, read back and given it."""
    row = conn.execute(
        "SELECT 1 FROM tickets WHERE ref >= ? AND ref < ? LIMIT 1", (plain, plain + "~")
    ).fetchone()
    return row is None


def _plain(ref: str) -> str:
    """The plain ref an extended one grew from."""
    return ref[: len("T-") + REF_LENGTH]


def reallocate_refs(
    conn: sqlite3.Connection, plain: str, firsts: dict[int, FirstMessage] | None = None
) -> None:
    """Give every ticket whose plain ref is ``plain`` the ref :func:`allocate_refs`
    says. ``firsts`` holds first messages already read (the refreshed ticket's).

    A ticket holding a ref of the group whose first message now names another group
    moves there; one with no mail left (merged away) lets its ref go, so that the ref
    resolves, through ``messages.ref``, to the ticket holding its mail."""
    firsts = firsts or {}
    holders = _holders(conn, plain)
    group: dict[int, FirstMessage] = {}
    strays: dict[int, FirstMessage | None] = {}
    for ticket_id in {*holders, *firsts}:
        first = firsts[ticket_id] if ticket_id in firsts else _first_message(conn, ticket_id)
        if first is not None and first.ref == plain:
            group[ticket_id] = first
        elif ticket_id in holders:
            strays[ticket_id] = first
    conn.executemany("UPDATE tickets SET ref = NULL WHERE id = ?", [(i,) for i in strays])
    ids = sorted(group)
    wanted = dict(zip(ids, allocate_refs([group[i] for i in ids]), strict=True))
    current = dict(
        conn.execute(
            f"SELECT id, ref FROM tickets WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
    )
    changed = [(ref, i) for i, ref in wanted.items() if current.get(i) != ref]
    # Clear first: two tickets may swap refs, and the unique index checks each row.
    conn.executemany("UPDATE tickets SET ref = NULL WHERE id = ?", [(i,) for _, i in changed])
    conn.executemany("UPDATE tickets SET ref = ? WHERE id = ?", changed)
    for ticket_id, first in strays.items():
        if first is not None:
            reallocate_refs(conn, first.ref, {ticket_id: first})


def refresh_ticket_ref(conn: sqlite3.Connection, ticket_id: int) -> str | None:
    """Set ``tickets.ref`` to the ref of the ticket's earliest message (date, then ref)
    and return it; the caller holds the write transaction. A ticket with no message
    (left empty by a merge) holds no ref and gets None.

    When plain refs collide, the ticket whose first message is later (by date, then
    digest) takes a longer ref, whichever was stored first: the colliding tickets are
    allocated again together, here and on every other machine alike
    (docs/design/identity.md, "Collisions")."""
    row = conn.execute("SELECT ref FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    old: str | None = row[0] if row else None
    first = _first_message(conn, ticket_id)
    if first is None:
        if old is not None:
            reallocate_refs(conn, _plain(old))  # lets go of it; the others may shorten
        return None
    plain = first.ref
    holders = _holders(conn, plain)
    if old == plain and holders == [ticket_id]:
        ref = old
    elif old is None and not holders:  # the usual new ticket: what allocation would give
        conn.execute("UPDATE tickets SET ref = ? WHERE id = ?", (plain, ticket_id))
        ref = plain
    else:
        reallocate_refs(conn, plain, {ticket_id: first})
        if old is not None and _plain(old) != plain:
            # It left another group (its first message changed): those may shorten.
            reallocate_refs(conn, _plain(old))
        ref = conn.execute("SELECT ref FROM tickets WHERE id = ?", (ticket_id,)).fetchone()[0]
    conn.execute(
        "UPDATE events SET ticket_ref = ? WHERE ticket_id = ? AND ticket_ref IS NULL",
        (ref, ticket_id),
    )
    return ref


def ticket_refs(conn: sqlite3.Connection, ticket_ids: Iterable[int]) -> dict[int, str]:
    """The ref to show for each of ``ticket_ids`` (``T-<id>`` for one with no message
    yet), for listings that hold ticket ids only (search hits, messages)."""
    ids = sorted(set(ticket_ids))
    refs = {i: ticket_ref(i) for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT id, ref FROM tickets WHERE ref IS NOT NULL"
            f" AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        refs.update((int(i), str(r)) for i, r in rows)
    return refs


def resolve_ref(conn: sqlite3.Connection, ref: str) -> list[int]:
    """The tickets a canonical ref names, usually one.

    ``tickets.ref`` first (a ref extended after a collision is found by its first eight
    characters too), else any message whose own ref it is: so the ref of a ticket
    merged into another, or of a ticket another machine started from a different
    first message, still leads to the ticket holding that mail. An extended ref that
    nobody holds any more (its ticket's collision went away) is read as its plain
    ref. Several ids mean the ref is ambiguous; the caller decides (participant
    check, or list them)."""
    rows = conn.execute(
        "SELECT DISTINCT coalesce(merged_into, id) FROM tickets"
        " WHERE ref >= ? AND ref < ? ORDER BY 1",
        (ref, ref + "~"),
    )
    found = [int(row[0]) for row in rows]  # a merged ticket answers with its survivor
    if not found:
        rows = conn.execute(
            "SELECT DISTINCT ticket_id FROM messages WHERE ref = ? AND ticket_id IS NOT NULL"
            " ORDER BY ticket_id",
            (ref,),
        )
        found = [int(row[0]) for row in rows]
    if not found and len(ref) > len(_plain(ref)):
        return resolve_ref(conn, _plain(ref))
    return found


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
        derived_ref=row[19],
        claimed_by=row[20],
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
