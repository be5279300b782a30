"""The three SLA clocks of a ticket, computed from its history (pure: no I/O).

One pass over the ticket's messages and status changes, in time order, decides when
each clock counts; a clock is then a list of *periods* (wall-clock stretches while it
counted) and everything else follows from the business calendar:

- **first response** counts from the first customer message until our first reply;
- **next response** counts, after that, from the oldest customer message we have not
  answered until our next reply: one *cycle* per unanswered batch of messages;
- **resolution** counts while the ticket is ``new`` or ``open``: it pauses while
  ``pending`` (waiting on the customer) and resumes when the customer writes, stops
  when ``solved``/``closed`` and resumes on reopening (the time already counted stays).

Only a customer's own mail (``direction='in'``, not ``auto``) starts or resumes a clock,
and only our own mail (``'out'``, not ``auto``) is a reply: notes, auto-replies, bounces
and our automatic acknowledgements never count. The messages move the status as the
domain's arrival rules do (``domain/arrival.py``): our reply makes a new or open ticket
pending, a customer message reopens a pending or solved one. The arrival rules record
those changes when the mail is *imported*, which can be long after it was written, so
the clocks take them from the messages' own instants; the recorded status changes
(an agent solving, reopening, setting pending) apply on top. Response clocks do not count
while the ticket is solved or closed (a ticket solved without a reply is not breached
later), but they do count while it is pending: asking the customer something is not an
answer to what they asked.

A due time is the first instant at which the counted business time reaches the target;
at risk is the same for the policy's share of it; a clock is breached when its due
instant passed before it stopped (or before ``now``, while it runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agentconsole.sla.calendar import BusinessCalendar
from agentconsole.sla.model import (
    CLOCKS,
    ClockName,
    ClockState,
    HistoryMessage,
    Segment,
    SlaState,
    TicketHistory,
)
from agentconsole.sla.policyfile import Policy

RUNNING_STATUSES = ("new", "open")
DONE_STATUSES = ("solved", "closed")


class _Clock:
    """Periods of one clock (one cycle of next response): ``[start, end]``, end None
    while it still counts."""

    __slots__ = ("periods", "achieved", "counting")

    def __init__(self) -> None:
        self.periods: list[list[int | None]] = []
        self.achieved = False
        self.counting = False

    def set_counting(self, counting: bool, at: int) -> None:
        if counting is not self.counting:
            if counting:
                self.periods.append([at, None])
            else:
                self.periods[-1][1] = at
            self.counting = counting

    @property
    def started(self) -> bool:
        return bool(self.periods)


@dataclass
class _Timeline:
    """The state a pass over the history keeps."""

    status: str
    waiting: bool = False  # a customer message we have not answered
    replied: bool = False  # our first reply happened
    first: _Clock = field(default_factory=_Clock)
    cycles: list[_Clock] = field(default_factory=list)
    resolution: _Clock = field(default_factory=_Clock)

    def update(self, at: int) -> None:
        """Open or close each clock's period after an event at ``at``."""
        live = self.status not in DONE_STATUSES
        self.first.set_counting(self.waiting and not self.replied and live, at)
        if self.cycles:
            self.cycles[-1].set_counting(self.replied and self.waiting and live, at)
        self.resolution.set_counting(self.status in RUNNING_STATUSES, at)

    def customer_wrote(self, at: int) -> None:
        if not self.waiting:
            self.waiting = True
            if self.replied:
                self.cycles.append(_Clock())
        if self.status in ("pending", *DONE_STATUSES):
            self.status = "open"

    def we_replied(self) -> None:
        if self.status in RUNNING_STATUSES:
            self.status = "pending"
        if not self.waiting:
            return  # nothing to answer yet: not a reply in the SLA's sense
        if not self.replied:
            self.replied = True
            self.first.achieved = True
        elif self.cycles:
            self.cycles[-1].achieved = True
        self.waiting = False


def _initial_status(messages: tuple[HistoryMessage, ...]) -> str:
    """As the domain opens tickets: ours first -> pending, the customer's -> new."""
    for message in messages:
        if message.direction != "note" and not message.auto:
            return "pending" if message.direction == "out" else "new"
    return "new"


def _replay(history: TicketHistory, now: int) -> _Timeline:
    # (instant, 0 = a message / 1 = a recorded status change, order given, value): at
    # one instant the messages come first and the recorded changes after them, so a
    # reply sent with "solve" leaves the ticket solved
    events: list[tuple[int, int, int, str]] = [
        (m.at, 0, index, m.direction)
        for index, m in enumerate(history.messages)
        if m.direction != "note" and not m.auto and m.at <= now
    ]
    events.extend(
        (c.at, 1, index, c.status) for index, c in enumerate(history.status_changes) if c.at <= now
    )
    events.sort()
    start = min(history.created_at, events[0][0]) if events else history.created_at
    timeline = _Timeline(status=_initial_status(history.messages))
    if start <= now:
        timeline.update(start)
    for at, kind, _, value in events:
        if kind == 1:
            timeline.status = value
        elif value == "in":
            timeline.customer_wrote(at)
        else:
            timeline.we_replied()
        timeline.update(at)
    timeline.resolution.achieved = timeline.status in DONE_STATUSES
    return timeline


def _spans(clock: _Clock) -> list[tuple[int, int | None]]:
    return [(int(start or 0), end) for start, end in clock.periods]


def _crossing(
    calendar: BusinessCalendar, spans: list[tuple[int, int, int | None]], amount: int
) -> tuple[int, int] | None:
    """(instant, end of its period or -1 while open) at which ``amount`` business
    seconds have counted over the spans, given as (position at start, position at end,
    end instant or None while open); None when the closed spans never reach it."""
    counted = 0
    for begin, finish, end in spans:
        if end is None or counted + (finish - begin) >= amount:
            return calendar.instant_at(begin + amount - counted), -1 if end is None else end
        counted += finish - begin
    return None


class _Positions:
    """The calendar's business-time positions of one ticket's instants, each looked up
    once: the clocks share their instants (a message starts one and stops another)."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self._seen: dict[int, int] = {}

    def __call__(self, instant: int) -> int:
        found = self._seen.get(instant)
        if found is None:
            found = self._seen[instant] = self.calendar.position(instant)
        return found


def _state(
    name: ClockName,
    clock: _Clock | None,
    target: int,
    position: _Positions,
    now: int,
    share: float,
    paused: bool,
) -> ClockState:
    if clock is None or not clock.started:
        return ClockState(name, target, 0, running=False, achieved=False)
    # each instant converted to a business-time position once: elapsed and both
    # crossings are then subtractions and one lookup each
    calendar = position.calendar
    spans = [
        (position(start), position(now if end is None else end), end)
        for start, end in _spans(clock)
    ]
    elapsed = sum(finish - begin for begin, finish, _ in spans)
    running = clock.counting
    due = _crossing(calendar, spans, target)
    risk = _crossing(calendar, spans, max(1, round(share * target)))

    def passed(crossing: tuple[int, int] | None) -> int | None:
        """The crossing instant if it passed while the clock counted."""
        if crossing is None:
            return None
        instant, end = crossing
        return instant if instant < (now if end == -1 else end) else None

    return ClockState(
        clock=name,
        target=target,
        elapsed=elapsed,
        running=running,
        achieved=clock.achieved,
        due_at=due[0] if running and due else None,
        at_risk_at=(risk[0] if running and risk else passed(risk)),
        breached_at=passed(due),
        paused=paused,
    )


def _segments(
    name: ClockName, clocks: list[_Clock], calendar: BusinessCalendar, now: int
) -> list[Segment]:
    out: list[Segment] = []
    for clock in clocks:
        for start, end in _spans(clock):
            for lo, hi in calendar.segments(start, now if end is None else min(end, now)):
                out.append(Segment(name, lo, hi, hi - lo))
    return out


def compute(
    history: TicketHistory,
    policy: Policy,
    calendar: BusinessCalendar,
    *,
    now: int,
    at_risk_share: float,
    detail: bool = True,
) -> SlaState:
    """The policy's clocks for one ticket at ``now``: a clock per target the policy
    sets. With ``detail`` (``sla explain``) each business-time stretch that counted is
    returned as a :class:`Segment`; a bulk recompute passes ``detail=False``, which
    skips the day-by-day walk and keeps 100,000 tickets within seconds."""
    timeline = _replay(history, now)
    per_clock: dict[ClockName, list[_Clock]] = {
        "first_response": [timeline.first],
        "next_response": timeline.cycles,
        "resolution": [timeline.resolution],
    }
    paused = timeline.resolution.started and timeline.status == "pending"
    position = _Positions(calendar)
    states: list[ClockState] = []
    segments: list[Segment] = []
    for name in CLOCKS:
        target = policy.target(name)
        if target is None:
            continue
        clocks = per_clock[name]
        current = clocks[-1] if clocks else None
        states.append(
            _state(
                name,
                current,
                target,
                position,
                now,
                at_risk_share,
                paused=paused and name == "resolution",
            )
        )
        if detail:
            segments.extend(_segments(name, clocks, calendar, now))
    return SlaState(history.ticket_id, policy.name, now, tuple(states), tuple(segments))
