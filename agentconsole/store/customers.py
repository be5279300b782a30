"""Customers: who wrote, under which addresses, names and identifiers.

A customer is found by any of them: an e-mail address, a (Chinese or Latin) name, a
phone number, an account, order or transaction id seen in their mail. Merging two
customers keeps the older record and moves everything of the other onto it; the
merged record stays (``merged_into``) so that old references still resolve.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from agentconsole.identifiers import normalise_identifier
from agentconsole.models import Customer
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event


class CustomerNotFound(LookupError):
    """No customer with that id."""


@dataclass(frozen=True, slots=True)
class CustomerStats:
    """What the customer card shows beside the identity."""

    open_tickets: int
    total_tickets: int
    last_contact_at: int | None
    median_first_response_s: int | None


def resolve(conn: sqlite3.Connection, customer_id: int) -> int:
    """Follow ``merged_into`` links to the customer that is current."""
    seen = set()
    while customer_id not in seen:
        seen.add(customer_id)
        row = conn.execute("SELECT merged_into FROM customers WHERE id = ?", (customer_id,))
        found = row.fetchone()
        if found is None or found[0] is None:
            return customer_id
        customer_id = int(found[0])
    return customer_id


def get_customer(conn: sqlite3.Connection, customer_id: int) -> Customer:
    row = conn.execute(
        "SELECT id, name, created_at, last_contact_at, merged_into FROM customers WHERE id = ?",
        (customer_id,),
    ).fetchone()
    if row is None:
        raise CustomerNotFound(f"no customer C-{customer_id}")
    addresses = conn.execute(
        "SELECT address, name FROM customer_addresses WHERE customer_id = ? ORDER BY address",
        (customer_id,),
    ).fetchall()
    identifiers = conn.execute(
        "SELECT kind, value FROM customer_identifiers WHERE customer_id = ? ORDER BY kind, value",
        (customer_id,),
    ).fetchall()
    names = tuple(dict.fromkeys(n for n in [row[1], *(a[1] for a in addresses)] if n))
    return Customer(
        id=row[0],
        name=row[1],
        created_at=row[2],
        last_contact_at=row[3],
        addresses=tuple(a[0] for a in addresses),
        names=names,
        identifiers=tuple((k, v) for k, v in identifiers),
        merged_into=row[4],
    )


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_customers(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[Customer]:
    """Customers matching an address, name, phone, account, order or transaction id.

    Exact identifier and address matches come first, then partial matches by name or
    address; merged-away customers are replaced by the one they were merged into.
    """
    text = query.strip()
    if not text:
        return []
    ident = normalise_identifier(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    like = _like(text.lower())
    rows = conn.execute(
        """
        SELECT customer_id, 0 FROM customer_identifiers WHERE value = ? OR value = ?
        UNION ALL SELECT customer_id, 0 FROM customer_addresses WHERE address = ?
        UNION ALL SELECT customer_id, 1 FROM customer_identifiers
                  WHERE length(?) >= 7 AND kind = 'phone' AND value LIKE ?
        UNION ALL SELECT customer_id, 2 FROM customer_addresses
                  WHERE address LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'
        UNION ALL SELECT id, 2 FROM customers WHERE lower(name) LIKE ? ESCAPE '\\'
        LIMIT 1000
        """,
        (ident, "+" + ident, text.lower(), digits, f"%{digits}", like, like, like),
    ).fetchall()
    ordered: dict[int, int] = {}
    for customer_id, score in rows:
        current = resolve(conn, int(customer_id))
        if current not in ordered or score < ordered[current]:
            ordered[current] = score
    ids = sorted(ordered, key=lambda cid: (ordered[cid], cid))[:limit]
    return [get_customer(conn, cid) for cid in ids]


def customer_stats(conn: sqlite3.Connection, customer_id: int) -> CustomerStats:
    row = conn.execute(
        "SELECT sum(status IN ('new', 'open', 'pending')), count(*), max(last_customer_at)"
        " FROM tickets WHERE customer_id = ?",
        (customer_id,),
    ).fetchone()
    waits = [
        r[0]
        for r in conn.execute(
            "SELECT first_response_at - created_at FROM tickets WHERE customer_id = ?"
            " AND first_response_at IS NOT NULL ORDER BY 1",
            (customer_id,),
        )
    ]
    median = waits[len(waits) // 2] if waits else None
    return CustomerStats(int(row[0] or 0), int(row[1] or 0), row[2], median)


def merge_customers(conn: sqlite3.Connection, keep: int, merge: int, *, actor: str) -> None:
    """Move addresses, identifiers and tickets of ``merge`` onto ``keep``; record it."""
    asked = (keep, merge)
    keep, merge = resolve(conn, keep), resolve(conn, merge)
    if keep == merge:
        if asked[0] == asked[1]:
            raise ValueError("those are the same customer")
        absorbed = asked[0] if asked[0] != keep else asked[1]
        raise ValueError(f"C-{absorbed} was merged into C-{keep} already")
    get_customer(conn, keep)
    merged = get_customer(conn, merge)
    now = int(time.time())
    with write_txn(conn):
        conn.execute(
            "UPDATE customer_addresses SET customer_id = ? WHERE customer_id = ?", (keep, merge)
        )
        conn.execute(
            "INSERT OR IGNORE INTO customer_identifiers (kind, value, customer_id,"
            " first_message_id) SELECT kind, value, ?, first_message_id FROM"
            " customer_identifiers WHERE customer_id = ?",
            (keep, merge),
        )
        conn.execute("DELETE FROM customer_identifiers WHERE customer_id = ?", (merge,))
        conn.execute("UPDATE tickets SET customer_id = ? WHERE customer_id = ?", (keep, merge))
        conn.execute("UPDATE messages SET customer_id = ? WHERE customer_id = ?", (keep, merge))
        conn.execute(
            "UPDATE customers SET last_contact_at = max(coalesce(last_contact_at, 0),"
            " coalesce((SELECT last_contact_at FROM customers WHERE id = ?), 0)) WHERE id = ?",
            (merge, keep),
        )
        conn.execute("UPDATE customers SET merged_into = ? WHERE id = ?", (keep, merge))
        record_event(
            conn,
            "customer_merged",
            actor=actor,
            customer_id=keep,
            at=now,
            data={"merged": merge, "name": merged.name, "addresses": list(merged.addresses)},
        )
