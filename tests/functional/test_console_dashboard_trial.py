"""What a newcomer's trial of the dashboard found: a drill-down on an agent called
``none`` says why it cannot open, and on small terminals every tile's number shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable

from agentconsole.app import AgentConsole
from agentconsole.widgets.dashboard_parts import Tile
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle
from tests.functional.test_console_dashboard import open_dashboard


async def test_a_drill_down_on_an_agent_called_none_gives_the_right_reason(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        conn.execute("UPDATE tickets SET assignee = 'none' WHERE id IN (1, 2)")
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        agents = screen.query_one("#agents", DataTable)
        names = [agents.get_cell_at(Coordinate(r, 0)).plain for r in range(agents.row_count)]
        agents.focus()
        agents.cursor_coordinate = Coordinate(names.index("none"), 1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # not opened
        messages = [str(n.message) for n in app._notifications]
        assert messages[-1] == (
            'An agent named "none" cannot be looked up: in a query, assignee:none means'
            " unassigned tickets"
        )


def _visible(widget: Tile) -> list[str]:
    """The lines a widget shows on screen (border and all), as plain text."""
    width, height = widget.outer_size
    lines = widget.render_lines(Region(0, 0, width, height))
    return ["".join(segment.text for segment in line) for line in lines]


async def test_every_tiles_number_shows_on_small_terminals(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        [[unassigned]] = conn.execute(
            "SELECT count(*) FROM tickets WHERE status IN ('new', 'open') AND assignee IS NULL"
        )
    assert unassigned > 0
    for size in ((40, 12), (60, 15), (100, 30)):
        app = console()
        async with app.run_test(size=size) as pilot:
            screen = await open_dashboard(pilot)
            for figure in ("open", "unassigned", "at_risk", "breached", "oldest"):
                tile = screen.query_one(f"#tile-{figure}", Tile)
                assert tile.value, (size, figure)
                lines = _visible(tile)
                assert any(tile.value in line for line in lines), (size, figure, lines)
            shown = _visible(screen.query_one("#tile-unassigned", Tile))
            assert any(f"{unassigned:,}" in line for line in shown), (size, shown)
