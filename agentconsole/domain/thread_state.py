"""A ticket's clocks, status and subject as its messages in date order make them.

Import applies the arrival rules (:mod:`agentconsole.domain.arrival`) one message at
a time, so what a ticket ends up with depends on the order its mail was read: a reply
read before its original leaves no first response time, and a ticket opened by our
reply is titled "Re: ...". When a message arrives older than the ticket's latest, and
whenever two tickets are merged, the ticket is recomputed here by replaying the same
rules over its messages sorted by date: the result is what reading the mail in date
order would have given, whatever the order it was read in.

An agent's decision is not mail: once anyone but the import has set a ticket's status,
the status is left as the agent (and the arrival rules after them) made it; only the
clocks and the subject are recomputed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from agentconsole.domain.arrival import UNSORTED, Arrival, after_arrival, first_status
from agentconsole.domain.sla import ticket_changed
from agentconsole.mail.headers import normalise_subject
from agentconsole.store.events import record_event
from agentconsole.store.merge_rows import (
    Recomputed,
    StoredArrival,
    changed_by_others,
    merge_side,
    thread_arrivals,
    write_recomputed,
)
from agentconsole.store.ticket_rows import TicketState

IMPORT_ACTOR = "import"
"""The actor import records its events as; any other actor is an agent (or a
teammate's machine, once sync replays their events)."""


def status_set_by_agent(conn: sqlite3.Connection, ticket_id: int) -> bool:
    """Whether anyone but the import changed the ticket's status."""
    return changed_by_others(conn, ticket_id, ("status",), IMPORT_ACTOR)


def replay(arrivals: Sequence[StoredArrival]) -> Recomputed:
    """The ticket that ``arrivals`` (date order, at least one) make when imported in that
    order: the first message that is not automatic opens it (as at import, where
    automatic mail never opens a ticket), then every message arrives in turn. Pure."""
    opener = next((a for a in arrivals if not a.automatic), arrivals[0])
    state = TicketState(
        status=first_status(opener.outbound),
        created_at=opener.date,
        first_response_at=None,
        last_customer_at=None,
        last_agent_at=None,
        solved_at=None,
        category=UNSORTED,
    )
    for message in arrivals:
        arrival = Arrival(message.date, message.outbound, message.automatic, UNSORTED)
        state = after_arrival(state, arrival, now=0).state  # import never solves a ticket
    return Recomputed(
        subject=opener.subject,
        norm_subject=normalise_subject(opener.subject),
        status=state.status,
        solved_at=state.solved_at,
        created_at=opener.date,
        first_response_at=state.first_response_at,
        last_customer_at=state.last_customer_at,
        last_agent_at=state.last_agent_at,
        last_message_at=max(a.date for a in arrivals),
        message_count=len(arrivals),
    )


def settle(
    conn: sqlite3.Connection,
    ticket_id: int,
    *,
    actor: str,
    now: int,
    status: tuple[str, int | None] | None = None,
) -> None:
    """Recompute a stored ticket from its messages (see the module docstring).

    ``status`` (status, solved_at), when given, is the status a merge decided; else an
    agent's status stays and an import-only ticket takes the replayed one. A status
    change is recorded as an event, as every change is."""
    arrivals = thread_arrivals(conn, ticket_id)
    if not arrivals:
        return
    before = merge_side(conn, ticket_id)
    computed = replay(arrivals)
    if status is None and status_set_by_agent(conn, ticket_id):
        status = (before.status, before.solved_at)
    if status is not None:
        computed = replace(computed, status=status[0], solved_at=status[1])
    write_recomputed(conn, ticket_id, computed, now=now)
    ticket_changed(conn, [ticket_id], now=now)
    if computed.status != before.status:
        record_event(
            conn,
            "status",
            actor=actor,
            ticket_id=ticket_id,
            at=now,
            data={
                "from": before.status,
                "to": computed.status,
                "reason": "the thread's messages in date order",
            },
        )
