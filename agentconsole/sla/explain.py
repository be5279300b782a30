"""Why a ticket's clocks say what they say (``agentconsole sla explain``).

A dispute about a breach is settled by showing the working: which policy applied and
why (its ``when`` matched, and each policy before it did not), every stretch of
business time that counted towards each target, the pauses (pending on the customer,
solved), and the due times. The clocks are computed afresh at ``now`` under the
given policy set, exactly as :mod:`agentconsole.domain.sla` computes them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agentconsole.domain.sla import IMPORT_ACTOR, conditions
from agentconsole.domain.sla_state import with_mail_statuses
from agentconsole.sla.model import ClockState, Segment, StatusChange
from agentconsole.store.sla_rows import match_policies, stored_tickets

if TYPE_CHECKING:
    from agentconsole.sla.policies import Policy, PolicySet

PAUSED = ("pending", "solved", "closed")
"""Statuses in which the resolution clock does not count."""


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch in which the ticket waited on the customer or was solved."""

    start: int
    end: int | None
    """None: still paused."""
    status: str


@dataclass(frozen=True, slots=True)
class Explanation:
    ticket_id: int
    policy: Policy | None
    skipped: tuple[Policy, ...]
    """The policies tried before it, whose ``when`` did not match."""
    merged: bool
    timezone: str
    """The calendar's timezone (UTC without a policy): what instants are shown in."""
    clocks: tuple[ClockState, ...]
    segments: tuple[Segment, ...]
    pauses: tuple[Pause, ...]
    source: str
    stored_due: int | None = None
    """``tickets.due_at`` as stored: computed under the policy file in force when the
    ticket last changed, so it differs from :attr:`due_at` after the file was edited
    (until ``sla recompute``) or when another file is explained."""

    @property
    def due_at(self) -> int | None:
        """The earliest due instant of the running clocks, as computed here."""
        dues = [c.due_at for c in self.clocks if c.running and c.due_at is not None]
        return min(dues) if dues else None

    @property
    def stale(self) -> bool:
        """The stored due time is not the one computed here."""
        return self.stored_due != self.due_at

    def due(self, clock: str) -> int | None:
        """The clock's due time while it runs, else None."""
        for state in self.clocks:
            if state.clock == clock:
                return state.due_at if state.running else None
        return None


def pauses(changes: tuple[StatusChange, ...]) -> tuple[Pause, ...]:
    """The stretches spent in a paused status, from the status timeline."""
    found: list[Pause] = []
    start: int | None = None
    status = ""
    for change in changes:
        if change.status in PAUSED and start is None:
            start, status = change.at, change.status
        elif change.status not in PAUSED and start is not None:
            found.append(Pause(start, change.at, status))
            start = None
        elif change.status in PAUSED and start is not None and change.status != status:
            found.append(Pause(start, change.at, status))
            start, status = change.at, change.status
    if start is not None:
        found.append(Pause(start, None, status))
    return tuple(p for p in found if p.end is None or p.end > p.start)


def explain(
    conn: sqlite3.Connection, ticket_id: int, policy_set: PolicySet, *, now: int
) -> Explanation | None:
    """The working behind one ticket's clocks; None when there is no such ticket."""
    from agentconsole.sla.clocks import compute

    stored = stored_tickets(conn, [ticket_id], skip_status_actor=IMPORT_ACTOR).get(ticket_id)
    if stored is None:
        return None
    history = with_mail_statuses(stored.history)
    matches = match_policies(conn, [ticket_id], conditions(policy_set))
    index = matches.get(ticket_id)
    if stored.merged or index is None:
        return Explanation(
            ticket_id,
            None,
            policy_set.policies,
            stored.merged,
            "UTC",
            (),
            (),
            pauses(history.status_changes),
            policy_set.source,
            stored.stored.due_at,
        )
    policy = policy_set.policies[index]
    calendar = policy_set.calendars[policy.calendar]
    state = compute(history, policy, calendar, now=now, at_risk_share=policy_set.at_risk_share)
    return Explanation(
        ticket_id=ticket_id,
        policy=policy,
        skipped=policy_set.policies[:index],
        merged=False,
        timezone=calendar.timezone,
        clocks=state.clocks,
        segments=state.segments,
        pauses=pauses(history.status_changes),
        source=policy_set.source,
        stored_due=stored.stored.due_at,
    )
