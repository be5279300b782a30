"""What a newcomer's second trial of the dashboard found: numbers cut in the tables on
an 80x24 terminal, a column off-screen at 120x40, sparklines that did not start from
zero, a drill-down on a 0 that blamed a change, and small wording slips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.dashboard import DashboardScreen
from agentconsole.screens.queue import QueueScreen
from agentconsole.store.dashboard_rows import NowFigures
from agentconsole.widgets.dashboard_parts import Bars
from tests.functional.conftest import store
from tests.functional.test_console import settle, text_of
from tests.functional.test_console_dashboard import open_dashboard, seed


def visible(widget: Widget) -> list[str]:
    """The lines a widget shows on screen, as plain text."""
    width, height = widget.outer_size
    lines = widget.render_lines(Region(0, 0, width, height))
    return ["".join(segment.text for segment in line) for line in lines]


def expected_rows(figures: NowFigures) -> dict[str, list[list[str]]]:
    """Per table, each row's numbers as the lead should read them."""

    def numbers(row: object, replies: bool) -> list[str]:
        counts = row.counts  # type: ignore[attr-defined]
        values = [counts.open, counts.at_risk, counts.breached]
        if replies:
            values.append(row.replies_today)  # type: ignore[attr-defined]
        return [f"{v:,}" for v in values]

    return {
        "agents": [numbers(r, True) for r in figures.agents],
        "categories": [numbers(r, False) for r in figures.categories],
        "priorities": [numbers(r, False) for r in figures.priorities],
    }


async def test_every_number_of_the_tables_shows_whole_at_80x24_and_120x40(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    seed(demo_db)
    with store(demo_db) as conn:  # a five-digit count, as a busy category has
        conn.execute("UPDATE tickets SET assignee = 'an agent with a long name' WHERE id < 40")
    for size in ((80, 24), (120, 40)):
        app = console()
        async with app.run_test(size=size) as pilot:
            screen = await open_dashboard(pilot)
            assert isinstance(screen, DashboardScreen) and screen.figures is not None
            for table_id, rows in expected_rows(screen.figures).items():
                table = screen.query_one(f"#{table_id}", DataTable)
                assert table.region.right <= size[0], (size, table_id, table.region)
                assert table.region.width > 0, (size, table_id)
                lines = visible(table)
                words = (
                    ["open", "at", "risk", "breached"]
                    if size == (120, 40)
                    else ["open", "risk", "brch"]
                )
                if table_id == "agents":
                    words.append("replies" if size == (120, 40) else "repl")
                assert lines[0].split()[-len(words) :] == words, (size, table_id, lines[0])
                shown_rows = min(len(rows), table.region.height - 1)
                assert shown_rows > 0, (size, table_id)
                for index in range(shown_rows):
                    tokens = lines[1 + index].split()
                    assert tokens[-len(rows[index]) :] == rows[index], (
                        size,
                        table_id,
                        index,
                        lines[1 + index],
                        rows[index],
                    )


async def test_sparklines_start_from_zero(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_dashboard(pilot)
        bars = screen.query_one("#incoming", Bars)
        bars.data = (175, 176, 174, 178)
        await settle(pilot)
        top, bottom = visible(bars)[:2]
        # 174 of 178 is 98% of the height: as full as 178, not empty
        assert set(bottom) == {"█"}, bottom
        assert set(top) == {"█"}, top
        bars.data = (0, 45, 90)
        await settle(pilot)
        top, bottom = visible(bars)[:2]
        third = len(bottom) // 3
        assert set(bottom[:third]) == {" "} and set(top[:third]) == {" "}  # 0: nothing
        assert set(bottom[third : 2 * third]) == {"█"} and set(top[third : 2 * third]) == {" "}
        assert set(bottom[-third:]) == {"█"} and set(top[-third:]) == {"█"}  # 90: full


async def test_breaches_are_labelled_as_any_tickets(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        label = visible(screen.query_one("#breaches-label", Static))
        assert label[0].startswith("breaches per day* total ")
        assert label[1].rstrip() == "* of any ticket, on the day it breached"
        days = screen.query_one("#days", DataTable)
        assert [days.get_cell_at(Coordinate(r, 0)).plain for r in (0, 1)] == [
            "opened",
            "breaches*",
        ]


async def test_enter_on_a_zero_says_there_is_nothing_to_show(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.figures is not None
        table = screen.query_one("#categories", DataTable)
        zero = next(
            (index, column)
            for index, row in enumerate(screen.figures.categories)
            for column, value in enumerate((row.counts.at_risk, row.counts.breached), 2)
            if value == 0
        )
        name = screen.figures.categories[zero[0]].key
        what = "at risk" if zero[1] == 2 else "breached"
        table.focus()
        table.cursor_coordinate = Coordinate(*zero)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # nothing opened
        messages = [str(n.message) for n in app._notifications]
        assert messages[-1] == f"{name}: {what}: 0 tickets, nothing to show"


async def test_enter_on_a_period_rows_name_opens_its_first_number(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("3")
        await settle(pilot)
        days = screen.query_one("#days", DataTable)
        assert days.cursor_coordinate == Coordinate(0, 1)  # on a number, not the name
        days.focus()
        days.cursor_coordinate = Coordinate(0, 0)
        opened = days.get_cell_at(Coordinate(0, 1)).plain
        await pilot.press("enter")
        for _ in range(50):
            if isinstance(app.screen, QueueScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, QueueScreen)
        title = text_of(app.screen.query_one("#queue-title", Static))
        noun = "ticket" if opened == "1" else "tickets"
        assert "Dashboard: opened, 30 days" in title and f"  {opened} {noun}" in title


async def test_no_assigned_ticket_is_said_in_the_agent_table(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        conn.execute("UPDATE tickets SET assignee = NULL")
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        note = screen.query_one("#no-agents", Static)
        assert note.display and text_of(note).strip() == "No ticket is assigned yet."
        assert visible(note)[0].strip() == "No ticket is assigned yet."
        assert note.region.y == screen.query_one("#agents", DataTable).region.bottom
        assert screen.query_one("#agents", DataTable).row_count == 0


async def test_a_long_drill_down_title_ends_with_an_ellipsis(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=(60, 24)) as pilot:
        screen = await open_dashboard(pilot)
        screen.query_one("#tile-breached").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        shown = visible(app.screen.query_one("#queue-title", Static))[0]
        assert shown.rstrip().endswith("…"), shown
