"""The period's numbers as two small tables whose every cell drills down.

Beside the bars and sparklines (which draw), ``#period-figures`` holds each clock's met
and breached counts and ``#days`` the tickets opened and the breaches (of any ticket) on each day
of the period, one column a day: enter on any cell opens the queue on the tickets it
counts (:func:`agentconsole.drilldown.period_drill`).
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from agentconsole.drilldown import Drill, period_drill
from agentconsole.sla.report import Report

CLOCKS = (("first_response", "first response"), ("resolution", "resolution"))
OUTCOMES = (("met", "met", "green"), ("breached", "breached", "red"))
SERIES = (("incoming", "opened", ""), ("breaches", "breaches*", "red"))
"""(figure, row name, style of a number above zero) of the per-day table."""
NUMBER_WIDTH = 8
DAY_WIDTH = 5
"""A day's column: "11-20" over up to 5 digits."""


def first_number(cursor: Coordinate) -> Coordinate:
    """The cursor, moved off a row's name onto its first number: the first enter
    after tabbing in then opens something (enter on a name opens that number too,
    see ``DashboardScreen.cell_selected``)."""
    return cursor if cursor.column > 0 else Coordinate(cursor.row, 1)


def set_up(figures: DataTable[Text], days: DataTable[Text]) -> None:
    """The fixed columns (the day columns come with each report)."""
    figures.add_column("clock", width=len("first response"))
    for _key, label, _style in OUTCOMES:
        figures.add_column(label, width=NUMBER_WIDTH)
    days.add_column("per day", width=len("breaches*"))


def fill_figures(table: DataTable[Text], report: Report) -> dict[tuple[int, int], Drill]:
    """One row per clock: how many met its target and how many breached it."""
    cursor = table.cursor_coordinate
    table.clear()
    drills: dict[tuple[int, int], Drill] = {}
    for row, (clock, name) in enumerate(CLOCKS):
        figures = report.clock(clock)
        cells = [Text(name, style="bold")]
        for column, (outcome, _label, style) in enumerate(OUTCOMES, 1):
            value: int = getattr(figures, outcome)
            cells.append(Text(f"{value:,}", style=style if value else "dim", justify="right"))
            drills[(row, column)] = period_drill(f"{clock}_{outcome}", count=value)
        table.add_row(*cells)
    table.cursor_coordinate = table.validate_cursor_coordinate(first_number(cursor))
    return drills


def fill_days(table: DataTable[Text], report: Report) -> dict[tuple[int, int], Drill]:
    """Tickets opened and breaches (of any ticket: the ``*`` of the row's name, told
    in the period's title), a column per day and one for the whole period."""
    cursor = table.cursor_coordinate
    table.clear(columns=True)
    table.add_column("per day", width=len("breaches*"))
    table.add_column("all", width=NUMBER_WIDTH)
    for day in report.days:
        table.add_column(day.day[5:], width=DAY_WIDTH)
    drills: dict[tuple[int, int], Drill] = {}
    for row, (figure, name, style) in enumerate(SERIES):
        series = [int(getattr(day, figure)) for day in report.days]
        cells = [Text(name, style="bold"), Text(f"{sum(series):,}", justify="right")]
        drills[(row, 1)] = period_drill(figure, count=sum(series))
        for column, (day, value) in enumerate(zip(report.days, series, strict=True), 2):
            cells.append(Text(f"{value:,}", style=style if value else "dim", justify="right"))
            drills[(row, column)] = period_drill(figure, day.day, value)
        table.add_row(*cells)
    table.cursor_coordinate = table.validate_cursor_coordinate(first_number(cursor))
    return drills
