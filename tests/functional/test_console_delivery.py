"""A reply the mail server refused shows in the console: marked in the queue row and
said, with the server's words, on the message in the ticket view (issue 8: never
silently dropped). Delivered by a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from agentconsole.app import AgentConsole
from agentconsole.screens.ticket import MessageView, TicketScreen
from agentconsole.store.db import open_db
from agentconsole.sync.smtp_out import deliver_outbox
from tests.functional.test_console import SIZE, filter_queue, settle, text_of
from tests.mailfactory import make_config
from tests.outboxfactory import loopback_account, queue_replies
from tests.smtpserver import SmtpServer


def _one_refused_one_sent(path: Path) -> None:
    """Two tickets with a reply each: the server refuses the first reply for good (550)
    and accepts the second."""
    conn = open_db(path).conn
    queue_replies(conn, 2)
    server = SmtpServer().start()
    try:
        account = loopback_account(server.port)
        config = make_config(from_address="support@okwallet.example")
        server.handler.refused["c1@example.org"] = (
            "550 5.1.1 <c1@example.org>: [bold]no such user[/bold]"
        )
        report = deliver_outbox(conn, account, None, config)
        assert (report.sent, report.failed) == (1, 1)
    finally:
        server.stop()
        conn.close()


def _row(app: AgentConsole, index: int) -> str:
    from agentconsole.widgets.ticket_table import TicketTable

    table = app.screen.query_one(TicketTable)
    return "".join(segment.text for segment in table.render_line(index))


async def test_a_refused_reply_is_marked_in_the_queue_and_on_its_message(
    console: Callable[..., AgentConsole], tmp_path: Path
) -> None:
    db = tmp_path / "store.db"
    _one_refused_one_sent(db)
    app = console(db=db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")  # the Pending view: a reply leaves its ticket pending
        await settle(pilot)
        table = await filter_queue(pilot, "tag:delivery-failed")
        assert table.total == 1
        row = _row(app, 0)
        assert "✗ reply failed · " in row, row
        await filter_queue(pilot, "-tag:delivery-failed")
        assert "reply failed" not in _row(app, 0)
        await filter_queue(pilot, "tag:delivery-failed")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        replies = [v for v in app.screen.query(MessageView) if v.message.direction == "out"]
        assert len(replies) == 1
        shown = text_of(replies[0])
        assert (
            "✗ not delivered — failed: rejected: 550 5.1.1 <c1@example.org>:"
            " [bold]no such user[/bold]"
        ) in shown
        history = text_of(app.screen.query_one("#history", Static))
        assert "reply failed" in history and "delivery-failed" in history
