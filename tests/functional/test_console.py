"""The console driven by keys through Textual's Pilot; assertions on the store (read
through a separate connection, as after a crash) and on the screen."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.background_sync import WATCH_GROUP
from agentconsole.screens.customers import CustomerScreen
from agentconsole.screens.events import TicketsChanged
from agentconsole.screens.help import HelpScreen
from agentconsole.screens.pickers import ChoiceModal
from agentconsole.screens.queue import QueueScreen
from agentconsole.screens.ticket import MessageView, TicketScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.conftest import store
from tests.mailfactory import make_config

SIZE = (140, 40)


async def settle(pilot: Pilot[None], seconds: float = 0.3) -> None:
    """Wait for the workers that end (not the IDLE watches, which run until quit)."""
    await workers_done(pilot)
    await pilot.pause(seconds)
    await workers_done(pilot)


async def workers_done(pilot: Pilot[None]) -> None:
    ending = [w for w in pilot.app.workers if w.group != WATCH_GROUP]
    if ending:  # an empty list would wait for every worker, the watches too
        await pilot.app.workers.wait_for_complete(ending)


async def filter_queue(pilot: Pilot[None], query: str) -> TicketTable:
    await pilot.press("slash")
    box = pilot.app.screen.query_one("#filter", Input)
    box.value = query
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen.query_one(TicketTable)


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_triage_a_ticket_end_to_end(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    recorded: list[Message] = []
    app = console()
    async with app.run_test(size=SIZE, message_hook=recorded.append) as pilot:
        await settle(pilot)
        table = await filter_queue(pilot, "category:withdrawal status:new,open")
        assert table.total >= 1
        ticket = table.current
        assert ticket is not None and ticket.category == "withdrawal"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("a", "1")  # assign: 1 = me
        await settle(pilot)
        await pilot.press("c", "2")  # category: 2 = deposit
        await settle(pilot)
        await pilot.press("p", "2")  # priority: 2 = high
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot, 0.1)
        app.screen.query_one(Input).value = "vip refund"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "4")  # status: 4 = solved
        await settle(pilot)
        facts = text_of(app.screen.query_one("#facts", Static))
        assert "solved" in facts and "lin" in facts and "high" in facts
        with store(demo_db) as conn:
            row = conn.execute(
                "SELECT status, assignee, category, priority, solved_at FROM tickets WHERE id = ?",
                (ticket.id,),
            ).fetchone()
            tags = {
                r[0]
                for r in conn.execute(
                    "SELECT tag FROM ticket_tags WHERE ticket_id = ?", (ticket.id,)
                )
            }
            kinds = [
                r[0]
                for r in conn.execute(
                    "SELECT kind FROM events WHERE ticket_id = ? AND actor = 'lin'", (ticket.id,)
                )
            ]
        assert row[:4] == ("solved", "lin", "deposit", "high") and row[4]
        assert tags == {"vip", "refund"}
        assert kinds == ["assignee", "category", "priority", "tag_added", "tag_added", "status"]
        # each message is recorded where it is handled: on the screen, then on the app
        assert len({id(m) for m in recorded if isinstance(m, TicketsChanged)}) == 5
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)  # the solved ticket left this view
        assert all(t.id != ticket.id for t in app.screen.query_one(TicketTable).pages.get(0, []))


async def test_bulk_assign_five_tickets_and_undo(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await pilot.press("x", "x", "x", "x", "x")
        chosen = sorted(table.selected)
        assert len(chosen) == 5
        await pilot.press("a", "1")
        await settle(pilot)
        marks = ",".join("?" * 5)
        with store(demo_db) as conn:
            assignees = [
                r[0]
                for r in conn.execute(f"SELECT assignee FROM tickets WHERE id IN ({marks})", chosen)
            ]
        assert assignees == ["lin"] * 5
        await pilot.press("u")
        await settle(pilot)
        with store(demo_db) as conn:
            assignees = [
                r[0]
                for r in conn.execute(f"SELECT assignee FROM tickets WHERE id IN ({marks})", chosen)
            ]
            undo_events = conn.execute(
                f"SELECT count(*) FROM events WHERE kind = 'assignee' AND ticket_id IN ({marks})",
                chosen,
            ).fetchone()[0]
        assert assignees == [None] * 5
        assert undo_events == 10  # the change and its undo are both on the record


async def test_keys_can_be_remapped_in_the_config(console: Callable[..., AgentConsole]) -> None:
    app = console(make_config(keymap={"ticket.assign": "A", "queue.down": "ctrl+n"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await pilot.press("ctrl+n")
        assert table.cursor == 1
        await pilot.press("a")
        await settle(pilot, 0.1)
        assert isinstance(app.screen, QueueScreen)  # "a" no longer assigns
        await pilot.press("A")
        await settle(pilot, 0.1)
        assert isinstance(app.screen, ChoiceModal)
        picker = app.screen.query_one(OptionList)
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert prompts == ["1  me (lin)", "2  nobody", "3  someone else\u2026"]
        await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(pilot, 0.1)
        assert isinstance(app.screen, HelpScreen)
        help_text = text_of(app.screen.query(Static).last())
        rows = [re.split(r"\s{2,}", line.strip()) for line in help_text.splitlines()]
        by_id = {row[-1]: row for row in rows if len(row) == 3}
        assert by_id["ticket.assign"] == ["A", "Assign to me or another agent", "ticket.assign"]
        assert by_id["queue.down"] == ["^n", "Next ticket", "queue.down"]
        assert not [row for row in rows if row[0] == "a"]  # "a" is bound to nothing now


async def test_find_a_customer_by_transaction_id(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        value, address = conn.execute(
            "SELECT i.value, a.address FROM customer_identifiers i JOIN customer_addresses a"
            " ON a.customer_id = i.customer_id WHERE i.kind = 'transaction' LIMIT 1"
        ).fetchone()
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot, 0.1)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press(*value.lower())
        await pilot.press("enter")
        await settle(pilot)
        card = text_of(app.screen.query_one("#card", Static))
        assert address in card and value in card
        tickets = app.screen.query_one("#customer-tickets", OptionList)
        assert tickets.option_count >= 1
        tickets.focus()
        tickets.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)


async def test_merge_two_customers(console: Callable[..., AgentConsole], demo_db: Path) -> None:
    with store(demo_db) as conn:
        (keep, keep_addr), (other, other_addr) = conn.execute(
            "SELECT customer_id, address FROM customer_addresses ORDER BY customer_id LIMIT 2"
        ).fetchall()
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        app.screen.query_one("#lookup", Input).value = keep_addr
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot, 0.1)
        app.screen.query_one(Input).value = f"C-{other}"
        await pilot.press("enter")
        await settle(pilot)
        card = text_of(app.screen.query_one("#card", Static))
        assert other_addr in card and keep_addr in card
    with store(demo_db) as conn:
        assert (
            conn.execute("SELECT merged_into FROM customers WHERE id = ?", (other,)).fetchone()[0]
            == keep
        )
        assert (
            conn.execute("SELECT count(*) FROM events WHERE kind = 'customer_merged'").fetchone()[0]
            == 1
        )


async def test_masked_data_revealed_on_the_record(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await filter_queue(pilot, "账户安全")
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query(MessageView).last()
        shown = text_of(view)
        assert (
            "4111 1111 1111 1111" not in shown and "Abc12345" not in shown and "483920" not in shown
        )
        assert "1111" in shown and "masked" in shown
        await pilot.press("r")
        await settle(pilot)
        assert "Abc12345" in text_of(view)
        ticket_id = table.current.id if table.current else 0
    with store(demo_db) as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM events WHERE kind = 'sensitive_revealed' AND ticket_id = ?",
                (ticket_id,),
            ).fetchone()[0]
            == 1
        )


async def test_next_and_previous_ticket_without_going_back(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        first, second = table.ticket_at(0), table.ticket_at(1)
        assert first and second
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == first.id
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.ticket_id == second.id
        await pilot.press("N")
        await settle(pilot)
        assert app.screen.ticket_id == first.id


async def test_save_attachments(console: Callable[..., AgentConsole], tmp_path: Path) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_queue(pilot, "category:complaint")
        await pilot.press("enter")
        await settle(pilot)
        view = next(v for v in app.screen.query(MessageView) if v.message.attachments)
        view.focus()
        await pilot.press("S")
        await settle(pilot, 0.1)
        app.screen.query_one(Input).value = str(tmp_path / "files")
        await pilot.press("enter")
        await settle(pilot)
    saved = list((tmp_path / "files").iterdir())
    assert [p.name for p in saved] == ["screenshot.png"]
    assert saved[0].read_bytes().startswith(b"\x89PNG")


async def test_empty_database_explains_what_to_do(
    console: Callable[..., AgentConsole], tmp_path: Path
) -> None:
    app = console(db=tmp_path / "empty.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and "agentconsole import" in text_of(empty)


async def test_views_switch_with_one_key(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        with store(demo_db) as conn:
            pending = conn.execute(
                "SELECT count(*) FROM tickets WHERE status = 'pending'"
            ).fetchone()[0]
        assert table.total == pending
        assert all(t.status == "pending" for t in table.pages[0])
        await pilot.press("G")
        assert table.cursor == table.total - 1


async def test_command_palette_offers_the_screen_actions(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Assign", "Status", "Filter", "Escalate", "Undo", "Customers"):
            assert any(t.startswith(wanted) for t in titles), wanted


async def test_long_thread_opens_at_the_newest_and_loads_older_on_demand(
    console: Callable[..., AgentConsole], tmp_path: Path
) -> None:
    from agentconsole.ingest.pipeline import resolve_sources, run_import
    from agentconsole.store import open_db
    from tests.mailfactory import SUPPORT, mail

    eml = tmp_path / "thread"
    eml.mkdir()
    for n in range(30):
        sender = "Wang <wang@example.com>" if n % 2 == 0 else f"Support <{SUPPORT}>"
        (eml / f"{n:02d}.eml").write_bytes(
            mail(
                sender=sender,
                msgid=f"<t{n}@x>",
                in_reply_to=f"<t{n - 1}@x>" if n else None,
                subject="long one",
                body=f"message number {n}",
                date=f"Mon, 05 Oct 2026 {n // 4 + 1:02d}:{n % 4 * 10:02d}:00 +0000",
            )
        )
    db = tmp_path / "long.db"
    run_import(open_db(db).conn, resolve_sources([eml]), make_config(), jobs=1)
    app = console(db=db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")  # the support reply came last: the ticket is pending
        await settle(pilot)
        await filter_queue(pilot, "long")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        shown = [v.message.body_text.strip() for v in screen.query(MessageView)]
        assert shown[-1] == "message number 29" and len(shown) == 8
        assert "22 earlier messages" in text_of(screen.query_one("#earlier", Static))
        await pilot.press(*["k"] * 8)
        await settle(pilot)
        assert len(screen.query(MessageView)) == 28
        await pilot.press("g")
        await settle(pilot)
        views = list(screen.query(MessageView))
        assert len(views) == 30 and views[0].message.body_text.strip() == "message number 0"
        assert screen.focused is views[0] and not screen.query("#earlier")


async def test_views_from_the_config_get_the_next_keys(
    console: Callable[..., AgentConsole],
) -> None:
    app = console(make_config(views={"complaints": "category:complaint"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.query_text == "category:complaint"
        table = screen.query_one(TicketTable)
        assert table.total >= 1 and all(t.category == "complaint" for t in table.pages[0])
        assert "complaints" in text_of(screen.query_one("#queue-title", Static))


async def test_the_mouse_works_too(console: Callable[..., AgentConsole]) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await pilot.click(TicketTable, offset=(20, 3))
        assert table.cursor == 3
        await pilot.click(TicketTable, offset=(20, 3))
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == (table.ticket_at(3).id if table.ticket_at(3) else -1)
