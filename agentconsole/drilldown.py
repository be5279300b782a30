"""Where each number of the dashboard leads: a query of the query language.

A figure of :mod:`agentconsole.store.dashboard_rows` is a query (:data:`FIGURES`);
narrowed to one agent, category or priority it is the same query with one filter
more, so the list enter opens is exactly what the number counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentconsole.store.dashboard_rows import FIGURES
from agentconsole.textsafe import safe_line


@dataclass(frozen=True, slots=True)
class PeriodPick:
    """One number of the period's SLA report: ``figure`` (see
    :data:`agentconsole.store.dashboard_rows.PERIOD_FIGURES`), over the whole period
    or on ``day``."""

    figure: str
    day: str | None = None


@dataclass(frozen=True, slots=True)
class Drill:
    """Where enter on a number leads: the queue on ``query``, or on tickets looked up
    when asked: those ``replies_of`` answered today, or those a period number
    (``period``) counted, a list the query language cannot write."""

    label: str
    query: str = ""
    replies_of: str | None = None
    refused: str = ""
    """Why there is no query (a name the query language cannot write), to tell."""
    period: PeriodPick | None = None
    count: int | None = None
    """The number on screen, when known: at 0 there is nothing to open."""


def period_drill(figure: str, day: str | None = None, count: int | None = None) -> Drill:
    """The drill-down of a number of the period: "first response breached", "incoming
    on 2026-11-20"."""
    clock, _, outcome = figure.rpartition("_")
    if figure == "breaches":  # of any ticket, not only those opened in the period
        what = "breaches of any ticket"
    elif figure == "incoming":
        what = "opened"
    else:
        what = f"{clock.replace('_', ' ')} {outcome}"
    label = what if day is None else f"{what} on {day}"
    return Drill(label, period=PeriodPick(figure, day), count=count)


def quoted_value(value: str) -> str | None:
    """``value`` as one filter value of the query language, or None when it cannot
    be written as one (a double quote or a comma in it, or an agent called "me")."""
    if '"' in value or "," in value or value.strip().lower() in ("", "me", "none"):
        return None  # "me" and "none" are words of the filter, not names
    return f'"{value}"' if value != value.strip() or " " in value or ":" in value else value


def unwritable(value: str) -> str:
    """Why ``value`` cannot be one filter value (see :func:`quoted_value`), as a
    sentence for the person who pressed enter on it."""
    word = value.strip().lower()
    if word in ("me", "none"):
        meaning = "your own tickets" if word == "me" else "unassigned tickets"
        return (
            f'An agent named "{safe_line(value)}" cannot be looked up:'
            f" in a query, assignee:{word} means {meaning}"
        )
    if not word:
        return "This name is blank: it cannot be written in a query"
    return "This name cannot be written in a query (it holds a quote or a comma)"


def group_drill(dimension: str, key: str, figure: str, count: int | None = None) -> Drill | None:
    """The drill-down of one cell: ``dimension`` is assignee, category or priority."""
    value = quoted_value(key)
    if value is None:
        return None
    return Drill(
        f"{safe_line(key)}: {figure.replace('_', ' ')}",
        f"{dimension}:{value} {FIGURES[figure]}",
        count=count,
    )
