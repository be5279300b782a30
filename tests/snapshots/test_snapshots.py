"""A few pictures per screen, with fixed data, clock and terminal size.

A snapshot says that something changed, not why: each is paired with a behavioural
test in tests/functional (named in the docstring). Update them with
``./dev test tests/snapshots --snapshot-update`` after an intended change, and look
at the report before committing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from agentconsole.app import make_app
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from tests.conftest import DEMO_MBOX
from tests.mailfactory import make_config

FIXED_NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp()
SIZE = (130, 36)


@pytest.fixture
def frozen_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(time, "time", lambda: FIXED_NOW)
    path = tmp_path / "demo.db"
    conn = open_db(path).conn
    run_import(conn, resolve_sources([DEMO_MBOX]), make_config(), jobs=1)
    conn.close()
    yield path
    monkeypatch.undo()
    time.tzset()


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()


def test_queue(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console.test_views_switch_with_one_key."""
    assert snap_compare(make_app(make_config(), frozen_db), terminal_size=SIZE, run_before=_settle)


def test_ticket_view(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console.test_triage_a_ticket_end_to_end."""

    async def open_ticket(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("j", "j", "enter")
        await _settle(pilot)

    app = make_app(make_config(), frozen_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_ticket)


def test_customer_card(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console.test_find_a_customer_by_transaction_id."""

    async def look_up(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("f", *"nodate@example.com", "enter")
        await _settle(pilot)

    app = make_app(make_config(), frozen_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=look_up)


def test_help(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console.test_keys_can_be_remapped_in_the_config."""

    async def show_help(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    app = make_app(make_config(), frozen_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=show_help)


def test_compose_pane(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console_compose_send (a reply from a canned response, checked,
    fixed and queued)."""

    async def write(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("j", "j", "enter")
        await _settle(pilot)
        await pilot.press("R")
        await _settle(pilot)
        await pilot.press(*"Please send us your password!!!")
        await pilot.pause(1.5)  # checked and saved: the status line says both
        await _settle(pilot)
        pilot.app.screen.query_one("#body", TextArea).cursor_blink = False

    app = make_app(make_config(), frozen_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=write)


def test_dashboard(snap_compare: Any, frozen_db: Path) -> None:
    """Behaviour: test_console_dashboard (counts against SQL, drill-down, periods)."""

    async def open_dashboard(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("d")
        await _settle(pilot)

    app = make_app(make_config(), frozen_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_dashboard)
