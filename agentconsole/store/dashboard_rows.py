"""The team lead's dashboard, "now": a few aggregate statements, each from an index.

Every figure the dashboard shows is defined as a query in the ticket query language
(:data:`FIGURES`), and its SQL is that query's own compiled WHERE clause used as an
aggregate filter (``count(*) FILTER (WHERE ...)``). So a number and the queue that its
drill-down opens can never disagree: "breached: 7" counts exactly the tickets that
``due:breached -status:solved,closed`` lists, whatever ``due:`` means (the SLA
engine's due and at-risk instants, see :mod:`agentconsole.store.query`).

The counts come grouped by agent, category and priority at once; the few hundred
groups are summed here, never the tickets. The period figures are the SLA report's
(:func:`agentconsole.sla.report.build_report`), shared with ``agentconsole sla report``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentconsole.models import PRIORITIES
from agentconsole.store.query import TicketQuery, compile_query
from agentconsole.store.sla_report_rows import _PERIOD as PERIOD
from agentconsole.store.sla_report_rows import CLOCK_COLUMNS

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


PERIOD_FIGURES = (
    "first_response_met",
    "first_response_breached",
    "resolution_met",
    "resolution_breached",
    "incoming",
    "breaches",
)
"""The period's numbers that drill down: a clock's met and breached counts, and the
tickets incoming and first breached (in all, or on one day)."""


def period_ticket_ids(
    conn: sqlite3.Connection,
    figure: str,
    *,
    since: int,
    until: int,
    now: int,
    offset: int,
    day: str | None = None,
) -> list[int]:
    """The tickets one number of the SLA report counts (``figure`` of
    :data:`PERIOD_FIGURES`, on ``day`` ``YYYY-MM-DD`` at ``offset`` seconds east of UTC
    or over the whole period), by the very conditions
    :mod:`agentconsole.store.sla_report_rows` counts with, at the report's ``now``: so
    the list holds as many tickets as the number said."""
    params: dict[str, object] = {
        "since": since,
        "until": until,
        "now": now,
        "offset": offset,
        "day": day,
    }
    if figure == "breaches":
        where = (
            "t.sla_breached_at >= :since AND t.sla_breached_at < min(:until, :now + 1)"
            " AND t.merged_into IS NULL"
        )
        instant = "t.sla_breached_at"
    elif figure == "incoming":
        where, instant = PERIOD, "t.created_at"
    else:
        clock, _, outcome = figure.rpartition("_")
        if clock not in CLOCK_COLUMNS or outcome not in ("met", "breached"):
            raise ValueError(f"no such period figure: {figure!r}")
        secs, _target, breached = CLOCK_COLUMNS[clock]
        if outcome == "met":
            where = f"{PERIOD} AND {secs} IS NOT NULL AND ({breached} IS NULL OR {breached} > :now)"
        else:
            where = f"{PERIOD} AND {breached} <= :now"
        instant = "t.created_at"
    if day is not None:
        where += f" AND date({instant} + :offset, 'unixepoch') = :day"
    rows = conn.execute(f"SELECT t.id FROM tickets t WHERE {where} ORDER BY t.id", params)
    return [int(row[0]) for row in rows]


def only_ids(query: TicketQuery, ids: Sequence[int]) -> TicketQuery:
    """``query`` narrowed to the tickets ``ids`` (a list the query language cannot
    write, such as a period figure's: thousands of tickets, one JSON parameter)."""
    return TicketQuery(
        text=query.text,
        where=f"({query.where}) AND t.id IN (SELECT value FROM json_each(?))",
        params=(*query.params, json.dumps(list(ids))),
        words=query.words,
    )
