"""Hostile subjects, names and bodies in the console: shown literally, inert when
clicked, never crashing, and never reaching the real terminal as escape sequences."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList

from agentconsole.app import AgentConsole
from agentconsole.screens.customers import CustomerScreen
from agentconsole.screens.ticket import MessageView, TicketScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.test_console import SIZE, filter_queue, settle, text_of
from tests.terminal import Terminal, filter_in_terminal


async def test_hostile_ticket_is_literal_and_inert(console: Callable[..., AgentConsole]) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await filter_queue(pilot, "from:evil.example")
        assert table.total >= 1
        # clicks on the "[@click=app.quit]" name: the first highlights nothing new (the row
        # is already highlighted) and opens the ticket; nothing quits
        await pilot.click(TicketTable, offset=(30, 0))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TicketScreen)
        view = app.screen.query(MessageView).first()
        shown = text_of(view)
        assert "[@click=app.quit]" in shown and "[bold red]Click here[/]" in shown
        assert "[link=https://evil.example]okwallet[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "attacker@evil.example" in shown  # the real address, whatever the name claims
        await pilot.click(MessageView, offset=(5, 0))
        await pilot.click(MessageView, offset=(5, 1))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TicketScreen)
        title = text_of(app.screen.query_one("#ticket-title"))
        assert "Refund" in title and "\x1b" not in title


async def test_markup_in_a_query_or_lookup_does_not_crash(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_queue(pilot, "[/] [bold]x")  # free text, searched literally
        assert app.is_running
        await pilot.press("f")
        app.screen.query_one("#lookup", Input).value = "attacker@evil.example"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count == 1
        prompt = results.get_option_at_index(0).prompt
        assert "[@click=app.quit]" in str(prompt)
        await pilot.click("#results", offset=(3, 0))
        await settle(pilot)
        assert app.is_running


def test_no_escape_sequence_from_mail_reaches_the_terminal(
    demo_template: Path, tmp_path: Path
) -> None:
    """The real program in a real terminal (tmux); every byte it writes is recorded."""
    assert shutil.which("tmux"), "tmux is required for this test (installed by .ci/run)"
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    log = tmp_path / "terminal.bytes"
    defaults = tmp_path / "none.toml"  # no file: the defaults
    command = f"AGENTCONSOLE_CONFIG={defaults} {sys.executable} -m agentconsole --db {db}"
    with Terminal(command, log=log) as terminal:
        filter_in_terminal(terminal, "from:evil.example")
        terminal.keys("Enter")
        screen = terminal.wait_for(
            lambda shown: "esc Back" in shown and "pwned" in shown and "[@click=app.quit]" in shown
        )
    assert "pwned" in screen and "[@click=app.quit]" in screen, screen  # it was shown...
    data = log.read_bytes()
    assert b"pwned" in data
    assert b"\x1b]0;pwned" not in data  # ...but the window-title sequence never went out
    assert b"\x07[2J" not in data and b"\xe2\x80\xae" not in data


async def test_a_name_with_markup_is_saved_and_said_as_typed(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    """``[/]`` in an assignee's name ended a style that was never opened: the notice
    crashed the console after the change was saved (newcomer trial). Notices are text."""
    from agentconsole.screens.pickers import ChoiceModal, PromptModal

    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("[/]x", "[bold red]y"):
            await pilot.press("a")
            await settle(pilot, 0.1)
            assert isinstance(app.screen, ChoiceModal)
            choices = app.screen.query_one(OptionList).option_count
            await pilot.press(str(choices))  # someone else…, after the names known
            await settle(pilot, 0.1)
            assert isinstance(app.screen, PromptModal)
            app.screen.query_one(Input).value = name
            await pilot.press("enter")
            await settle(pilot)
            said = {str(n.message): n.markup for n in app._notifications}
            # the toast shows it as text: markup would read "[/]" as a closing tag
            assert said[f"Saved: assignee → {name} on 1 ticket(s)"] is False, said
            await pilot.press("down")  # the next ticket gets the next name
        assert app.is_running
    with sqlite3.connect(demo_db) as conn:
        names = {
            r[0] for r in conn.execute("SELECT assignee FROM tickets WHERE assignee LIKE '[%'")
        }
    assert names == {"[/]x", "[bold red]y"}
