"""What mail arriving does to a ticket.

Status on import follows the conversation, not the import: a thread whose last
message is ours is ``pending`` (waiting for the customer), one where the customer
wrote last is ``new``/``open``; a solved ticket is reopened only by a customer message
newer than its solving. So importing old history never floods the open queue.

Our first reply after the customer wrote sets the first response time. Automatic
mail (bounces, auto-replies, lists) joins a ticket without touching its clocks or
status. Compose (sending a reply) and sync (a teammate's message) arrive here too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from agentconsole.domain.tickets import solved_at_after
from agentconsole.store.events import record_event
from agentconsole.store.ticket_rows import (
    TicketState,
    insert_ticket,
    set_columns,
    ticket_state,
    write_arrival,
)

UNSORTED = "other"
"""The category of a ticket nothing has classified yet."""


@dataclass(frozen=True, slots=True)
class Arrival:
    """A message joining a ticket, as far as the ticket's rules care."""

    date: int
    outbound: bool
    automatic: bool
    category: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """A ticket's state after an arrival, and why its status changed (if it did)."""

    state: TicketState
    reason: str


def first_status(outbound: bool) -> str:
    """A new ticket opened by our own mail waits for the customer; one opened by the
    customer is new."""
    return "pending" if outbound else "new"


def after_arrival(state: TicketState, arrival: Arrival, now: int) -> Outcome:
    """The ticket's clocks and status once ``arrival`` joined it (pure: no I/O)."""
    date = arrival.date
    status = state.status
    first_response = state.first_response_at
    last_customer, last_agent = state.last_customer_at, state.last_agent_at
    new_status, reason = status, ""
    if not arrival.automatic:
        if arrival.outbound:
            last_agent = max(last_agent or date, date)
            if last_customer is not None and first_response is None and date >= state.created_at:
                first_response = date
        else:
            last_customer = max(last_customer or date, date)
        if status in ("new", "open", "pending"):
            if last_agent is not None and (last_customer is None or last_agent >= last_customer):
                new_status, reason = "pending", "our reply is the latest message"
            elif status == "pending":
                new_status, reason = "open", "the customer wrote after our reply"
        elif not arrival.outbound and date > (state.solved_at or 0):
            new_status, reason = "open", "the customer wrote after the ticket was solved"
    after = replace(
        state,
        status=new_status,
        first_response_at=first_response,
        last_customer_at=last_customer,
        last_agent_at=last_agent,
        solved_at=solved_at_after(status, new_status, state.solved_at, now),
    )
    return Outcome(after, reason)


def open_ticket(
    conn: sqlite3.Connection,
    *,
    subject: str,
    norm_subject: str,
    customer_id: int | None,
    arrival: Arrival,
    priority: str,
    source: str,
    actor: str,
    now: int,
    ref: str | None = None,
) -> int:
    """A new ticket for a message that joins none; records ``ticket_created``. The
    message's arrival is applied to the state the ticket opens with before the row is
    written (one insert, not an insert and an update of seven indexes), with the
    events :func:`message_arrived` would record. ``ref``: the ticket's ref, when the
    caller knows it is free (its events then carry it from the start)."""
    status = first_status(arrival.outbound)
    opened = TicketState(
        status=status,
        created_at=arrival.date,
        first_response_at=None,
        last_customer_at=None,
        last_agent_at=None,
        solved_at=None,
        category=arrival.category,
    )
    outcome = after_arrival(opened, arrival, now)
    ticket_id = insert_ticket(
        conn,
        subject=subject,
        norm_subject=norm_subject,
        customer_id=customer_id,
        state=outcome.state,
        priority=priority,
        last_message_at=arrival.date,
        now=now,
        ref=ref,
    )
    record_event(
        conn,
        "ticket_created",
        actor=actor,
        ticket_id=ticket_id,
        customer_id=customer_id,
        at=now,
        data={
            "status": status,
            "priority": priority,
            "category": arrival.category,
            "source": source,
        },
    )
    _record_outcome(conn, ticket_id, opened, outcome, arrival, actor=actor, now=now)
    return ticket_id


def message_arrived(
    conn: sqlite3.Connection, ticket_id: int, arrival: Arrival, *, actor: str, now: int
) -> Outcome:
    """Apply :func:`after_arrival` to a stored ticket, with an event for a status
    change; a customer's message also classifies a ticket still unsorted."""
    before = ticket_state(conn, ticket_id)
    outcome = after_arrival(before, arrival, now)
    write_arrival(conn, ticket_id, outcome.state, date=arrival.date, now=now)
    _record_outcome(conn, ticket_id, before, outcome, arrival, actor=actor, now=now)
    return outcome


def _record_outcome(
    conn: sqlite3.Connection,
    ticket_id: int,
    before: TicketState,
    outcome: Outcome,
    arrival: Arrival,
    *,
    actor: str,
    now: int,
) -> None:
    """The events of an arrival already written: a status change, and the category a
    customer's message gives a ticket still unsorted."""
    if outcome.state.status != before.status:
        record_event(
            conn,
            "status",
            actor=actor,
            ticket_id=ticket_id,
            at=now,
            data={"from": before.status, "to": outcome.state.status, "reason": outcome.reason},
        )
    if before.category == UNSORTED and arrival.category != UNSORTED and not arrival.outbound:
        set_columns(conn, ticket_id, {"category": arrival.category})
        record_event(
            conn,
            "category",
            actor=actor,
            ticket_id=ticket_id,
            at=now,
            data={"from": before.category, "to": arrival.category},
        )
