"""A fast typist's burst: the key that opens a picker or a box and the keys typed
straight after it arrive together, and every one of them lands where the first one
sent the focus, in order (none lost, none run as a key of the screen underneath)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from agentconsole.app import AgentConsole
from agentconsole.screens.canned_picker import CannedPicker
from agentconsole.screens.customers import CustomerScreen
from agentconsole.screens.pickers import ChoiceModal, PromptModal
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle
from tests.functional.test_console_compose import open_compose, open_ticket
from tests.keyburst import burst

TICKET = "账户安全"


async def test_tags_typed_straight_after_t_fill_the_tags_box(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        burst(app, "t", *"vip -spam")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptModal)
        assert prompt.query_one(Input).value == "vip -spam"


async def test_a_digit_typed_straight_after_s_picks_that_status(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        third = picker.choices[2][0]
        await pilot.press("escape")
        assert ticket.detail is not None
        ticket_id = ticket.detail.ticket.id
        burst(app, "s", "3")
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceModal)
        with store(app.service.db_path) as conn:
            status = conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket_id,))
            assert status.fetchone()[0] == third


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


async def test_a_customer_search_typed_straight_after_f_fills_the_lookup(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "f", *"liam")
        await pilot.pause()
        customers = app.screen
        assert isinstance(customers, CustomerScreen)
        assert customers.query_one("#lookup", Input).value == "liam"


async def test_a_range_typed_straight_after_4_fills_the_range_box(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        burst(app, "4", *"2026-11-01 2026-11-02")
        await pilot.pause()
        box = app.screen
        assert isinstance(box, PromptModal)
        assert box.query_one(Input).value == "2026-11-01 2026-11-02"
