"""Writing customer rows as mail arrives; the rules live in
:mod:`agentconsole.domain.customers`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def address_owner(conn: sqlite3.Connection, address: str) -> tuple[int, str] | None:
    """The customer id and the name stored with ``address``, if it is known."""
    row = conn.execute(
        "SELECT customer_id, name FROM customer_addresses WHERE address = ?", (address,)
    ).fetchone()
    return (int(row[0]), str(row[1] or "")) if row else None


def set_address_name(conn: sqlite3.Connection, address: str, name: str) -> None:
    conn.execute("UPDATE customer_addresses SET name = ? WHERE address = ?", (name, address))


def insert_customer(conn: sqlite3.Connection, address: str, name: str, created_at: int) -> int:
    """A new customer known by ``address``; returns its id."""
    cursor = conn.execute(
        "INSERT INTO customers (name, created_at, last_contact_at, key) VALUES (?, ?, NULL, ?)",
        (name, created_at, address.lower()),
    )
    customer_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO customer_addresses (address, customer_id, name) VALUES (?, ?, ?)",
        (address, customer_id, name),
    )
    return customer_id


def note_contact(conn: sqlite3.Connection, customer_id: int, date: int) -> None:
    """Move the customer's last contact forward to ``date`` (never back)."""
    conn.execute(
        "UPDATE customers SET last_contact_at = max(coalesce(last_contact_at, 0), ?) WHERE id = ?",
        (date, customer_id),
    )


def add_identifiers(
    conn: sqlite3.Connection,
    customer_id: int,
    message_id: int,
    identifiers: Sequence[tuple[str, str]],
) -> None:
    """Remember (kind, value) identifiers first seen in ``message_id``."""
    conn.executemany(
        "INSERT OR IGNORE INTO customer_identifiers (kind, value, customer_id,"
        " first_message_id) VALUES (?, ?, ?, ?)",
        [(k, v, customer_id, message_id) for k, v in identifiers],
    )
