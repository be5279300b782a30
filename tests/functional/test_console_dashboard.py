"""The dashboard driven by keys: its numbers against SQL counts on the store, every
drill-down into the queue, the period keys, the refresh when another process changes
the store, and names from outside shown as the characters they are."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.dashboard import DashboardScreen, Tile
from agentconsole.screens.help import HelpScreen
from agentconsole.screens.queue import QueueScreen
from agentconsole.screens.ticket import TicketScreen
from agentconsole.store import open_db
from agentconsole.store.dashboard_rows import REPLY_KIND
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.timefmt import duration
from agentconsole.widgets.dashboard_parts import Bars
from agentconsole.widgets.ticket_table import TicketTable
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle, text_of
from tests.terminal import Terminal, queue_shown

HOUR = 3600
HOSTILE = "[red]x[/]\x1b[J"
"""Markup whose closing tag would crash a markup parser, and a clear-screen escape."""


def seed(db: Path) -> dict[str, list[int]]:
    """Assignees (one of them hostile), due times around now and two replies today,
    written by another connection as another process would; the ids by figure."""
    now = int(time.time())
    with store(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM tickets ORDER BY id")]
        for n, ticket_id in enumerate(ids):
            assignee = ("lin", "王娜", HOSTILE, None)[n % 4]
            due = now + (n % 6 - 2) * HOUR + HOUR // 2 if n % 5 else None  # breached, at risk
            risk = None if due is None else due - 4 * HOUR  # a 75% share of 16 hours
            conn.execute(
                "UPDATE tickets SET assignee = ?, due_at = ?, sla_at_risk_at = ? WHERE id = ?",
                (assignee, due, risk, ticket_id),
            )
    conn = open_db(db).conn
    with write_txn(conn):
        for ticket_id in ids[:2]:
            record_event(conn, REPLY_KIND, actor="lin", ticket_id=ticket_id, at=now - 60)
    conn.close()
    unfinished = "status NOT IN ('solved', 'closed')"
    risky = f"due_at > {now} AND sla_at_risk_at <= {now}"
    return {
        "open": _ids(db, "status IN ('new', 'open')"),
        "unassigned": _ids(db, "status IN ('new', 'open') AND assignee IS NULL"),
        "breached": _ids(db, f"{unfinished} AND due_at < {now}"),
        "at_risk": _ids(db, f"{unfinished} AND {risky}"),
        "lin_at_risk": _ids(db, f"{unfinished} AND assignee = 'lin' AND {risky}"),
        "replied": ids[:2],
    }


def _ids(db: Path, where: str) -> list[int]:
    with store(db) as conn:
        return [r[0] for r in conn.execute(f"SELECT id FROM tickets WHERE {where} ORDER BY id")]


async def open_dashboard(pilot: Pilot[None]) -> DashboardScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def tile(screen: DashboardScreen, figure: str) -> str:
    return text_of(screen.query_one(f"#tile-{figure}", Tile)).strip()


def listed(app: AgentConsole) -> list[int]:
    table = app.screen.query_one(TicketTable)
    return sorted(t.id for page in table.pages.values() for t in page)


async def test_d_opens_the_dashboard_with_the_stores_counts(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    expected = seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        for figure in ("open", "unassigned", "at_risk", "breached"):
            label = figure.replace("_", " ")
            assert tile(screen, figure).split() == [*label.split(), str(len(expected[figure]))]
        assert all(len(expected[f]) > 0 for f in ("breached", "at_risk", "unassigned"))
        agents = screen.query_one("#agents", DataTable)
        rows = {agents.get_cell_at(Coordinate(r, 0)).plain: r for r in range(agents.row_count)}
        lin = [agents.get_cell_at(Coordinate(rows["lin"], c)).plain for c in range(1, 5)]
        unfinished = "status NOT IN ('solved', 'closed') AND assignee = 'lin'"
        breached = _ids(demo_db, f"{unfinished} AND due_at < {int(time.time())}")
        opened = _ids(demo_db, "status IN ('new', 'open') AND assignee = 'lin'")
        assert lin == [str(len(opened)), str(len(expected["lin_at_risk"])), str(len(breached)), "2"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_enter_on_breached_opens_the_queue_on_exactly_those_tickets(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    expected = seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.focused is screen.query_one("#tile-breached", Tile)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        title = text_of(app.screen.query_one("#queue-title", Static))
        count = len(expected["breached"])
        assert f"Dashboard: breached   {count} tickets" in title
        assert "query: due:breached -status:solved,closed" in title
        assert listed(app) == expected["breached"]
        await pilot.press("3")  # a digit goes back to the usual views
        await settle(pilot)
        assert app.screen.view.label == "All open"
        assert listed(app)[:5] != [] and app.screen.drill_view is None


async def test_tiles_and_cells_drill_down(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    expected = seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("shift+tab", "shift+tab")  # breached -> at risk -> unassigned
        await pilot.press("enter")
        await settle(pilot)
        assert listed(app) == expected["unassigned"]

        screen = await open_dashboard(pilot)
        agents = screen.query_one("#agents", DataTable)
        agents.focus()
        row = [agents.get_cell_at(Coordinate(r, 0)).plain for r in range(agents.row_count)]
        agents.cursor_coordinate = Coordinate(row.index("lin"), 2)  # at risk
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "query: assignee:lin due:risk -status:solved,closed" in text_of(
            app.screen.query_one("#queue-title", Static)
        )
        assert listed(app) == expected["lin_at_risk"]

        screen = await open_dashboard(pilot)
        agents = screen.query_one("#agents", DataTable)
        agents.focus()
        agents.cursor_coordinate = Coordinate(row.index("lin"), 4)  # replies today
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert listed(app) == expected["replied"]
        assert "Dashboard: lin: replies today" in text_of(
            app.screen.query_one("#queue-title", Static)
        )


async def test_period_keys_switch_the_charts(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.period.label == "7 days"
        assert len(screen.query_one("#incoming", Bars).data) == 7
        await pilot.press("3")
        await settle(pilot)
        assert screen.period.days == 30 and len(screen.query_one("#incoming", Bars).data) == 30
        assert "Period: 30 days (" in text_of(screen.query_one("#period-title", Static))
        await pilot.press("1")
        await settle(pilot)
        assert screen.period.label == "today"
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one(Input).value = "2026-11-01 2026-11-22"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.period.describe() == "range (2026-11-01 – 2026-11-22)"
        report = screen.report
        assert report is not None and len(report.days) == 22
        with store(demo_db) as conn:
            (opened,) = conn.execute(
                "SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?"
                " AND merged_into IS NULL",
                (report.since, report.until),
            ).fetchone()
        assert sum(day.incoming for day in report.days) == report.tickets == opened > 0
        assert f"{opened} tickets opened" in text_of(screen.query_one("#period-title", Static))
        label = text_of(screen.query_one("#incoming-label", Static))
        first = report.first_response
        assert first.measured > 0 and first.median is not None
        shown = text_of(screen.query_one("#first-response", Static))
        assert f"median {duration(first.median):>7}" in shown
        assert f"({first.met} met, {first.breached} breached)" in shown
        assert not screen.query_one("#dash-warning").display  # 2026 has holiday data
        assert f"total {opened}" in label
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one(Input).value = "2026-11-22 2026-11-01"
        await pilot.press("enter")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert "2026-11-22 2026-11-01: the first date comes after the second" in messages
        assert screen.period.describe() == "range (2026-11-01 – 2026-11-22)"


async def test_a_change_by_another_process_refreshes_the_figures(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    expected = seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        before = screen.loads
        with store(demo_db) as conn:  # another process solves three breached tickets
            marks = ", ".join("?" for _ in expected["breached"][:3])
            conn.execute(
                f"UPDATE tickets SET status = 'solved' WHERE id IN ({marks})",
                expected["breached"][:3],
            )
        deadline = time.monotonic() + 10
        while screen.loads == before and time.monotonic() < deadline:
            await pilot.pause(0.2)
        await settle(pilot)
        assert tile(screen, "breached").split() == ["breached", str(len(expected["breached"]) - 3)]
        await pilot.press("j")  # typing went on meanwhile: keys reach the screen
        assert isinstance(app.screen, DashboardScreen)


async def test_names_from_outside_show_literally(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        agents = screen.query_one("#agents", DataTable)
        names = [agents.get_cell_at(Coordinate(r, 0)).plain for r in range(agents.row_count)]
        assert "[red]x[/]␛[J" in names
        svg = app.export_screenshot()
        assert "[red]x[/]␛[J" in svg.replace("&#160;", " ") and "\x1b" not in svg
        agents.focus()
        agents.cursor_coordinate = Coordinate(names.index("[red]x[/]␛[J"), 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert listed(app) == _ids(demo_db, f"status IN ('new', 'open') AND assignee = '{HOSTILE}'")
        await pilot.press("enter")  # the ticket's facts name the assignee literally too
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        facts = text_of(app.screen.query_one("#facts", Static))
        assert "[red]x[/]␛[J" in facts and "\x1b" not in facts


async def test_the_key_is_in_the_help_and_can_be_remapped(
    console: Callable[..., AgentConsole],
) -> None:
    from tests.mailfactory import make_config

    app = console(make_config(keymap={"queue.dashboard": "D"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query(Static).last())
        assert "queue.dashboard" in keys and "D" in keys
        await pilot.press("escape", "D")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_every_number_equals_the_count_of_its_drill_down(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    """Each cell of the three tables, and each tile, against the count the queue gives
    for the query enter would open on it."""
    seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        service = app.service
        checked = 0
        for table_id in ("agents", "categories", "priorities"):
            table = screen.query_one(f"#{table_id}", DataTable)
            assert table.row_count > 0
            for (row, column), drill in screen.cells[table_id].items():
                if column == 0 or drill.replies_of is not None:
                    continue
                shown = table.get_cell_at(Coordinate(row, column)).plain
                assert shown == f"{service.queue_count(drill.query):,}", (table_id, drill)
                checked += 1
        for figure in ("open", "unassigned", "at_risk", "breached"):
            drill = screen.query_one(f"#tile-{figure}", Tile).drill
            assert drill is not None
            assert tile(screen, figure).split()[-1] == f"{service.queue_count(drill.query):,}"
        assert checked >= 3 * (12 + 3 + 3)


def test_no_escape_sequence_in_a_name_reaches_the_terminal(demo_db: Path, tmp_path: Path) -> None:
    """The real program in a real terminal (tmux), every byte it writes recorded: an
    assignee named with a window-title sequence (names arrive from other machines by
    sync) is shown in the queue and on the dashboard, the sequence never sent."""
    assert shutil.which("tmux"), "tmux is required for this test (installed by ./dev test)"
    with store(demo_db) as conn:
        conn.execute("UPDATE tickets SET assignee = ? WHERE id % 3 = 0", ("\x1b]0;pwn\x07",))
    log = tmp_path / "terminal.bytes"
    defaults = tmp_path / "none.toml"
    command = f"AGENTCONSOLE_CONFIG={defaults} {sys.executable} -m agentconsole --db {demo_db}"
    with Terminal(command, log=log) as terminal:
        terminal.wait_for(queue_shown)
        terminal.keys("d")
        screen = terminal.wait_for(lambda shown: "Dashboard" in shown and "␛]0;pwn␇" in shown)
    assert "Dashboard" in screen and "␛]0;pwn␇" in screen, screen
    data = log.read_bytes()
    assert b"pwn" in data and b"\x1b]0;pwn" not in data


async def test_a_year_without_holiday_data_is_warned_about(
    console: Callable[..., AgentConsole],
) -> None:
    """The shipped policies count in China's calendar; the holidays package has no
    official data for 2027 yet, so a period in it says so above the figures."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.screen.query_one(Input).value = "2027-01-01 2027-01-07"
        await pilot.press("enter")
        await settle(pilot)
        warning = screen.query_one("#dash-warning", Static)
        assert warning.display
        assert text_of(warning).strip() == (
            "⚠ calendar cn: no official CN holiday data for 2027: days off and make-up"
            " working days are guessed (agentconsole sla check --year 2027 says what to add)"
        )
        await pilot.press("2")
        await settle(pilot)
        assert not warning.display


async def test_a_drill_down_that_emptied_meanwhile_says_so(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    seed(demo_db)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        with store(demo_db) as conn:  # every breach answered elsewhere in the meantime
            conn.execute("UPDATE tickets SET due_at = NULL")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        empty = text_of(app.screen.query_one("#empty", Static))
        assert empty.startswith(
            "No ticket is left in breached: it changed since the dashboard counted."
        )
