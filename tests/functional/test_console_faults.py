"""The store fails under the console's workers: each failure is one line for the agent,
a traceback in the failure log next to the database, and the console carries on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.notifications import Notify

from agentconsole.app import AgentConsole
from agentconsole.screens.events import WorkerFailed
from agentconsole.screens.queue import QueueScreen
from agentconsole.screens.ticket import TicketScreen
from agentconsole.widgets.ticket_table import TicketTable
from tests.conftest import ROOT
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle


def notices(recorded: list[Message]) -> list[str]:
    return [m.notification.message for m in recorded if isinstance(m, Notify)]


async def test_store_failures_under_workers_are_logged_told_and_survived(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    recorded: list[Message] = []
    log = demo_db.parent / "agentconsole.log"
    app = console()
    async with app.run_test(size=SIZE, message_hook=recorded.append) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        ticket = table.current
        assert ticket is not None and table.total > 0
        with store(demo_db) as conn:  # another process breaks the store under the app
            conn.execute("DROP TABLE tickets")
        assert not log.exists()

        await pilot.press("a", "1")  # a change: assign to me
        await settle(pilot)
        await pilot.press("R")  # the queue reloads
        await settle(pilot)
        await pilot.press("enter")  # a ticket opens
        await settle(pilot)

        assert app.is_running
        assert isinstance(app.screen, TicketScreen)
        suffix = f": no such table: tickets (details in {log})"
        # (the queue reloads after every picker too, and says so each time; the change
        # and the reload run in parallel workers, so either may fail first)
        assert sorted(set(notices(recorded))) == [
            "Could not load the queue" + suffix,
            "Could not open the ticket" + suffix,
            "Could not save the change" + suffix,
        ]
        failed = [m.what for m in recorded if isinstance(m, WorkerFailed)]
        assert sorted(set(failed)) == ["load the queue", "open the ticket", "save the change"]
        assert len(failed) == len(notices(recorded))

        # the agent can still move around: back to the queue, which still shows its rows
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, QueueScreen)
        assert app.screen.query_one(TicketTable).total == table.total

    failed = [m.what for m in recorded if isinstance(m, WorkerFailed)]
    text = log.read_text(encoding="utf-8")
    # one entry per failure: a one-line heading, then the whole traceback
    assert text.count("Traceback (most recent call last):") == len(failed)
    for what in failed:
        assert f"UTC  could not {what}\nTraceback (most recent call last):\n" in text
    assert text.count("sqlite3.OperationalError: no such table: tickets") == len(failed)
    assert "in apply_change" in text and "in load_view" in text and "in load_ticket" in text


async def test_an_unwritable_log_is_said_and_the_app_goes_on(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    recorded: list[Message] = []
    log = demo_db.parent / "agentconsole.log"
    log.mkdir()  # a folder where the log file should be: writing it fails
    app = console()
    async with app.run_test(size=SIZE, message_hook=recorded.append) as pilot:
        await settle(pilot)
        with store(demo_db) as conn:
            conn.execute("DROP TABLE tickets")
        await pilot.press("R")
        await settle(pilot)
        assert app.is_running
        [notice] = notices(recorded)
        assert notice.startswith("Could not load the queue: no such table: tickets (not logged: ")
        assert "Is a directory" in notice


def test_every_console_worker_is_declared_the_one_way() -> None:
    """No bare Textual worker (whose exception would end the app) and no copied
    try/except in the faces: workers are declared with console_worker alone."""
    faces = [ROOT / "agentconsole" / "app.py"]
    faces += sorted((ROOT / "agentconsole" / "screens").glob("*.py"))
    faces += sorted((ROOT / "agentconsole" / "widgets").glob("*.py"))
    declared = 0
    for path in faces:
        source = path.read_text(encoding="utf-8")
        if path.name == "workers.py":
            continue
        assert "@work" not in source and "run_worker(" not in source, path.name
        assert "except Exception" not in source, path.name
        declared += source.count("@console_worker(")
    assert declared >= 14  # the scan found the screens (more come with new screens)
