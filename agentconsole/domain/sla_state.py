"""From a ticket's stored history to what the clocks read, and from what they compute
to the ticket's SLA columns and events: the pure half of :mod:`agentconsole.domain.sla`.

Three rules live here:

- **Status history.** The import records a status change at the moment it runs, not
  when the mail was written, so importing last year's mail today would put every
  pause of the resolution clock in the wrong place. The status the mail gives a
  ticket is therefore replayed from its messages (our reply: pending; the
  customer writing: open), and only the changes made by others (agents, replies
  with a chosen status, merges by hand) are taken from the events, each at its time.
- **Columns.** ``due_at`` is the earliest due instant of the running clocks;
  ``sla_at_risk_at`` the earliest at-risk instant of the running clocks (so
  ``due:risk``, ``sla_at_risk_at <= now < due_at``, means that some running clock
  is at risk); ``sla_breached_at`` the earliest breach of any clock, stopped ones
  included (a late first reply stays a breach).
- **Events.** Each at-risk and breach instant that has come (``<= now``) is an event
  dated at that instant, recorded once: the first response happens once per ticket,
  so its events are recorded once per ticket whatever the policy says later; the
  next-response and resolution clocks run again after each customer message and
  reopening, so theirs are told apart by their instant. The earliest instant still
  to come is the ticket's ``sla_watch_at``, for :func:`agentconsole.domain.sla.sweep`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agentconsole.sla.model import ClockName, ClockState, SlaState, StatusChange, TicketHistory
from agentconsole.store.sla_rows import SlaRow

AT_RISK = "sla_at_risk"
BREACHED = "sla_breached"


def with_mail_statuses(history: TicketHistory) -> TicketHistory:
    """``history`` with the status changes its mail implies added (see the module):
    our reply makes the ticket pending, the customer writing makes it open; automatic
    mail and internal notes change nothing. At the same instant a recorded change
    comes after the mail's (an agent replying and solving at once is solved)."""
    implied = [
        StatusChange(m.at, "pending" if m.direction == "out" else "open")
        for m in history.messages
        if not m.auto and m.direction != "note"
    ]
    if history.status_changes:
        merged = sorted(
            [(c.at, 0, i, c) for i, c in enumerate(implied)]
            + [(c.at, 1, i, c) for i, c in enumerate(history.status_changes)]
        )
        implied = [change for *_, change in merged]
    # built directly, not with dataclasses.replace: this runs once per ticket in a
    # recompute of every ticket, and replace costs several times more
    return TicketHistory(
        history.ticket_id, history.created_at, history.status, history.messages, tuple(implied)
    )


def _breach_instant(clock: ClockState) -> int | None:
    """When the clock is or will be breached: its recorded instant, else for a running
    clock its due time."""
    if clock.breached_at is not None:
        return clock.breached_at
    return clock.due_at if clock.running else None


def _earliest(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """An at-risk or breach instant of one clock."""

    kind: str
    clock: ClockName
    at: int
    running: bool
    """Whether the clock still ran when computed (only then does escalation act)."""
    target: int

    def key(self, ticket_id: int) -> tuple[int, str, str, int]:
        """What makes the event the same one when recorded before (see the module)."""
        return (ticket_id, self.kind, self.clock, 0 if self.clock == "first_response" else self.at)


def clock_events(state: SlaState) -> list[ClockEvent]:
    """Every at-risk and breach instant of the state's clocks, past or to come."""
    events: list[ClockEvent] = []
    for clock in state.clocks:
        for kind, at in ((AT_RISK, clock.at_risk_at), (BREACHED, _breach_instant(clock))):
            if at is not None:
                events.append(ClockEvent(kind, clock.clock, at, clock.running, clock.target))
    return sorted(events, key=lambda e: (e.at, e.kind, e.clock))


def sla_row(
    state: SlaState,
    now: int,
    recorded: set[tuple[int, str, str, int]],
    events: list[ClockEvent] | None = None,
) -> SlaRow:
    """The ticket's SLA columns for ``state`` computed at ``now``; ``recorded`` (the
    event keys it has, :meth:`ClockEvent.key`) decides the watch instant. ``events``
    is :func:`clock_events` of the state when the caller has it already."""
    first = state.clock("first_response")
    following = state.clock("next_response")
    resolution = state.clock("resolution")
    running = [c for c in state.clocks if c.running]
    upcoming = [
        e.at
        for e in (clock_events(state) if events is None else events)
        if e.running and e.at > now and e.key(state.ticket_id) not in recorded
    ]
    return SlaRow(
        policy=state.policy,
        due_at=state.due_at,
        first_response_due_at=_due(first),
        next_response_due_at=_due(following),
        resolution_due_at=_due(resolution),
        first_response_secs=first.elapsed if first is not None and first.achieved else None,
        resolution_secs=(
            resolution.elapsed if resolution is not None and resolution.achieved else None
        ),
        at_risk_at=_earliest(c.at_risk_at for c in running),
        breached_at=_earliest(_breach_instant(c) for c in state.clocks),
        first_response_target=first.target if first is not None else None,
        resolution_target=resolution.target if resolution is not None else None,
        first_response_breached_at=_breach_instant(first) if first is not None else None,
        resolution_breached_at=_breach_instant(resolution) if resolution is not None else None,
        watch_at=min(upcoming) if upcoming else None,
    )


def _due(clock: ClockState | None) -> int | None:
    return clock.due_at if clock is not None and clock.running else None


def events_due(
    state: SlaState,
    now: int,
    recorded: set[tuple[int, str, str, int]],
    events: list[ClockEvent] | None = None,
) -> list[ClockEvent]:
    """The instants that have come and are not recorded yet, oldest first."""
    due: list[ClockEvent] = []
    seen: set[tuple[int, str, str, int]] = set()  # not a copy of ``recorded``: it is
    # the whole batch's, and copying it per ticket made recompute-all quadratic
    for event in clock_events(state) if events is None else events:
        if event.at > now:
            continue
        key = event.key(state.ticket_id)
        if key not in recorded and key not in seen:
            seen.add(key)
            due.append(event)
    return due
