"""Putting a stored message on its ticket: a new ticket when threading found none,
the participants, and the arrival rules of :mod:`agentconsole.domain.arrival`."""

from __future__ import annotations

import sqlite3

from agentconsole.domain.arrival import Arrival, message_arrived, open_ticket
from agentconsole.ingest.prepare import Prepared
from agentconsole.store.ticket_rows import add_participants
from agentconsole.store.tickets import ref_is_free

MAX_PARTICIPANTS_PER_MESSAGE = 20


def arrival_of(prepared: Prepared, date: int, outbound: bool) -> Arrival:
    return Arrival(
        date=date,
        outbound=outbound,
        automatic=prepared.parsed.auto_kind is not None,
        category=prepared.category,
    )


def new_ticket(
    conn: sqlite3.Connection,
    prepared: Prepared,
    *,
    customer_id: int | None,
    date: int,
    outbound: bool,
    actor: str,
    now: int,
) -> tuple[int, bool]:
    """The ticket a message that joins none opens, with the message's arrival applied;
    only its participants remain to be added (:func:`participants`). Returns (its id,
    whether it was written with its ref).

    The message is the ticket's only one, so the ticket's ref is the message's own
    (``prepared.ref``); unless another ticket holds it or an extension of it (a
    collision, which :func:`~agentconsole.store.tickets.refresh_ticket_ref` settles
    once the message is stored), the row is written with it. Giving it afterwards
    took five statements a new ticket, two of them updates through unique indexes."""
    ref = prepared.ref if prepared.ref and ref_is_free(conn, prepared.ref) else None
    ticket_id = open_ticket(
        conn,
        subject=prepared.parsed.subject,
        norm_subject=prepared.norm_subject,
        customer_id=customer_id,
        arrival=arrival_of(prepared, date, outbound),
        priority=prepared.priority,
        source=prepared.label,
        actor=actor,
        now=now,
        ref=ref,
    )
    return ticket_id, ref is not None


def participants(prepared: Prepared) -> list[str]:
    """Who takes part: the sender, and the recipients of a person's mail (at most
    :data:`MAX_PARTICIPANTS_PER_MESSAGE`; a bulk mail's hundreds would not be)."""
    parsed = prepared.parsed
    addresses = [parsed.from_addr] if parsed.from_addr else []
    if parsed.auto_kind is None:
        addresses += [a for _, a in [*parsed.to, *parsed.cc]][:MAX_PARTICIPANTS_PER_MESSAGE]
    return addresses


def attach(
    conn: sqlite3.Connection,
    ticket_id: int,
    prepared: Prepared,
    *,
    date: int,
    outbound: bool,
    actor: str,
    now: int,
) -> None:
    """Record the participants and apply the arrival rules to the ticket."""
    add_participants(conn, ticket_id, participants(prepared))
    message_arrived(conn, ticket_id, arrival_of(prepared, date, outbound), actor=actor, now=now)
