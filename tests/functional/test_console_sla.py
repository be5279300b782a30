"""The SLA in the console: the "Escalation requested" view (key 7) lists the tickets
whose customer asked for a supervisor, and the due column shows the clocks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from agentconsole.app import AgentConsole
from agentconsole.domain.sla_escalation import supervisor_requested
from agentconsole.screens.queue import QueueScreen
from agentconsole.store.db import connect, write_txn
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.test_console import SIZE, settle, text_of


async def test_the_escalation_view_lists_tickets_whose_customer_asked_for_a_supervisor(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    conn = connect(demo_db)
    with write_txn(conn):
        flagged = int(
            conn.execute("SELECT min(id) FROM tickets WHERE status = 'open'").fetchone()[0]
        )
        assert supervisor_requested(conn, flagged, actor="import", now=1_800_000_000)
    conn.close()
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.query_text == "tag:wants-supervisor -status:solved,closed"
        table = screen.query_one(TicketTable)
        assert table.total == 1 and table.pages[0][0].id == flagged
        assert "Escalation requested" in text_of(screen.query_one("#queue-title", Static))


async def test_the_escalation_view_says_why_it_is_empty(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert text_of(empty).startswith(
            "No customer is waiting for a supervisor or a senior agent."
        )


async def test_the_at_risk_view_holds_the_breached_demo_tickets(
    console: Callable[..., AgentConsole],
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert table.total > 50  # the demo mailbox is an unworked backlog
        assert all(t.due_at is not None for t in table.pages[0])
