"""What a newcomer's second trial of the dashboard found: numbers cut in the tables on
an 80x24 terminal, a column off-screen at 120x40, sparklines that did not start from
zero, a drill-down on a 0 that blamed a change, and small wording slips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable

from agentconsole.app import AgentConsole
from agentconsole.screens.dashboard import DashboardScreen
from agentconsole.store.dashboard_rows import NowFigures
from tests.functional.conftest import store
from tests.functional.test_console import settle
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
