"""What a newcomer's trial of the dashboard found: a drill-down on an agent called
``none`` says why it cannot open, and on small terminals every tile's number shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from agentconsole.app import AgentConsole
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
