"""The SLA figures over a period: what ``agentconsole sla report`` prints and the
dashboard's period panel shows, built once here for both.

A period holds the tickets created in it. Per clock (first response, resolution):
how many tickets it applied to, the median and 90th percentile of the business time
it took where it stopped, how many met their target and how many breached it (a
running clock past its due time counts as breached), against the targets their
policies set. Per day: tickets created and first breaches. Every figure comes from
SQL (:mod:`agentconsole.store.sla_report_rows`), never from a loop over tickets.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from agentconsole.periods import MAX_DAYS as MAX_PERIOD_DAYS
from agentconsole.store.sla_report_rows import (
    CLOCK_COLUMNS,
    GROUPS,
    ClockRow,
    clock_groups,
    daily,
    policy_targets,
)

BY = tuple(GROUPS)
"""What a report may be broken down by: agent, category, priority, policy."""
REPORTED_CLOCKS = tuple(CLOCK_COLUMNS)
"""The clocks a report has a section for: first_response, resolution."""


@dataclass(frozen=True, slots=True)
class ClockFigures:
    """One clock over a set of tickets. Durations are business seconds."""

    target: int | None
    """The target, when every ticket counted was held to the same one."""
    held: int
    measured: int
    median: int | None
    p90: int | None
    met: int
    breached: int

    @property
    def met_share(self) -> float | None:
        """Met of those decided (met or breached), None when none is."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """A group of the breakdown: an agent ('' = unassigned), a category, a priority
    or a policy ('' = none)."""

    key: str
    tickets: int
    first_response: ClockFigures
    resolution: ClockFigures


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: str
    """``YYYY-MM-DD`` in the report's time zone."""
    incoming: int
    breaches: int


@dataclass(frozen=True, slots=True)
class Report:
    """The SLA over ``[since, until)`` as of ``now``."""

    since: int
    until: int
    now: int
    by: str | None
    tickets: int
    first_response: ClockFigures
    resolution: ClockFigures
    groups: tuple[GroupFigures, ...]
    days: tuple[DayFigures, ...]
    targets: dict[str, dict[str, int | None]]
    """Policy -> clock -> target, for the policies the period's tickets were held to."""
    utc_offset: int = 0
    """Seconds east of UTC the days are counted in."""

    def clock(self, name: str) -> ClockFigures:
        return self.first_response if name == "first_response" else self.resolution


def _figures(row: ClockRow | None) -> ClockFigures:
    if row is None:
        return ClockFigures(None, 0, 0, None, None, 0, 0)
    target = row.min_target if row.min_target == row.max_target else None
    return ClockFigures(target, row.held, row.measured, row.median, row.p90, row.met, row.breached)


MAX_DAYS = MAX_PERIOD_DAYS + 1
"""The most calendar days a report covers: a year, plus the partial first day of an
age such as ``--since 366d``. Longer periods are refused (never cut short silently)."""


def _all_days(since: int, until: int, offset: int) -> list[str]:
    """Every day of the period, so a chart shows quiet days as zero."""
    zone = timedelta(seconds=offset)
    first = (datetime.fromtimestamp(since, UTC) + zone).date()
    last = (datetime.fromtimestamp(max(since, until - 1), UTC) + zone).date()
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days, not {count}")
    return [(first + timedelta(days=i)).isoformat() for i in range(count)]


def build_report(
    conn: sqlite3.Connection,
    since: int,
    until: int,
    by: str | None = None,
    *,
    now: int | None = None,
    utc_offset: int = 0,
) -> Report:
    """The report of the tickets created in ``[since, until)``, broken down ``by``
    agent, category, priority or policy (or not), with days counted ``utc_offset``
    seconds east of UTC. Reads only; a period over :data:`MAX_DAYS` days is a
    ValueError."""
    if by is not None and by not in BY:
        raise ValueError(f"cannot report by {by!r} (one of {', '.join(BY)})")
    every_day = _all_days(since, until, utc_offset)
    moment = int(time.time()) if now is None else now
    whole = clock_groups(conn, since=since, until=until, now=moment, by=None)
    total = whole[0] if whole else None
    groups = (
        clock_groups(conn, since=since, until=until, now=moment, by=by) if by is not None else []
    )
    per_day = daily(conn, since=since, until=until, now=moment, offset=utc_offset)
    days = tuple(DayFigures(day, *per_day.get(day, (0, 0))) for day in every_day)
    return Report(
        since=since,
        until=until,
        now=moment,
        by=by,
        tickets=total.tickets if total else 0,
        first_response=_figures(total.clocks["first_response"] if total else None),
        resolution=_figures(total.clocks["resolution"] if total else None),
        groups=tuple(
            GroupFigures(
                g.key,
                g.tickets,
                _figures(g.clocks["first_response"]),
                _figures(g.clocks["resolution"]),
            )
            for g in groups
        ),
        days=days,
        targets={
            policy: {"first_response": first, "resolution": resolution}
            for policy, first, resolution in policy_targets(conn, since=since, until=until)
        },
        utc_offset=utc_offset,
    )
