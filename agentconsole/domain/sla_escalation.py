"""What happens when a clock comes close to its target or passes it, and when a
customer asks for someone more senior.

The policy file's ``[[escalations]]`` rules (:class:`agentconsole.sla.policies.
EscalationRule`) act on the at-risk and breach instants :mod:`agentconsole.domain.sla`
has just recorded, only for clocks still running and only for instants of the last
:data:`RECENT_SECONDS`, never for an instant already past when mail brings it (history
is not new work: importing last month's mail must not re-prioritise and reassign the
queue, whatever day it is imported on; an agent's change and the sweep see each
instant as it comes): raise the priority (one step, or to at least
the rule's ``priority``), add a tag, assign to a lead. Each action is an ordinary
change (:mod:`agentconsole.domain.tickets`, with its event, actor ``sla``), and the
rule that fired is recorded as an ``sla_escalated`` event naming it.

A customer asking for a supervisor (找你们主管, "speak to a manager": see
:func:`agentconsole.sla.escalation_words.asks_for_supervisor`) gets the ticket tagged
:data:`WANTS_SUPERVISOR` with an ``escalation_requested`` event; the console's
"Escalation requested" view lists those tickets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agentconsole.domain.sla_state import AT_RISK, BREACHED, ClockEvent
from agentconsole.models import PRIORITIES
from agentconsole.store.events import record_event
from agentconsole.store.query import compile_query
from agentconsole.store.sla_rows import match_policies
from agentconsole.store.ticket_rows import add_tag, ticket_field

if TYPE_CHECKING:
    from agentconsole.sla.policies import EscalationRule, PolicySet

WANTS_SUPERVISOR = "wants-supervisor"
"""The tag of a ticket whose customer asked for a supervisor or a senior agent."""
_ON = {AT_RISK: "at_risk", BREACHED: "breach"}
RECENT_SECONDS = 24 * 3600
"""How old an at-risk or breach instant may be for an escalation rule to act on it."""


def raised(current: str, rule: EscalationRule) -> str:
    """The priority ``rule`` gives a ticket at ``current``: at least its ``priority``,
    or one step up with ``raise_priority``; never lower."""
    rank = PRIORITIES.index(current)
    if rule.priority is not None:
        rank = min(rank, PRIORITIES.index(rule.priority))
    elif rule.raise_priority:
        rank = max(rank - 1, 0)
    return PRIORITIES[rank]


def _fires(rule: EscalationRule, event: ClockEvent) -> bool:
    return event.running and rule.on == _ON[event.kind] and event.clock in rule.clocks


def apply(
    conn: sqlite3.Connection,
    came: Sequence[tuple[int, ClockEvent]],
    policy_set: PolicySet,
    *,
    actor: str,
    now: int,
) -> None:
    """Run the escalation rules on the instants that just came (the caller holds the
    transaction)."""
    if not policy_set.escalations:
        return
    from agentconsole.domain.tickets import update_ticket

    for rule in policy_set.escalations:
        fired = [(t, e) for t, e in came if _fires(rule, e) and e.at >= now - RECENT_SECONDS]
        if not fired:
            continue
        ids = sorted({t for t, _ in fired})
        matching = set(match_policies(conn, ids, [compile_query(rule.when)]))
        for ticket_id, event in fired:
            if ticket_id not in matching:
                continue
            done: list[str] = []
            priority = ticket_field(conn, ticket_id, "priority") or "normal"
            target = raised(priority, rule)
            if target != priority:
                update_ticket(conn, [ticket_id], "priority", target, actor=actor)
                done.append(f"priority {priority} → {target}")
            if rule.assign_to and ticket_field(conn, ticket_id, "assignee") != rule.assign_to:
                update_ticket(conn, [ticket_id], "assignee", rule.assign_to, actor=actor)
                done.append(f"assigned to {rule.assign_to}")
            if rule.add_tag and _tag(conn, ticket_id, rule.add_tag, actor=actor, now=now):
                done.append(f"tag {rule.add_tag.strip().lower()}")
            if not done:
                continue  # the ticket had all of it already
            record_event(
                conn,
                "sla_escalated",
                actor=actor,
                ticket_id=ticket_id,
                at=now,
                data={
                    "rule": rule.name,
                    "on": rule.on,
                    "clock": event.clock,
                    "at": event.at,
                    "actions": done,
                },
            )


def _tag(conn: sqlite3.Connection, ticket_id: int, tag: str, *, actor: str, now: int) -> bool:
    """Add a tag with its event; False when the ticket had it."""
    from agentconsole.domain.sla import ticket_changed

    tag = tag.strip().lower()
    if not tag or not add_tag(conn, ticket_id, tag):
        return False
    record_event(conn, "tag_added", actor=actor, ticket_id=ticket_id, at=now, data={"tag": tag})
    ticket_changed(conn, [ticket_id], now=now)
    return True


def supervisor_requested(conn: sqlite3.Connection, ticket_id: int, *, actor: str, now: int) -> bool:
    """Flag a ticket whose customer asked for a supervisor: the tag and an
    ``escalation_requested`` event, once (False when it was flagged already)."""
    if not _tag(conn, ticket_id, WANTS_SUPERVISOR, actor=actor, now=now):
        return False
    record_event(
        conn,
        "escalation_requested",
        actor=actor,
        ticket_id=ticket_id,
        at=now,
        data={"reason": "the customer asked for a supervisor or a senior agent"},
    )
    return True
