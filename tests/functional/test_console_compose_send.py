"""The issue's scenario in the console: a reply from a canned response, its blank
filled, a password request flagged as the agent types, a fix applied, sent, and found
in the outbox with the headers a mail program threads by; error findings that block
sending until a reason is given; a note that never enters the outbox."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from agentconsole.app import AgentConsole
from agentconsole.compose import new_draft, save_draft, send_draft
from agentconsole.screens.canned_picker import CannedPicker
from agentconsole.screens.pickers import ChoiceModal, PromptModal
from agentconsole.screens.ticket import MessageView, TicketScreen
from agentconsole.store import open_db
from agentconsole.widgets.draft_editor import DraftEditor
from agentconsole.widgets.findings import FindingsList
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle, text_of
from tests.functional.test_console_compose import notices, open_compose, open_ticket
from tests.mailfactory import make_config

TICKET = "账户安全"


async def eventually(pilot: Pilot[None], happened: Callable[[], object]) -> None:
    """Let the app run until ``happened()`` is true (a worker's result posted back, a
    focus change) or 10 s pass: a loaded machine is slower than a fixed pause."""
    deadline = time.monotonic() + 10
    while not happened() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def checked(pilot: Pilot[None]) -> list[str]:
    """The codes the findings list shows once the check after typing has run."""
    await pilot.pause(0.4)
    await settle(pilot)
    return [f.code for f in pilot.app.screen.query_one(FindingsList).findings]


def outbox(db: Path) -> list[tuple[str, str, EmailMessage]]:
    with store(db) as conn:
        rows = conn.execute("SELECT status, rfc_message_id, raw FROM outbox ORDER BY id").fetchall()
    parsed = [message_from_bytes(bytes(r[2]), policy=default) for r in rows]
    return [(str(r[0]), str(r[1]), m) for r, m in zip(rows, parsed, strict=True)]  # type: ignore[misc]


def answered_message(db: Path, ticket_id: int) -> tuple[str, list[str], str]:
    """(Message-ID, References, sender's name) of the customer's last message."""
    with store(db) as conn:
        row = conn.execute(
            "SELECT message_id, references_json, from_name FROM messages"
            " WHERE ticket_id = ? AND direction = 'in' ORDER BY date DESC, id DESC LIMIT 1",
            (ticket_id,),
        ).fetchone()
    return str(row[0]), list(json.loads(row[1])), str(row[2])


def bracketed(message_id: str) -> str:
    return message_id if message_id.startswith("<") else f"<{message_id}>"


async def test_reply_from_a_canned_response_checked_fixed_and_queued(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        assert ticket.detail is not None
        ref, ticket_id = ticket.detail.ticket.ref, ticket.ticket_id
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)

        await pilot.press("ctrl+t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CannedPicker)
        await pilot.press("t", "k")
        await settle(pilot)
        first = picker.query_one("#canned-list", OptionList).get_option_at_index(0)
        assert "退款进度查询" in str(first.prompt)
        preview = text_of(picker.query_one("#canned-preview", Static))
        assert "⟦退款状态⟧" in preview and ref in preview  # rendered for this ticket
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is compose
        assert "我们查询了您的退款" in editor.text and f"工单 {ref} 会保持开启" in editor.text
        assert editor.selected_text == "⟦退款状态⟧"  # typing fills the blank
        await pilot.press(*"已原路退回")
        assert "目前状态为：已原路退回。" in editor.text
        await pilot.press("end", "enter", *"请提供您的密码!!!")
        codes = await checked(pilot)
        assert "AC201" in codes and "AC504" in codes and "AC301" not in codes
        listed = compose.query_one(FindingsList)
        assert "回复在向客户索取“密码”" in str(
            listed.get_option_at_index(codes.index("AC201")).prompt
        )

        while listed.current is None or listed.current.code != "AC504":
            await pilot.press("f8")
        await pilot.press("ctrl+f")
        assert "请提供您的密码！\n" in editor.text or "请提供您的密码!\n" in editor.text
        assert "Fixed AC504: 只保留一个标点" in notices(app)
        await pilot.press("home", "ctrl+k")  # the password request goes
        codes = await checked(pilot)
        assert "AC201" not in codes and "AC504" not in codes

        await pilot.press("ctrl+s")
        await settle(pilot)
        await eventually(pilot, lambda: any(n.startswith(f"Queued {ref} ") for n in notices(app)))
        assert isinstance(app.screen, TicketScreen)
        queued = [n for n in notices(app) if n.startswith(f"Queued {ref} reply <")]
        assert queued and queued[0].endswith(
            "> — waits in the outbox until a mail account is set up"
        )
        assert any("out" in view.classes for view in app.screen.query(MessageView))

        await pilot.press("escape")  # back to the queue, and the ticket again
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        waiting = [n for n in notices(app) if n.startswith("The reply queued ")]
        assert waiting and waiting[-1].endswith(
            " waits in the outbox until a mail account is set up"
        )

    [(status, message_id, mail)] = outbox(demo_db)
    assert status == "queued" and message_id in queued[0]
    answered, references, customer = answered_message(demo_db, ticket_id)
    assert mail["In-Reply-To"] == bracketed(answered)
    assert mail["References"].split()[-1] == bracketed(answered)
    assert [bracketed(r) for r in references] == mail["References"].split()[:-1]
    assert mail["Subject"].startswith("Re: ") and ref in mail["Subject"]
    assert mail["To"].addresses[0].display_name == customer
    assert "Auto-Submitted" not in mail
    body = mail.get_content()
    assert "目前状态为：已原路退回。" in body and "请提供您的密码" not in body
    assert "我的密码是••••••" in body  # the quote, masked
    with store(demo_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0


async def test_error_findings_block_sending_until_a_reason_is_given(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        ticket_id = ticket.ticket_id
        compose = await open_compose(pilot)
        await pilot.press(*"请把验证码发给我们")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        assert app.screen.title_text == "Not sent: errors AC201. Send anyway?"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is compose
        assert "Not sent: fix the errors, or give a reason to send anyway" in notices(app)
        assert outbox(demo_db) == []

        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = "客户要求重置流程说明"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    assert len(outbox(demo_db)) == 1
    with store(demo_db) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE ticket_id = ? AND kind = 'lint_overridden'",
            (ticket_id,),
        ).fetchall()
    assert len(rows) == 1 and "客户要求重置流程说明" in rows[0][0] and "AC201" in rows[0][0]


async def test_an_internal_note_never_enters_the_outbox(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        ticket_id = ticket.ticket_id
        assert ticket.detail is not None
        ref = ticket.detail.ticket.ref
        await open_compose(pilot, "I")
        await pilot.press(*"客户说密码忘了 已转风控")  # notes are not checked
        await pilot.pause(0.4)
        assert not app.screen.query_one(FindingsList).display
        await pilot.press("ctrl+s")
        await settle(pilot)
        await eventually(pilot, lambda: f"Note added to {ref}" in notices(app))
        assert isinstance(app.screen, TicketScreen)
        assert f"Note added to {ref}" in notices(app)
        assert any("note" in view.classes for view in app.screen.query(MessageView))
    assert outbox(demo_db) == []
    with store(demo_db) as conn:
        notes = conn.execute(
            "SELECT body_text FROM messages WHERE ticket_id = ? AND direction = 'note'",
            (ticket_id,),
        ).fetchall()
    assert len(notes) == 1 and "客户说密码忘了 已转风控" in notes[0][0]


async def test_findings_are_marked_and_f8_goes_to_each(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        await pilot.press(*"请回复您的密码!!!")
        await checked(pilot)
        listed = compose.query_one(FindingsList)
        body = [f for f in listed.findings if f.target == "body"]
        assert len(body) >= 2
        for finding in body:
            row, column = editor.location_of(finding.start)
            styles = {span.style for span in editor.get_line(row).spans}
            assert styles, f"{finding.code} is not marked on line {row}"
        await pilot.press("f8")
        first = listed.current
        assert first is not None
        if first.target == "body":
            assert editor.cursor_offset == first.start
        await pilot.press("f8", "shift+f8")
        assert listed.current == first
        status = text_of(compose.query_one("#compose-status", Static))
        assert "error" in status


async def test_canned_picker_suggests_for_the_ticket_and_finds_pinyin(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CannedPicker)
        options = picker.query_one("#canned-list", OptionList)
        assert options.option_count >= 30
        assert str(options.get_option_at_index(0).prompt).startswith("★ ")  # fits the ticket
        picker.query_one(Input).value = "tuikuan"
        await settle(pilot)
        assert "退款" in str(options.get_option_at_index(0).prompt)
        picker.query_one(Input).value = "[/] [@click=app.quit]"  # literal, finds nothing
        await settle(pilot)
        assert text_of(picker.query_one("#canned-preview", Static)).strip() == "Nothing matches"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is compose and app.is_running


async def test_canned_responses_are_in_the_command_palette_of_the_compose_pane(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"tuikuan")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is compose
        editor = compose.query_one(DraftEditor)
        assert "我们查询了您的退款" in editor.text
        assert editor.selected_text == "⟦退款状态⟧"


async def test_tab_selects_each_blank_in_turn_then_moves_on(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        editor.insert_at_cursor("单号 ⟦交易号⟧，时间 ⟦交易时间⟧。")
        editor.move_cursor((0, 0))
        await pilot.press("tab")
        assert editor.selected_text == "⟦交易号⟧"
        await pilot.press("tab")
        assert editor.selected_text == "⟦交易时间⟧"
        await pilot.press(*"10:30", "tab")
        assert editor.selected_text == "⟦交易号⟧"  # wrapped to the one left
        await pilot.press(*"TXN1")
        assert "单号 TXN1，时间 10:30。" in editor.text
        await pilot.press("tab")
        await eventually(pilot, lambda: not editor.has_focus)
        assert not editor.has_focus  # no blank left: tab moves on


async def test_a_subject_finding_is_fixed_in_the_subject(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        assert ticket.detail is not None
        ref = ticket.detail.ticket.ref
        compose = await open_compose(pilot)
        subject = compose.query_one("#subject", Input)
        subject.value = "Re: 账户安全 Account security"  # the reference lost
        await checked(pilot)
        listed = compose.query_one(FindingsList)
        await pilot.press("f8")  # the subject's finding may be the only one, already current
        while listed.current is None or listed.current.target != "subject":
            await pilot.press("f8")
        assert subject.has_focus
        await pilot.press("ctrl+f")
        assert ref in subject.value and subject.value.startswith("Re: 账户安全 Account security")
        codes = await checked(pilot)
        assert all(f.target != "subject" for f in listed.findings), codes


async def test_a_forward_to_a_bad_address_is_refused_and_kept(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot, "F")
        assert compose.query_one("#to", Input).value == ""
        assert "---------- Forwarded message ----------" in text_of(
            compose.query_one("#quote", Static)
        )
        compose.query_one("#to", Input).value = "risk team <risk@>"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is compose
        refused = [n for n in notices(app) if n.startswith("Not sent: ")]
        assert refused == ["Not sent: risk team <risk@> is not an e-mail address"]
        compose.query_one("#to", Input).value = "Risk Team <risk@okwallet.example>"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    [(_status, _id, mail)] = outbox(demo_db)
    assert mail["To"].addresses[0].addr_spec == "risk@okwallet.example"
    assert mail["Subject"].startswith("Fwd: ") and "In-Reply-To" not in mail


async def test_the_agents_own_responses_are_literal_and_a_bad_file_is_named(
    console: Callable[..., AgentConsole],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "config" / "canned"
    folder.mkdir(parents=True)
    monkeypatch.setenv("AGENTCONSOLE_CONFIG", str(folder.parent / "config.toml"))
    (folder / "mine.md").write_text(
        '+++\nid = "mine-en"\ntitle = "[red]Mine[/] \\u001b[2J zzqx"\nlang = "en"\n'
        'categories = ["fees"]\ntags = []\nkeywords = ["zzqx"]\n+++\n'
        'Use [@click=app.quit]this[/] {% blank "amount" %} now.\n',
        encoding="utf-8",
    )
    (folder / "broken.md").write_text("no front matter at all\n", encoding="utf-8")
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert any(
            n.startswith("1 canned response files could not be read: ") and "broken.md" in n
            for n in notices(app)
        )
        picker = app.screen
        picker.query_one(Input).value = "zzqx"
        await pilot.pause(0.3)
        await settle(pilot)
        line = str(picker.query_one("#canned-list", OptionList).get_option_at_index(0).prompt)
        assert "[red]Mine[/] ␛[2J zzqx" in line and "\x1b" not in line
        preview = text_of(picker.query_one("#canned-preview", Static))
        assert "Use [@click=app.quit]this[/] ⟦amount⟧ now." in preview
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is compose and app.is_running
        editor = compose.query_one(DraftEditor)
        assert "Use [@click=app.quit]this[/] ⟦amount⟧ now." in editor.text
        assert editor.selected_text == "⟦amount⟧"


async def test_an_empty_reply_is_refused_and_kept(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        await pilot.press(*"   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is compose
        refused = [n for n in notices(app) if n.startswith("Not sent: ")]
        assert refused == ["Not sent: nothing to send: the reply is empty"]
    assert outbox(demo_db) == []


async def test_the_thanks_fix_goes_above_the_signature(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        assert "\n祝好！\n" in editor.text
        editor.text = editor.text.replace("\n祝好！\n", "\n").replace(
            "\n\n\n", "\n\n已处理。\n\n", 1
        )
        codes = await checked(pilot)
        assert "AC103" in codes
        listed = compose.query_one(FindingsList)
        while listed.current is None or listed.current.code != "AC103":
            await pilot.press("f8")
        await pilot.press("ctrl+f")
        # above the agent's name and team (the signature), not between them
        assert "已处理。\n" in editor.text
        assert editor.text.endswith("\n感谢您的耐心与理解！\nlin\nOKWallet 客服\n\n")
        assert "AC103" not in await checked(pilot)


def written_by_another_console(db: Path, ticket_id: int, mode: str, *, send: bool) -> None:
    """What a second console, used by agent bo, does to the same ticket: keep a draft,
    or queue a reply."""
    config = make_config(agent="bo")
    conn = open_db(db).conn
    try:
        draft = new_draft(conn, ticket_id, mode, config)
        draft = replace(draft, body=draft.body.replace("\n\n\n", "\n\n已为您处理。\n\n", 1))
        if send:
            send_draft(conn, draft, config, actor="bo", override_reason="the customer called")
        else:
            save_draft(conn, draft)
    finally:
        conn.close()


async def test_another_draft_and_a_reply_queued_meanwhile_are_told(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = await open_ticket(pilot, TICKET)
        written_by_another_console(demo_db, ticket.ticket_id, "forward", send=False)
        compose = await open_compose(pilot)  # R: a reply, beside bo's forward
        saved = [n for n in notices(app) if n.startswith("Another draft of this ticket (")]
        assert saved and saved[0].startswith("Another draft of this ticket (forward, saved ")
        assert saved[0].endswith(" by bo) waits")

        await pilot.press(*"退款已经到账。")
        await pilot.pause(1.1)  # a second later, bo's console queues a reply
        written_by_another_console(demo_db, ticket.ticket_id, "reply", send=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        assert modal.title_text.startswith("Since you started: bo queued a reply at ")
        assert modal.title_text.endswith(". Send anyway?")
        assert len(outbox(demo_db)) == 1  # bo's, nothing of ours yet
        await pilot.press("1")  # no: keep the draft
        await settle(pilot)
        assert app.screen is compose and "Not sent: the draft is kept" in notices(app)

        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("2")  # yes: send it too
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    assert len(outbox(demo_db)) == 2


async def test_a_check_that_empties_the_focused_findings_list_moves_focus_on_not_back(
    console: Callable[..., AgentConsole],
) -> None:
    """Tab from the text reaches the findings list; the check of the text just typed
    then finds nothing and hides the list. Focus moves on from the list, as tab does: it
    never drops back into the text, where the agent's next keys would edit the reply."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ticket(pilot, TICKET)
        compose = await open_compose(pilot)
        editor = compose.query_one(DraftEditor)
        listed = compose.query_one(FindingsList)
        editor.insert_at_cursor("单号 ⟦交易号⟧。")
        assert await checked(pilot)  # the blank left unfilled is a finding
        assert listed.display
        editor.move_cursor(editor.location_of(len(editor.text)))
        await pilot.press("tab")  # past the last blank: wraps to it
        await pilot.press(*"TXN1", "tab")  # no blank left: on to the findings list
        assert await checked(pilot) == []  # the check of the filled text: none left
        assert not listed.display
        assert compose.focused is not None and compose.focused is not editor
        await pilot.press(*"zz")
        assert "zz" not in editor.text
