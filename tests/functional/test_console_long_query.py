"""A filter too long for SQLite, typed into the console: the agent reads why in one
notification, and the console and its queue carry on as before."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.notifications import Notify
from textual.widgets import Input

from agentconsole.app import AgentConsole
from agentconsole.screens.queue import QueueScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.test_console import SIZE, settle


async def test_a_filter_of_hundreds_of_terms_is_explained_not_fatal(
    console: Callable[..., AgentConsole],
) -> None:
    recorded: list[Message] = []
    app = console()
    async with app.run_test(size=SIZE, message_hook=recorded.append) as pilot:
        await settle(pilot)
        before = app.screen.query_one(TicketTable).total
        assert before > 0
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = " ".join(f"tag:t{i}" for i in range(300))
        await pilot.press("enter")
        await settle(pilot)
        notes = [m.notification.message for m in recorded if isinstance(m, Notify)]
        assert notes == ["query too long: 300 terms, at most 200"]
        assert app.is_running and isinstance(app.screen, QueueScreen)
        assert app.screen.query_one(TicketTable).total == before
