"""The SLA report's figures, aggregated in SQL over the columns of migration 10.

A report covers the tickets created in a period (merged-away tickets left out), each
held to the targets its policy gave it when its clocks were last computed, so no
policy file is needed to report. Percentiles are nearest-rank (the value at rank
ceil(q * n) in ascending order), from a window over the period's values: at 100,000
tickets a 90-day report reads an index range and sorts one column per clock, never
a Python loop over rows (benchmarks/bench_sla.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

GROUPS = {
    "agent": "coalesce(t.assignee, '')",
    "category": "t.category",
    "priority": "t.priority",
    "policy": "coalesce(t.sla_policy, '')",
}
"""What a report can be broken down by, and the grouping expression of each."""
CLOCK_COLUMNS = {
    "first_response": (
        "first_response_secs",
        "first_response_target",
        "first_response_breached_at",
    ),
    "resolution": ("resolution_secs", "resolution_target", "resolution_breached_at"),
}
"""Per reported clock: its business duration, its target and its breach instant."""
_PERIOD = "t.created_at >= :since AND t.created_at < :until AND t.merged_into IS NULL"


@dataclass(frozen=True, slots=True)
class ClockRow:
    """One clock's counts over one group of tickets."""

    held: int
    """Tickets the clock applies to (their policy sets a target for it)."""
    measured: int
    """Of those, tickets whose clock stopped (we replied; solved)."""
    met: int
    breached: int
    """Tickets whose target was passed by ``now``, stopped or still running."""
    min_target: int | None
    max_target: int | None
    median: int | None = None
    p90: int | None = None


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group's (the whole period's, when not broken down) ticket count and clocks."""

    key: str
    tickets: int
    clocks: dict[str, ClockRow]


def _group(by: str | None) -> str:
    if by is None:
        return "''"
    if by not in GROUPS:
        raise ValueError(f"cannot group by {by!r} (one of {', '.join(GROUPS)})")
    return GROUPS[by]


def clock_groups(
    conn: sqlite3.Connection, *, since: int, until: int, now: int, by: str | None
) -> list[GroupRow]:
    """Per group (one group of key '' when ``by`` is None), largest first: ticket count,
    and per clock the counts, target range, median and 90th percentile."""
    group = _group(by)
    parts = ["count(*)"]
    for secs, target, breached in CLOCK_COLUMNS.values():
        parts += [
            f"sum({target} IS NOT NULL)",
            f"sum({secs} IS NOT NULL)",
            f"sum({secs} IS NOT NULL AND ({breached} IS NULL OR {breached} > :now))",
            f"sum({breached} <= :now)",
            f"min({target})",
            f"max({target})",
        ]
    params = {"since": since, "until": until, "now": now}
    rows = conn.execute(
        f"SELECT {group} AS g, {', '.join(parts)} FROM tickets t WHERE {_PERIOD}"
        " GROUP BY g ORDER BY count(*) DESC, g",
        params,
    ).fetchall()
    spreads = {
        name: _percentiles(conn, group, secs, params)
        for name, (secs, _, _) in CLOCK_COLUMNS.items()
    }
    groups: list[GroupRow] = []
    for row in rows:
        key, tickets, values = str(row[0]), int(row[1]), row[2:]
        clocks: dict[str, ClockRow] = {}
        for index, name in enumerate(CLOCK_COLUMNS):
            held, measured, met, breached, low, high = values[index * 6 : index * 6 + 6]
            median, p90 = spreads[name].get(key, (None, None))
            clocks[name] = ClockRow(
                int(held or 0),
                int(measured or 0),
                int(met or 0),
                int(breached or 0),
                low,
                high,
                median,
                p90,
            )
        groups.append(GroupRow(key, tickets, clocks))
    return groups


def _percentiles(
    conn: sqlite3.Connection, group: str, column: str, params: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Group -> (median, 90th percentile) of ``column``, nearest rank."""
    rows = conn.execute(
        f"SELECT g, max(CASE WHEN n = (c + 1) / 2 THEN v END),"
        " max(CASE WHEN n = (9 * c + 9) / 10 THEN v END) FROM ("
        f" SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v) AS n,"
        " count(*) OVER (PARTITION BY g) AS c FROM ("
        f"  SELECT {group} AS g, t.{column} AS v FROM tickets t"
        f"  WHERE {_PERIOD} AND t.{column} IS NOT NULL)) GROUP BY g",
        params,
    )
    return {str(g): (int(median), int(p90)) for g, median, p90 in rows}


def policy_targets(
    conn: sqlite3.Connection, *, since: int, until: int
) -> list[tuple[str, int | None, int | None]]:
    """(policy, first-response target, resolution target) of the policies the period's
    tickets were held to, by name."""
    rows = conn.execute(
        "SELECT t.sla_policy, max(t.first_response_target), max(t.resolution_target)"
        f" FROM tickets t WHERE {_PERIOD} AND t.sla_policy IS NOT NULL"
        " GROUP BY t.sla_policy ORDER BY t.sla_policy",
        {"since": since, "until": until},
    )
    return [(str(p), fr, res) for p, fr, res in rows]


def daily(
    conn: sqlite3.Connection, *, since: int, until: int, now: int, offset: int
) -> dict[str, tuple[int, int]]:
    """Day (``YYYY-MM-DD``, ``offset`` seconds east of UTC) -> (tickets created that
    day, tickets whose first breach fell on it, by ``now``), for days with either."""
    days: dict[str, list[int]] = {}
    params = {"since": since, "until": until, "now": now, "offset": offset}
    for day, count in conn.execute(
        "SELECT date(t.created_at + :offset, 'unixepoch') AS d, count(*) FROM tickets t"
        f" WHERE {_PERIOD} GROUP BY d",
        params,
    ):
        days.setdefault(str(day), [0, 0])[0] = int(count)
    for day, count in conn.execute(
        "SELECT date(t.sla_breached_at + :offset, 'unixepoch') AS d, count(*) FROM tickets t"
        " WHERE t.sla_breached_at >= :since AND t.sla_breached_at < min(:until, :now + 1)"
        " AND t.merged_into IS NULL GROUP BY d",
        params,
    ):
        days.setdefault(str(day), [0, 0])[1] = int(count)
    return {day: (pair[0], pair[1]) for day, pair in sorted(days.items())}
