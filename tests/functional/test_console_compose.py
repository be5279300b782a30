"""The compose pane driven by keys: drafts that survive closing and quitting,
attachments, discarding, and hostile text shown literally. Assertions on the screen
and on the store, read through a separate connection as after a crash."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.compose import ComposeScreen, split_addresses
from agentconsole.screens.ticket import TicketScreen
from agentconsole.widgets.draft_editor import DraftEditor
from agentconsole.widgets.findings import FindingsList
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, filter_queue, settle, text_of
from tests.terminal import WAIT_SECONDS, Terminal, filter_in_terminal


async def open_ticket(pilot: Pilot[None], query: str) -> TicketScreen:
    table = await filter_queue(pilot, query)
    assert table.total >= 1
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    return screen


async def open_compose(pilot: Pilot[None], key: str = "R") -> ComposeScreen:
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    return screen


def notices(app: AgentConsole) -> list[str]:
    return [str(n.message) for n in app._notifications]


def drafts(db: Path) -> list[tuple[int, str, str, str]]:
    with store(db) as conn:
        rows = conn.execute(
            "SELECT ticket_id, mode, body, attachments_json FROM drafts ORDER BY id"
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def test_addresses_split_on_commas_outside_quotes() -> None:
    assert split_addresses('"Lee, Ann" <ann@x.example>, bo@y.example,  ') == (
        '"Lee, Ann" <ann@x.example>',
        "bo@y.example",
    )


async def eventually(pilot: Pilot[None], happened: Callable[[], object]) -> None:
    """Let the app run until ``happened()`` is true (a worker's result posted back, a
    focus change) or 10 s pass: a loaded machine is slower than a fixed pause."""
    deadline = time.monotonic() + 10
    while not happened() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_a_draft_survives_quitting_the_app(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, "账户安全")
        ticket_id = ticket.ticket_id
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        assert editor.has_focus
        greeting = editor.text.splitlines()[0]
        assert greeting.startswith("您好，") and greeting.endswith("：")
        await pilot.press(*"tuikuan 已经处理")
        await pilot.press("ctrl+q")  # at once: no time for the debounced save
        await pilot.pause()
    assert not app.is_running
    saved = drafts(demo_db)
    assert [(t, m) for t, m, _, _ in saved] == [(ticket_id, "reply")]
    assert "tuikuan 已经处理" in saved[0][2]

    again = console()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        await eventually(
            pilot, lambda: any(n.startswith("A draft (reply, saved ") for n in notices(again))
        )
        offered = [n for n in notices(again) if n.startswith("A draft (reply, saved ")]
        assert offered and offered[0].endswith(": R continues it")
        compose = await open_compose(pilot)
        text = compose.query_one(DraftEditor).text
        assert "tuikuan 已经处理" in text
        await eventually(pilot, lambda: any(n.startswith("Your draft of ") for n in notices(again)))
        assert any(n.startswith("Your draft of ") for n in notices(again))
    assert len(drafts(demo_db)) == 1  # continued, not a second draft


async def test_at_a_small_size_the_editor_keeps_three_rows_and_the_pane_scrolls(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        compose = await open_compose(pilot)
        await pilot.press(*"请提供您的密码!!! 保证明天到账 http://bit.ly/x")
        await pilot.pause(0.4)
        await settle(pilot)
        findings = compose.query_one(FindingsList)
        assert findings.display and len(findings.findings) >= 3  # the list takes its rows
        editor = compose.query_one(DraftEditor)
        assert editor.content_region.height == 3  # the reply is seen as it is sent
        assert editor.region.bottom <= 14  # above the footer, on the screen
        assert compose.max_scroll_y > 0  # what does not fit is scrolled to


async def test_a_draft_that_comes_back_types_and_pastes_after_the_agents_text(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        await open_compose(pilot)
        await pilot.press(*"tuikuan 已经处理")
        await pilot.press("escape")  # kept
        await settle(pilot)
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        await pilot.press(*" ok")
        app.post_message(events.Paste(" 请查收"))  # as the terminal sends a paste
        await settle(pilot)
        assert "tuikuan 已经处理 ok 请查收\n\n祝好！" in editor.text


def screen_lines(app: AgentConsole) -> list[str]:
    """The screen as the terminal shows it, one string per row."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


async def test_dialog_help_lines_wrap_instead_of_being_cut_off(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        await open_compose(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        # the words in the screen's rows, without the borders of the pane and dialog
        shown = " ".join(
            " ".join(re.sub("[│█▊▎]", " ", line).split()) for line in screen_lines(app)
        )
        assert "the file is read again when the reply is sent" in shown


async def test_shift_tab_goes_up_the_fields_and_ctrl_b_back_to_the_text(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        assert editor.has_focus
        await pilot.press("shift+tab")
        assert compose.query_one("#subject", Input).has_focus
        await pilot.press("shift+tab", "shift+tab")
        assert compose.query_one("#to", Input).has_focus
        await pilot.press("ctrl+b")
        assert editor.has_focus


async def test_typing_saves_after_a_pause_and_escape_keeps_the_draft(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        compose = await open_compose(pilot)
        assert drafts(demo_db) == []  # opening alone writes nothing
        await pilot.press(*"first words")
        await pilot.pause(1.5)
        await settle(pilot)
        assert "first words" in drafts(demo_db)[0][2]
        status = text_of(compose.query_one("#compose-status", Static))
        assert "Draft saved " in status
        await pilot.press(*" and more")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        saved = drafts(demo_db)
        assert len(saved) == 1 and "first words and more" in saved[0][2]


async def test_discard_asks_then_deletes_the_draft(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        await open_compose(pilot, "I")
        await pilot.press(*"note text")
        await pilot.press("escape")
        await settle(pilot)
        assert [m for _, m, _, _ in drafts(demo_db)] == ["note"]
        compose = await open_compose(pilot, "I")
        assert "note text" in compose.query_one(DraftEditor).text
        assert not compose.query_one("#to-row").display  # a note goes to nobody
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("2")  # yes, discard it
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "Draft discarded" in notices(app)
    assert drafts(demo_db) == []


async def test_attach_shows_the_size_refuses_an_unreadable_file_and_removes(
    console: Callable[..., AgentConsole], demo_db: Path, tmp_path: Path
) -> None:
    receipt = tmp_path / "收据.pdf"
    receipt.write_bytes(b"%PDF" + b"x" * 2044)
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    secret.chmod(0)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "账户安全")
        compose = await open_compose(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        box = app.screen.query_one("#path", Input)
        box.value = str(tmp_path / "收")
        await settle(pilot)
        assert box._suggestion == str(receipt)  # completed from the file system
        await pilot.press("right", "enter")
        await settle(pilot)
        assert app.screen is compose
        listed = compose.query_one("#attachments", OptionList)
        assert listed.option_count == 1, notices(app)
        assert str(listed.get_option_at_index(0).prompt).startswith("📎 收据.pdf  2.0 KB")
        assert "Attached 收据.pdf (2.0 KB)" in notices(app)

        await pilot.press("ctrl+o")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(tmp_path / "missing.pdf")
        await pilot.press("enter")
        await settle(pilot)
        assert f"Cannot attach {tmp_path / 'missing.pdf'}: no such file to attach" in notices(app)
        if os.geteuid() != 0:  # root reads any file
            await pilot.press("ctrl+o")
            await settle(pilot)
            app.screen.query_one("#path", Input).value = str(secret)
            await pilot.press("enter")
            await settle(pilot)
            assert any(
                n.startswith(f"Cannot attach {secret}: cannot be read") for n in notices(app)
            )
        assert listed.option_count == 1
        await pilot.press("escape")
        await settle(pilot)
        assert json.loads(drafts(demo_db)[0][3]) == [str(receipt)]

        compose = await open_compose(pilot)
        listed = compose.query_one("#attachments", OptionList)
        await settle(pilot)
        assert str(listed.get_option_at_index(0).prompt).startswith("📎 收据.pdf  2.0 KB")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert listed.option_count == 0 and not listed.display
        assert "Removed 收据.pdf" in notices(app)
        await pilot.press("escape")
        await settle(pilot)
    assert json.loads(drafts(demo_db)[0][3]) == []


async def test_hostile_subject_name_and_body_are_shown_literally(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, "from:evil.example")
        compose = await open_compose(pilot)
        title = text_of(compose.query_one("#compose-title", Static))
        assert "Refund" in title and "\x1b" not in title
        to = compose.query_one("#to", Input).value
        assert to.startswith('"[@click=app.quit]support@okwallet.example[/]"')
        assert to.endswith("<attacker@evil.example>")
        subject = compose.query_one("#subject", Input).value
        assert subject.startswith("Re: Refund") and "Bcc: victim@example.com" in subject
        assert not {"\x1b", "\x07", "\r", "\n"} & set(subject + to)
        quote = text_of(compose.query_one("#quote", Static))
        assert "[bold red]Click here[/]" in quote and "\x1b" not in quote
        await pilot.press(*"[red]x[/] [@click=app.quit]")
        await pilot.click("#to")
        await settle(pilot)
        assert app.is_running and app.screen is compose
        assert "[red]x[/] [@click=app.quit]" in compose.query_one(DraftEditor).text
        await pilot.press("tab")
        await pilot.click("#quote-fold")
        await settle(pilot)
        assert app.is_running and app.screen is compose


@pytest.fixture(autouse=True)
def _unlocked(tmp_path: Path) -> Iterator[None]:
    """Files a test made unreadable are made readable again, so pytest can clean up."""
    yield
    for path in tmp_path.iterdir():
        path.chmod(0o644)


def test_a_reply_survives_the_console_being_killed(demo_template: Path, tmp_path: Path) -> None:
    """The real program in a real terminal (tmux), killed with SIGKILL a moment after
    the agent stops typing: the reply is in the store."""
    assert shutil.which("tmux"), "tmux is required for this test (installed by .ci/run)"
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    defaults = tmp_path / "none.toml"  # no file: the defaults
    command = f"exec env AGENTCONSOLE_CONFIG={defaults} {sys.executable} -m agentconsole --db {db}"
    with Terminal(command) as terminal:
        filter_in_terminal(terminal, "from:evil.example")
        terminal.keys("Enter")  # open the ticket
        terminal.wait_for("esc Back")
        terminal.keys("R")
        terminal.wait_for(lambda shown: "^s Send" in shown and "Kind regards" in shown)
        terminal.keys("-l", "不会丢失的回复 never lost")
        screen = terminal.wait_for("never lost")
        # the draft is saved about a second after typing stops: the kill comes as soon
        # as the store has it (or after the terminal's wait, for the assert below)
        deadline = time.monotonic() + WAIT_SECONDS
        while not any("never lost" in body for _, _, body, _ in drafts(db)):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        os.kill(terminal.pid, signal.SIGKILL)
    assert "never lost" in screen, screen
    saved = drafts(db)
    assert len(saved) == 1 and "不会丢失的回复 never lost" in saved[0][2]
