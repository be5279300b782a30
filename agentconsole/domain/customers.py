"""Customers as mail and agents see them: found or created by address as mail
arrives, their last contact and identifiers kept up to date, merged by an agent."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from agentconsole.store import customers as customer_store
from agentconsole.store.customer_rows import (
    add_identifiers,
    address_owner,
    insert_customer,
    note_contact,
    set_address_name,
)
from agentconsole.store.events import record_event


def customer_for_address(
    conn: sqlite3.Connection, address: str, name: str, date: int, *, actor: str, now: int
) -> tuple[int, bool]:
    """The customer who owns ``address``, created (with its event) if none does; a
    name seen for the first time is kept. Returns (customer id, created)."""
    owner = address_owner(conn, address)
    if owner is not None:
        customer_id, known_name = owner
        if name and not known_name:
            set_address_name(conn, address, name)
        return customer_id, False
    customer_id = insert_customer(conn, address, name, date)
    record_event(
        conn,
        "customer_created",
        actor=actor,
        customer_id=customer_id,
        at=now,
        data={"address": address, "name": name},
    )
    return customer_id, True


def customer_wrote(
    conn: sqlite3.Connection,
    customer_id: int,
    date: int,
    message_id: int,
    identifiers: Sequence[tuple[str, str]],
) -> None:
    """A customer's own (not automatic) message: last contact, identifiers seen in it."""
    note_contact(conn, customer_id, date)
    if identifiers:
        add_identifiers(conn, customer_id, message_id, identifiers)


def merge_customers(conn: sqlite3.Connection, keep: int, merge: int, *, actor: str) -> None:
    """Move everything of ``merge`` onto ``keep`` with its event, in one transaction
    (see :func:`agentconsole.store.customers.merge_customers`)."""
    customer_store.merge_customers(conn, keep, merge, actor=actor)
