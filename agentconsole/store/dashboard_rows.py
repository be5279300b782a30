"""The team lead's dashboard, read in a few aggregate statements.

Every figure the dashboard shows is defined as a query in the ticket query language
(:data:`FIGURES`), and its SQL is that query's own compiled WHERE clause used as an
aggregate filter (``count(*) FILTER (WHERE ...)``). So a number and the queue that its
drill-down opens can never disagree: "breached: 7" counts exactly the tickets that
``due:breached -status:solved,closed`` lists, whatever ``due:`` means today (the due
column now, the SLA engine's at-risk instant once it fills one).

The "now" figures are one pass over the tickets that are not solved or closed (every
figure is a subset of them, found through the status index), grouped by agent,
category and priority at once; the few hundred groups are summed here, never the
tickets. The period figures group by day in SQL too.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from agentconsole.models import PRIORITIES
from agentconsole.store.query import compile_query

OPEN = "status:new,open"
UNASSIGNED = "assignee:none status:new,open"
AT_RISK = "due:risk -status:solved,closed"
BREACHED = "due:breached -status:solved,closed"
FIGURES: dict[str, str] = {
    "open": OPEN,
    "unassigned": UNASSIGNED,
    "at_risk": AT_RISK,
    "breached": BREACHED,
}
"""Each "now" figure and the query that lists its tickets (the drill-down)."""
UNFINISHED = ("new", "open", "pending")
"""The statuses every "now" figure is drawn from (none counts a solved ticket)."""
REPLY_KIND = "reply_queued"
"""The event an agent's reply records (a reply counts when it leaves the agent's hands,
whether or not the mail server has taken it yet)."""


@dataclass(frozen=True, slots=True)
class Counts:
    """The four "now" figures of one group (or of everything)."""

    open: int = 0
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.open + other.open,
            self.unassigned + other.unassigned,
            self.at_risk + other.at_risk,
            self.breached + other.breached,
        )

    def value(self, figure: str) -> int:
        """The figure named as in :data:`FIGURES`."""
        number: int = getattr(self, figure)
        return number


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One row of the per-agent, per-category or per-priority table."""

    key: str
    """The agent's name as first written, the category or the priority."""
    counts: Counts
    replies_today: int = 0


@dataclass(frozen=True, slots=True)
class Oldest:
    """The open ticket whose customer has waited longest for an answer."""

    ticket_id: int
    ref: str
    waiting_since: int


@dataclass(frozen=True, slots=True)
class NowFigures:
    now: int
    totals: Counts
    oldest: Oldest | None
    agents: tuple[GroupRow, ...]
    categories: tuple[GroupRow, ...]
    priorities: tuple[GroupRow, ...]


def _count_by(
    conn: sqlite3.Connection, keys: str, figures: list[str], me: str, also: str = ""
) -> list[tuple[Any, ...]]:
    """``keys`` and one count per figure query, over the tickets any figure matches
    (one row of counts alone when ``keys`` is empty)."""
    compiled = [compile_query(FIGURES[figure], me=me) for figure in figures]
    columns = ", ".join(f"count(*) FILTER (WHERE {c.where})" for c in compiled)
    where = " OR ".join(f"({c.where})" for c in compiled)
    params = [p for c in compiled for p in c.params] * 2
    rows = conn.execute(
        f"SELECT {keys + ', ' if keys else ''}{columns} FROM tickets t WHERE ({where}){also}"
        + (f" GROUP BY {keys}" if keys else ""),
        params,
    )
    return [tuple(row) for row in rows]


def now_figures(conn: sqlite3.Connection, *, now: int, day_start: int, me: str = "") -> NowFigures:
    """Open, unassigned, at risk and breached, in all and per agent, category and
    priority; the oldest unanswered ticket; each agent's replies since ``day_start``.

    Four statements, each served by an index: open tickets counted per category and
    priority from ``tickets_category_priority`` and per agent from
    ``tickets_assignee`` (covering, no ticket row read), the unassigned from
    ``tickets_assignee``, and at risk and breached from the due index, reading only
    the rows of the tickets that are (tests/unit/test_dashboard_rows.py checks the
    plans)."""
    categories: dict[str, Counts] = {}
    priorities: dict[str, Counts] = {}
    agents: dict[str, tuple[str, Counts]] = {}

    def add_agent(name: object, counts: Counts) -> None:
        if isinstance(name, str):
            first, before = agents.get(name.lower(), (name, Counts()))
            agents[name.lower()] = (min(first, name), before + counts)

    def add_group(category: object, priority: object, counts: Counts) -> None:
        categories[str(category)] = categories.get(str(category), Counts()) + counts
        priorities[str(priority)] = priorities.get(str(priority), Counts()) + counts

    for category, priority, opened in _count_by(conn, "t.category, t.priority", ["open"], me):
        add_group(category, priority, Counts(open=opened))
    also = " AND t.assignee IS NOT NULL"
    for name, opened in _count_by(conn, "t.assignee", ["open"], me, also):
        add_agent(name, Counts(open=opened))
    ((unassigned,),) = _count_by(conn, "", ["unassigned"], me)
    risky = _count_by(conn, "t.assignee, t.category, t.priority", ["at_risk", "breached"], me)
    for name, category, priority, at_risk, breached in risky:
        counts = Counts(at_risk=at_risk, breached=breached)
        add_group(category, priority, counts)
        add_agent(name, counts)
    replies = replies_since(conn, day_start)
    for folded, (name, _count) in replies.items():
        agents.setdefault(folded, (name, Counts()))
    totals = sum(categories.values(), Counts(unassigned=unassigned))
    return NowFigures(
        now=now,
        totals=totals,
        oldest=oldest_unanswered(conn),
        agents=tuple(
            GroupRow(name, counts, replies.get(folded, ("", 0))[1])
            for folded, (name, counts) in sorted(agents.items())
        ),
        categories=tuple(GroupRow(key, value) for key, value in sorted(categories.items())),
        priorities=tuple(GroupRow(key, priorities[key]) for key in PRIORITIES if key in priorities),
    )


def _uuid_floor(epoch: int) -> str:
    """The smallest event uuid minted at ``epoch`` or later: event uuids are UUIDv7
    (:func:`agentconsole.store.events.new_event_uuid`), whose first 48 bits are the
    milliseconds of their making, written first in hex, so they sort by it."""
    text = f"{max(0, epoch) * 1000:012x}"
    return f"{text[:8]}-{text[8:12]}"


def replies_since(conn: sqlite3.Connection, since: int) -> dict[str, tuple[str, int]]:
    """Replies per agent since ``since``: lower-cased name -> (name, count).

    A reply's event is made when the reply is queued, so its uuid is no older than
    the reply: the uuid index finds the day's events (an hour's margin for clocks)
    instead of a pass over every event ever recorded."""
    rows = conn.execute(
        "SELECT lower(actor), min(actor), count(*) FROM events"
        " WHERE uuid >= ? AND kind = ? AND at >= ? GROUP BY lower(actor)",
        (_uuid_floor(since - 3600), REPLY_KIND, since),
    )
    return {folded: (name, int(count)) for folded, name, count in rows}


def change_stamp(conn: sqlite3.Connection) -> tuple[int, int]:
    """A value that changes whenever the store changes: SQLite's ``data_version``
    (another connection or process committed) with this connection's own changes."""
    (version,) = conn.execute("PRAGMA data_version").fetchone()
    return int(version), conn.total_changes


def replied_refs(conn: sqlite3.Connection, agent: str, since: int, limit: int) -> list[str]:
    """The refs of the tickets ``agent`` (any case) replied to since ``since``, most
    recent first (the drill-down of "replies today")."""
    rows = conn.execute(
        "SELECT t.ref FROM tickets t JOIN events e ON e.ticket_id = t.id"
        " WHERE e.uuid >= ? AND e.kind = ? AND e.at >= ? AND lower(e.actor) = lower(?)"
        " GROUP BY t.id ORDER BY max(e.at) DESC LIMIT ?",
        (_uuid_floor(since - 3600), REPLY_KIND, since, agent, limit),
    )
    return [str(row[0]) for row in rows]


def oldest_unanswered(conn: sqlite3.Connection) -> Oldest | None:
    """The new or open ticket whose customer wrote last and longest ago."""
    row = conn.execute(
        "SELECT t.id, t.ref, t.last_customer_at FROM tickets t"
        " WHERE t.status IN ('new', 'open') AND t.last_customer_at IS NOT NULL"
        " AND (t.last_agent_at IS NULL OR t.last_agent_at < t.last_customer_at)"
        " ORDER BY t.last_customer_at, t.id LIMIT 1"
    ).fetchone()
    return None if row is None else Oldest(int(row[0]), str(row[1]), int(row[2]))


@dataclass(frozen=True, slots=True)
class Durations:
    """How long one clock took over a period: business seconds once the SLA engine
    records them, wall-clock seconds before."""

    count: int
    median: int | None
    p90: int | None
    target: int | None = None
    met: int | None = None
    """How many within ``target`` (None when no target is known)."""


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    since: int
    until: int
    day_starts: tuple[int, ...]
    """The first instant of each day of the period (local midnight), in order."""
    incoming: tuple[int, ...]
    """Tickets opened on each day."""
    breaches: tuple[int, ...]
    """Tickets whose due time passed on each day without them being solved."""
    first_response: Durations
    resolution: Durations


QUARTER_HOUR = 900
"""Every time zone's offset is a whole number of quarter hours, so a local day is too:
counting per quarter hour in SQL and adding the quarters up per day here is exact."""


def _per_day(
    conn: sqlite3.Connection,
    column: str,
    where: str,
    params: tuple[object, ...],
    day_starts: tuple[int, ...],
    until: int,
) -> tuple[int, ...]:
    """How many tickets matching ``where`` have ``column`` on each day (at most 96
    rows a day come back, however many tickets there are)."""
    rows = conn.execute(
        f"SELECT {column} / {QUARTER_HOUR}, count(*) FROM tickets t"
        f" WHERE {where} AND {column} >= ? AND {column} < ? GROUP BY 1",
        (*params, day_starts[0], until),
    )
    counts = [0] * len(day_starts)
    for quarter, count in rows:
        counts[bisect_right(day_starts, quarter * QUARTER_HOUR) - 1] += count
    return tuple(counts)


def _durations(
    conn: sqlite3.Connection, expression: str, where: str, params: list[object], target: int | None
) -> Durations:
    """Count, median and 90th percentile (nearest rank) of ``expression`` over the
    tickets matching ``where``, each picked by SQL from the sorted values."""
    select = f"SELECT {expression} AS d FROM tickets t WHERE {where}"
    met_sql = "count(*) FILTER (WHERE d <= ?)" if target is not None else "NULL"
    count, met = conn.execute(
        f"SELECT count(*), {met_sql} FROM ({select})",
        (*([target] if target is not None else []), *params),
    ).fetchone()
    if not count:
        return Durations(0, None, None, target, None if target is None else 0)

    def rank(offset: int) -> int:
        row = conn.execute(f"{select} ORDER BY d LIMIT 1 OFFSET ?", (*params, offset)).fetchone()
        return int(row[0])

    return Durations(
        int(count),
        rank((count - 1) // 2),
        rank(max(0, -(-count * 9 // 10) - 1)),
        target,
        None if met is None else int(met),
    )


def period_figures(
    conn: sqlite3.Connection,
    day_starts: tuple[int, ...],
    until: int,
    *,
    now: int,
    first_response_target: int | None = None,
    resolution_target: int | None = None,
) -> PeriodFigures:
    """Incoming and breaches per day, first response and resolution times, for the
    days starting at ``day_starts`` (the last one ends at ``until``).

    A ticket's last message is never older than the ticket or its first reply, so
    ``last_message_at >= start`` is added wherever it holds: the activity index then
    finds the period's tickets instead of a pass over all of them."""
    since = day_starts[0]
    incoming = _per_day(conn, "t.created_at", "t.last_message_at >= ?", (since,), day_starts, until)
    marks = ", ".join("?" for _ in UNFINISHED)
    breaches = _per_day(
        conn,
        "t.due_at",
        f"t.due_at < ? AND t.status IN ({marks})",
        (now, *UNFINISHED),
        day_starts,
        until,
    )
    first = _durations(
        conn,
        "t.first_response_at - t.created_at",
        "t.last_message_at >= ? AND t.first_response_at >= ? AND t.first_response_at < ?",
        [since, since, until],
        first_response_target,
    )
    resolution = _durations(
        conn,
        "t.solved_at - t.created_at",
        "t.solved_at >= ? AND t.solved_at < ?",
        [since, until],
        resolution_target,
    )
    return PeriodFigures(
        since=since,
        until=until,
        day_starts=day_starts,
        incoming=incoming,
        breaches=breaches,
        first_response=first,
        resolution=resolution,
    )
