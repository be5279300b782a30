"""The dashboard at 100,000 tickets: from the key on the queue to its first paint with
the figures, driven headless; and the store's reads alone.

    python benchmarks/bench_dashboard.py

The large database (benchmarks/common.py) holds no due times: a copy gets them as the
SLA engine would leave a busy team, one open ticket in five breached and a few at risk
(a stand-in written here, so the figures have work to do: the SLA engine would take
minutes over them). The period is the SLA report's, over the same copy. Target on a 2-core machine:
first paint within 1 s of the key.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, big_db, config  # noqa: E402

from agentconsole.app import make_app  # noqa: E402
from agentconsole.periods import last_days  # noqa: E402
from agentconsole.screens.dashboard import DashboardScreen, Tile  # noqa: E402
from agentconsole.service import ConsoleService  # noqa: E402
from agentconsole.store import open_db  # noqa: E402
from agentconsole.widgets.ticket_table import TicketTable  # noqa: E402


def sla_db() -> tuple[Path, int]:
    """A copy of the large database with due times around its last activity, and the
    clock the benchmark runs at (an hour after the last message)."""
    path = OUT / "big-100k-dashboard.db"
    source = big_db()
    conn = sqlite3.connect(source)
    (last,) = conn.execute("SELECT max(last_message_at) FROM tickets").fetchone()
    conn.close()
    now = int(last) + 3600
    if not path.exists():
        shutil.copy(source, path)
        conn = open_db(path).conn  # brought to the current schema first
        conn.execute(
            "UPDATE tickets SET due_at = CASE WHEN id % 5 = 0 THEN ? - id % 7200"
            " ELSE ? + 60 * (id % 3000) END WHERE status IN ('new', 'open')",
            (now, now),
        )
        conn.execute(  # at risk: the last quarter of a 16-hour target
            "UPDATE tickets SET sla_at_risk_at = due_at - 4 * 3600 WHERE due_at IS NOT NULL"
        )
        conn.commit()
        conn.close()
    return path, now


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.001)


async def first_paints(db: Path, rounds: int) -> list[float]:
    """Key ``d`` to the first paint of a tile showing the loaded figures, ``rounds``
    times (back to the queue in between)."""
    painted: list[float] = []
    pressed: list[float] = []
    original = Tile.render

    def render(tile: Tile) -> Any:
        screen = tile.screen
        if isinstance(screen, DashboardScreen) and screen.loads and len(painted) < len(pressed):
            painted.append(time.perf_counter() - pressed[-1])
        return original(tile)

    Tile.render = render  # type: ignore[method-assign]
    app = make_app(config(), db)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: bool(app.screen.query(TicketTable)))
        await app.workers.wait_for_complete()
        for _ in range(rounds):
            pressed.append(time.perf_counter())
            await pilot.press("d")
            await until(pilot, lambda: len(painted) == len(pressed))
            await app.workers.wait_for_complete()
            await pilot.press("escape")
            await app.workers.wait_for_complete()
    Tile.render = original  # type: ignore[method-assign]
    return painted


def reads(db: Path, rounds: int) -> tuple[list[float], list[float], Any]:
    service = ConsoleService(db, config())
    now_laps, period_laps = [], []
    figures = None
    for _ in range(rounds):
        started = time.perf_counter()
        figures = service.dashboard_now()
        now_laps.append(time.perf_counter() - started)
        started = time.perf_counter()
        service.dashboard_period(last_days(30))
        period_laps.append(time.perf_counter() - started)
    return now_laps, period_laps, figures


def main() -> None:
    db, now = sla_db()
    time.time = lambda: float(now)  # the clock of the due times written above
    now_laps, period_laps, figures = reads(db, 7)
    totals = figures.totals
    (tickets,) = sqlite3.connect(db).execute("SELECT count(*) FROM tickets").fetchone()
    print(
        f"dashboard benchmark: {totals.open:,} open, {totals.breached:,} breached,"
        f" {totals.at_risk:,} at risk of {tickets:,} tickets"
    )
    print(
        f"  now figures (store)      median {ms(statistics.median(now_laps))}"
        f"  max {ms(max(now_laps))}"
    )
    print(
        f"  30-day period (store)    median {ms(statistics.median(period_laps))}"
        f"  max {ms(max(period_laps))}"
    )
    paints = asyncio.run(first_paints(db, 9))
    print(
        f"  key d to first paint     median {ms(statistics.median(paints))}"
        f"  max {ms(max(paints))}   [target < 1000 ms]"
    )


if __name__ == "__main__":
    main()
