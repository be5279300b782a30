"""A fast typist's burst: the key that opens a picker or a box and the keys typed
straight after it arrive together, and every one of them lands where the first one
sent the focus, in order (none lost, none run as a key of the screen underneath)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from agentconsole.app import AgentConsole
from agentconsole.screens.canned_picker import CannedPicker
from tests.functional.test_console import SIZE, settle
from tests.functional.test_console_compose import open_compose, open_ticket
from tests.keyburst import burst

TICKET = "账户安全"


async def test_a_search_typed_straight_after_ctrl_t_fills_the_canned_search(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        await open_compose(pilot)
        burst(app, "ctrl+t", *"refund")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CannedPicker)
        assert picker.query_one("#canned-query", Input).value == "refund"
