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
class Drill:
    """Where enter on a number leads: the queue on ``query``, or (for replies today)
    on the tickets ``replies_of`` answered today, looked up when asked."""

    label: str
    query: str = ""
    replies_of: str | None = None


def quoted_value(value: str) -> str | None:
    """``value`` as one filter value of the query language, or None when it cannot
    be written as one (a double quote or a comma in it, or an agent called "me")."""
    if '"' in value or "," in value or value.strip().lower() in ("", "me", "none"):
        return None  # "me" and "none" are words of the filter, not names
    return f'"{value}"' if value != value.strip() or " " in value or ":" in value else value


def group_drill(dimension: str, key: str, figure: str) -> Drill | None:
    """The drill-down of one cell: ``dimension`` is assignee, category or priority."""
    value = quoted_value(key)
    if value is None:
        return None
    return Drill(
        f"{safe_line(key)}: {figure.replace('_', ' ')}", f"{dimension}:{value} {FIGURES[figure]}"
    )
