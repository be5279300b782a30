"""Every number of the dashboard's period drills down: a clock's met and breached, and
the tickets incoming and first breached per day, each opening the queue on exactly the
tickets it counted (a list, since the query language cannot write these)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.dashboard import DashboardScreen
from agentconsole.screens.pickers import PromptModal
from agentconsole.screens.queue import QueueScreen
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle, text_of
from tests.functional.test_console_dashboard import listed, open_dashboard

RANGE = "2026-10-01 2026-11-22"


async def open_range(pilot: Pilot[None], app: AgentConsole) -> DashboardScreen:
    screen = await open_dashboard(pilot)
    await pilot.press("4")
    await settle(pilot)
    app.screen.query_one(Input).value = RANGE
    await pilot.press("enter")
    await settle(pilot)
    assert screen.report is not None and len(screen.report.days) == 53
    return screen


async def test_every_period_number_equals_the_count_of_its_list(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_range(pilot, app)
        report = screen.report
        assert report is not None
        service = app.service
        checked = nonzero = 0
        for table_id in ("period-figures", "days"):
            table = screen.query_one(f"#{table_id}", DataTable)
            for (row, column), drill in screen.cells[table_id].items():
                assert drill.period is not None
                shown = table.get_cell_at(Coordinate(row, column)).plain
                name, count = service.period_list(report, screen.period, drill.period)
                assert shown == f"{count:,}" == f"{service.queue_count(name):,}", drill
                checked += 1
                nonzero += count > 0
        assert checked == 4 + 2 * (53 + 1) and nonzero > 20
        first = report.first_response
        figures = screen.query_one("#period-figures", DataTable)
        assert figures.get_cell_at(Coordinate(0, 2)).plain == f"{first.breached:,}"
        assert sum(day.incoming for day in report.days) == report.tickets


async def test_enter_on_first_response_breached_opens_those_tickets(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_range(pilot, app)
        report = screen.report
        assert report is not None
        with store(demo_db) as conn:
            expected = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM tickets WHERE created_at >= ? AND created_at < ?"
                    " AND merged_into IS NULL AND first_response_breached_at <= ? ORDER BY id",
                    (report.since, report.until, report.now),
                )
            ]
        assert len(expected) == report.first_response.breached > 0
        figures = screen.query_one("#period-figures", DataTable)
        figures.focus()
        figures.cursor_coordinate = Coordinate(0, 2)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        title = text_of(app.screen.query_one("#queue-title", Static))
        assert (
            "Dashboard: first response breached, range (2026-10-01 – 2026-11-22)"
            f"   {len(expected)} tickets" in title
        )
        assert "query: #first-response-breached@2026-10-" in title  # cut with an ellipsis
        assert app.screen.view.query == "#first-response-breached@2026-10-01..2026-11-22"
        assert listed(app) == expected


async def test_enter_on_a_days_incoming_opens_the_tickets_of_that_day(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_range(pilot, app)
        report = screen.report
        assert report is not None
        busiest = max(range(len(report.days)), key=lambda n: report.days[n].incoming)
        day = report.days[busiest]
        days = screen.query_one("#days", DataTable)
        days.focus()
        days.cursor_coordinate = Coordinate(0, busiest + 2)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        title = text_of(app.screen.query_one("#queue-title", Static))
        assert f"Dashboard: opened on {day.day}, range (" in title
        assert f"   {day.incoming} tickets" in title
        assert len(listed(app)) == day.incoming


async def test_the_range_box_keeps_what_was_typed(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    """Typed key by key: a refresh meanwhile (another process changed the store) leaves
    the box alone, and a range that cannot be read brings the box back holding the
    text, the problem said under it, so one wrong digit is fixed, not all retyped."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        loads = screen.loads
        await pilot.press("4", "ctrl+u", *"2026-11-22 2026-1")
        with store(demo_db) as conn:
            conn.execute("UPDATE tickets SET status = 'solved' WHERE id = 1")
        while screen.loads == loads:
            await pilot.pause(0.2)
        await pilot.press(*"1-01", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        box = app.screen.query_one(Input)
        assert box.value == "2026-11-22 2026-11-01"
        help_line = str(app.screen.query(Label).last().render())
        assert help_line == (
            "2026-11-22 2026-11-01: the first date comes after the second."
            " Two dates, both days included (at most a year)."
        )
        await pilot.press("home", *"2026-11-01 ", "end", *["backspace"] * 11, "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.period.describe() == "range (2026-11-01 – 2026-11-22)"
