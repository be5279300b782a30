"""``/`` narrows the view it is typed in, Esc takes the filter away, and an empty
queue says why it is empty and which keys lead on."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.queue import QueueScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle, text_of
from tests.keyburst import burst
from tests.mailfactory import make_config
from tests.terminal import Terminal, filter_in_terminal


def count(db: Path, where: str) -> int:
    with store(db) as conn:
        found: int = conn.execute(f"SELECT count(*) FROM tickets WHERE {where}").fetchone()[0]
    return found


async def test_a_filter_narrows_the_view_and_esc_restores_it(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    all_open = count(demo_db, "status IN ('new', 'open')")
    open_withdrawals = count(demo_db, "status IN ('new', 'open') AND category = 'withdrawal'")
    # the demo holds pending withdrawals too: a filter that replaced the view shows them
    assert count(demo_db, "category = 'withdrawal'") > open_withdrawals > 0
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.query_one(TicketTable)
        title = queue.query_one("#queue-title", Static)
        assert table.total == all_open

        await pilot.press("slash")
        box = queue.query_one("#filter", Input)
        assert box.display and box.value == ""  # the view's query stays underneath
        box.value = "category:withdrawal"
        await pilot.press("enter")
        await settle(pilot)
        assert not box.display
        assert table.total == open_withdrawals
        assert {t.status for t in table.pages[0]} <= {"new", "open"}
        assert {t.category for t in table.pages[0]} == {"withdrawal"}
        shown = text_of(title)
        assert shown.startswith(f" All open   {open_withdrawals} tickets")
        assert "query: status:new,open  filter: category:withdrawal  (esc clears)" in shown

        await pilot.press("slash")  # the applied filter, to edit
        assert box.display and box.value == "category:withdrawal"
        await pilot.press("escape")  # closes the box, the filter stays
        await settle(pilot)
        assert not box.display and table.total == open_withdrawals

        await pilot.press("escape")  # takes the filter away
        await settle(pilot)
        assert table.total == all_open
        assert queue.query_text == "status:new,open"
        assert "filter:" not in text_of(title)
        assert text_of(title).startswith(f" All open   {all_open} tickets")


async def test_another_view_starts_without_the_filter(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "category:withdrawal"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert queue.query_text == "status:pending"
        assert queue.query_one(TicketTable).total == count(demo_db, "status = 'pending'")


async def test_an_empty_view_says_why_and_what_to_press(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        empty = queue.query_one("#empty", Static)
        table = queue.query_one(TicketTable)
        assert not empty.display and table.display

        await pilot.press("1")  # nothing in the demo is assigned to lin
        await settle(pilot)
        assert empty.display and not table.display
        assert text_of(empty).strip() == (
            "No open tickets are assigned to you.\n\n"
            "2: unassigned · 3: all open · /: filter · f: customers"
        )

        await pilot.press("6")
        await settle(pilot)
        assert text_of(empty).strip() == (
            "No solved or closed tickets yet.\n\n"
            "1: my open · 2: unassigned · 3: all open · /: filter · f: customers"
        )

        await pilot.press("3")  # a view with tickets: the list is back, and has focus
        await settle(pilot)
        assert not empty.display and table.display and table.has_focus


async def test_a_filter_matching_nothing_says_so(console: Callable[..., AgentConsole]) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "zzqxnomatch"
        await pilot.press("enter")
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display
        assert text_of(empty).strip() == (
            "No ticket in All open matches the filter: zzqxnomatch\n\n"
            "esc: clear the filter · /: change it · f: customers"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert not empty.display and app.screen.query_one(TicketTable).total > 0


async def test_an_empty_store_says_how_to_fill_it(
    console: Callable[..., AgentConsole], tmp_path: Path
) -> None:
    app = console(db=tmp_path / "empty.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and not app.screen.query_one(TicketTable).display
        shown = text_of(empty)
        assert shown.startswith("This database holds no mail yet.\n")
        assert "    agentconsole import ~/exports/support.mbox\n" in shown
        assert "    agentconsole demo\n" in shown and "ctrl+q quits." in shown
        await pilot.press("1")  # every view of an empty store says the same
        await settle(pilot)
        assert text_of(empty).startswith("This database holds no mail yet.\n")


async def test_an_empty_view_from_the_config_shows_its_query_and_the_keys_as_mapped(
    console: Callable[..., AgentConsole],
) -> None:
    app = console(make_config(views={"vip": "tag:vip"}, keymap={"queue.filter": "ctrl+f"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display
        assert text_of(empty).strip() == (
            "No ticket matches the view vip: tag:vip\n\n"
            "1: my open · 2: unassigned · 3: all open · ^f: filter · f: customers"
        )


@pytest.mark.parametrize("run", range(20))
async def test_keys_typed_straight_after_slash_land_in_the_filter_box(
    console: Callable[..., AgentConsole], run: int
) -> None:
    """A fast typist's ``/status:open`` in one burst: the box shows exactly the query,
    and none of its letters ran a queue key (``o`` sorts, ``s`` ...) on the way."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        sort = queue.sort
        burst(app, "/", *"status:open")
        await pilot.pause()
        box = queue.query_one("#filter", Input)
        assert box.display and box.has_focus
        assert box.value == "status:open"
        assert queue.sort == sort  # the "o" went into the box, not to the sort key
        await pilot.press("ctrl+u", *"a/b")  # "/" typed in the box is part of the query
        assert box.value == "a/b"


async def test_slash_then_query_by_pilot_press_with_no_pause(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(20):
            await pilot.press("slash", *"status:open")
            box = app.screen.query_one("#filter", Input)
            assert box.value == "status:open"
            await pilot.press("escape")
            assert not box.display


def test_slash_and_a_query_in_one_burst_in_a_real_terminal(
    demo_template: Path, tmp_path: Path
) -> None:
    """``/status:open`` sent as one ``tmux send-keys``: the queue is filtered by exactly
    that, and none of its letters ran a queue key on the way."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    defaults = tmp_path / "none.toml"  # no file: the defaults
    command = f"AGENTCONSOLE_CONFIG={defaults} {sys.executable} -m agentconsole --db {db}"
    for _run in range(3):
        with Terminal(command) as terminal:
            screen = filter_in_terminal(terminal, "status:open")
        assert "filter: status:open  (esc clears)" in screen, screen
        assert "sort: activity" in screen, screen  # the "o" was typed, not a sort key
