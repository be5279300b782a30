"""What another policy file would have made of the recorded history, before a lead
adopts it (``agentconsole sla simulate``).

The tickets created in the period are replayed through the clocks under the other
policy set, batch by batch, reading only: nothing is written, no event recorded. A
ticket counts as breached when any of its clocks had passed its target by ``now``;
the figures "now" are the ones stored (the policy set in force when each ticket was
last computed), so the comparison is exactly what adopting the file would change.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agentconsole.domain.sla import compute_states
from agentconsole.domain.sla_state import sla_row
from agentconsole.store.sla_rows import ticket_labels, tickets_created
from agentconsole.store.tickets import ticket_refs

if TYPE_CHECKING:
    from agentconsole.sla.policies import PolicySet

BATCH = 2000
EXAMPLES = 10
"""How many tickets' refs a simulation names per direction of change."""


@dataclass
class Where:
    """Breaches now and under the other policies, in one policy or category."""

    tickets: int = 0
    now: int = 0
    then: int = 0


@dataclass
class Simulation:
    """The outcome of replaying a period under another policy set."""

    source: str
    since: int
    until: int
    tickets: int = 0
    breached_now: int = 0
    breached_then: int = 0
    by_policy: dict[str, Where] = field(default_factory=dict)
    """Under the policy the *other* file would apply ('' for none)."""
    by_category: dict[str, Where] = field(default_factory=dict)
    newly: list[str] = field(default_factory=list)
    """Refs (at most :data:`EXAMPLES`) of tickets that would breach and do not now."""
    newly_count: int = 0
    spared: list[str] = field(default_factory=list)
    """Refs of tickets breached now that would not be."""
    spared_count: int = 0


def _breached(instant: int | None, now: int) -> bool:
    return instant is not None and instant <= now


def simulate(
    conn: sqlite3.Connection,
    policy_set: PolicySet,
    *,
    since: int,
    until: int | None = None,
    now: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Replay the tickets created in ``[since, until)`` under ``policy_set``; reads only."""
    moment = int(time.time()) if now is None else now
    end = moment + 1 if until is None else until
    ids = tickets_created(conn, since, end)
    result = Simulation(policy_set.source, since, end, tickets=len(ids))
    newly: list[int] = []
    spared: list[int] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored, states = compute_states(conn, batch, policy_set, moment)
        categories = ticket_labels(conn, batch)
        for ticket_id, ticket in stored.items():
            state = states.get(ticket_id)
            before = _breached(ticket.stored.breached_at, moment)
            after = state is not None and _breached(
                sla_row(state, moment, set()).breached_at, moment
            )
            policy = state.policy if state is not None else ""
            for table, key in (
                (result.by_policy, policy),
                (result.by_category, categories[ticket_id]),
            ):
                where = table.setdefault(key, Where())
                where.tickets += 1
                where.now += before
                where.then += after
            result.breached_now += before
            result.breached_then += after
            if after and not before:
                newly.append(ticket_id)
            elif before and not after:
                spared.append(ticket_id)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    refs = ticket_refs(conn, newly[:EXAMPLES] + spared[:EXAMPLES])
    result.newly = [refs[i] for i in newly[:EXAMPLES]]
    result.spared = [refs[i] for i in spared[:EXAMPLES]]
    result.newly_count, result.spared_count = len(newly), len(spared)
    return result
