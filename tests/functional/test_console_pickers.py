"""A key a picker consumes stays in the picker: "s 4" sets a status and does not also
switch the queue to view 4."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from agentconsole.app import AgentConsole
from agentconsole.screens.queue import QueueScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle, text_of


async def test_a_digit_picked_in_a_modal_leaves_the_view_as_it_was(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.query_one(TicketTable)
        picks = [
            (("a", "1"), "assignee", "lin"),
            (("p", "2"), "priority", "high"),
            (("c", "3"), "category", "withdrawal"),
            (("s", "4"), "status", "solved"),
        ]
        for keys, column, value in picks:
            ticket = table.current
            assert ticket is not None
            await pilot.press(*keys)
            await settle(pilot)
            assert app.screen is queue
            assert (queue.view_index, queue.query_text) == (2, "status:new,open"), keys
            assert text_of(queue.query_one("#queue-title", Static)).startswith(" All open "), keys
            with store(demo_db) as conn:
                row = conn.execute(
                    f"SELECT {column} FROM tickets WHERE id = ?", (ticket.id,)
                ).fetchone()
            assert row == (value,), keys
        assert all(t.status in ("new", "open") for t in table.pages[0])
