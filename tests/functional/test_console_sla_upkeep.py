"""The console keeps the SLA clocks current by itself: an edited policy file is read
again and every due time recomputed in a worker; a broken one keeps the last good
policies (changes still save) and is told once; the sweep records at-risk and breach
instants on tickets nobody touches."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from agentconsole.app import AgentConsole
from agentconsole.datafiles import data_dir
from agentconsole.domain import sla
from agentconsole.screens.queue import QueueScreen
from tests.conftest import ROOT
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, settle
from tests.mailfactory import make_config

SHIPPED = ROOT / "data" / "sla.toml"
TYPO = (
    '/POLICY:78: policy #6 "standard": unknown key "first_reponse" (did you mean "first_response"?)'
)


@pytest.fixture(autouse=True)
def fresh_policies() -> Iterator[None]:
    """Each console installs its policy set process-wide: none leaks to the next test."""
    sla.use_policy_set(None)
    yield
    sla.use_policy_set(None)


def notices(app: AgentConsole) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def wait_until(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.2)
    await settle(pilot)


def due_times(db: Path) -> dict[int, tuple[object, ...]]:
    """Each ticket's row (the recompute writes only its SLA columns)."""
    with store(db) as conn:
        return {row[0]: tuple(row) for row in conn.execute("SELECT * FROM tickets")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_an_edited_policy_file_recomputes_every_due_time_and_refreshes_the_queue(
    console: Callable[..., AgentConsole], demo_db: Path, tmp_path: Path
) -> None:
    policies = tmp_path / "sla.toml"
    shutil.copy(SHIPPED, policies)
    app = console(make_config(sla_policies=str(policies)))
    before = due_times(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.service.policy_watch.checked)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        generation = queue.generation
        edit(policies, 'first_response = "24h"', 'first_response = "2h"')  # "standard"
        await wait_until(pilot, lambda: app.recomputes == 1)
        after = due_times(demo_db)
        changed = sum(1 for ticket_id, due in after.items() if before[ticket_id] != due)
        assert changed > 0
        told = notices(app)
        assert f"SLA policy file changed ({policies}): recomputing every due time…" in told
        assert (
            f"Due times recomputed under {policies}: {len(after)} tickets,"
            f" {changed} changed, in " in told[-1]
        )
        assert queue.generation > generation  # the queue read the store again
        assert not any(line.startswith("Could not") for line in told)


async def test_a_broken_policy_file_keeps_the_last_good_policies_and_changes_save(
    console: Callable[..., AgentConsole], demo_db: Path, tmp_path: Path
) -> None:
    policies = tmp_path / "sla.toml"
    shutil.copy(SHIPPED, policies)
    app = console(make_config(sla_policies=str(policies)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.service.policy_watch.checked)
        edit(policies, 'first_response = "24h"', 'first_reponse = "24h"')
        problem = TYPO.replace("/POLICY", str(policies))
        expected = (
            f"SLA policy file not used: {problem} — the console keeps the policies it"
            " read before (agentconsole sla check lists every problem)"
        )
        await wait_until(pilot, lambda: expected in notices(app))
        await pilot.pause(2 * 3.0 + 0.5)  # two more looks at the file: told once only
        edit(policies, "at_risk = 0.75", "at_risk = 0.75 ")  # touched, still broken
        await pilot.pause(3.5)
        assert notices(app).count(expected) == 1
        await pilot.press("e")  # escalate the ticket under the cursor
        await settle(pilot)
        assert notices(app)[-1].startswith("Saved: ")
        assert not any(line.startswith("Could not") for line in notices(app))
        with store(demo_db) as conn:
            changed = conn.execute(
                "SELECT count(*) FROM events WHERE kind = 'escalated' AND actor = 'lin'"
            ).fetchone()[0]
        assert changed == 1
        edit(policies, 'first_reponse = "24h"', 'first_response = "24h"')  # fixed
        await wait_until(pilot, lambda: app.recomputes == 1)
        assert notices(app)[-1].startswith(f"Due times recomputed under {policies}: ")


async def test_a_policy_file_broken_from_the_start_never_stops_a_change(
    console: Callable[..., AgentConsole], demo_db: Path, tmp_path: Path
) -> None:
    policies = tmp_path / "sla.toml"
    shutil.copy(SHIPPED, policies)
    edit(policies, 'first_response = "24h"', 'first_reponse = "24h"')
    app = console(make_config(sla_policies=str(policies)))
    async with app.run_test(size=SIZE) as pilot:
        problem = TYPO.replace("/POLICY", str(policies))
        expected = (
            f"SLA policy file not used: {problem} — changes are saved without new due"
            " times until it is fixed (agentconsole sla check lists every problem)"
        )
        await wait_until(pilot, lambda: expected in notices(app))
        await pilot.press("e")
        await settle(pilot)
        assert notices(app)[-1].startswith("Saved: ")
        edit(policies, 'first_reponse = "24h"', 'first_response = "24h"')
        await wait_until(pilot, lambda: app.recomputes == 1)
        assert notices(app)[-1].startswith(f"Due times recomputed under {policies}: ")


def sla_events(db: Path, ticket_id: int) -> list[tuple[str, int]]:
    with store(db) as conn:
        rows = conn.execute(
            "SELECT kind, at FROM events WHERE ticket_id = ? AND actor = 'sla' ORDER BY id",
            (ticket_id,),
        )
        return [(str(kind), int(at)) for kind, at in rows]


async def test_the_clock_ticks_while_nobody_touches_the_ticket(
    console: Callable[..., AgentConsole], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle console: the sweep's timer alone records the instant that came (dated
    when it happened), the escalation rule fires, and the queue reloads."""
    monkeypatch.setattr("agentconsole.screens.sla_watch.SWEEP_SECONDS", 0.5)
    with store(demo_db) as conn:
        ticket_id, watch = conn.execute(
            "SELECT id, sla_watch_at FROM tickets WHERE sla_watch_at IS NOT NULL"
            " ORDER BY sla_watch_at DESC LIMIT 1"
        ).fetchone()
    recorded = sla_events(demo_db, ticket_id)
    app = console()
    app.clock = lambda: watch - 1
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.sweeps >= 2)
        assert sla_events(demo_db, ticket_id) == recorded  # not yet: a second to go
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        generation = queue.generation
        app.clock = lambda: watch + 1
        swept = app.sweeps
        await wait_until(pilot, lambda: app.sweeps >= swept + 2)
        new = sla_events(demo_db, ticket_id)[len(recorded) :]
        kinds = [kind for kind, _at in new]
        assert kinds[0] in ("sla_at_risk", "sla_breached") and new[0][1] == watch
        assert "sla_escalated" in kinds  # at risk tags it, a breach raises its priority
        assert queue.generation > generation
        with store(demo_db) as conn:
            [[again]] = conn.execute("SELECT sla_watch_at FROM tickets WHERE id = ?", (ticket_id,))
        assert again is None or again > watch


async def test_each_sync_round_is_followed_by_a_sweep(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        ticket_id, watch = conn.execute(
            "SELECT id, sla_watch_at FROM tickets WHERE sla_watch_at IS NOT NULL"
            " ORDER BY sla_watch_at LIMIT 1"
        ).fetchone()
    recorded = sla_events(demo_db, ticket_id)
    app = console()
    app.clock = lambda: watch
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.sweeps >= 1)  # after the first round, at start
        assert app.sweeps == 1  # the minute's timer has not fired
        new = sla_events(demo_db, ticket_id)[len(recorded) :]
        assert new and new[0][1] == watch
        await pilot.press("ctrl+r")  # sync now: no account, the round ends, a sweep follows
        await wait_until(pilot, lambda: app.sweeps == 2)


async def test_a_policy_file_added_to_the_config_folder_wins_and_its_removal_falls_back(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search order at every look, as `sla` commands have it: a new sla.toml in the
    config folder is applied (recompute); deleted, the shipped file is in force again,
    and no notice names an [sla] policies key the config does not have."""
    monkeypatch.setenv("AGENTCONSOLE_CONFIG", str(tmp_path / "config.toml"))
    app = console(make_config())
    added = tmp_path / "sla.toml"
    shipped = data_dir() / "sla.toml"
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.service.policy_watch.checked)
        shutil.copy(SHIPPED, added)
        edit(added, 'first_response = "24h"', 'first_response = "2h"')
        await wait_until(pilot, lambda: app.recomputes == 1)
        told = notices(app)
        assert f"SLA policy file changed ({added}): recomputing every due time…" in told
        assert told[-1].startswith(f"Due times recomputed under {added}: ")
        added.unlink()
        await wait_until(pilot, lambda: app.recomputes == 2)
        told = notices(app)
        assert f"SLA policy file changed ({shipped}): recomputing every due time…" in told
        assert told[-1].startswith(f"Due times recomputed under {shipped}: ")
        assert not any("not used" in line or "[sla]" in line for line in told)


async def test_quitting_during_a_recompute_stops_it_between_batches(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ctrl+q while every due time is recomputed: the worker is cancelled and the loop
    ends before its next batch, so the console is gone in well under a second instead
    of when the whole run would have ended. The demo's 165 tickets stand in for 100k:
    batches of 5, each made 0.2 s slower (the full run would take 6.6 s)."""
    from agentconsole.domain import sla as domain_sla

    monkeypatch.setattr(domain_sla, "RECOMPUTE_BATCH", 5)
    real_recompute = domain_sla.recompute
    real_all = domain_sla.recompute_all
    done: list[int] = []
    ended: list[float] = []
    inside = threading.local()

    def slow_recompute(*args: Any, **kwargs: Any) -> Any:
        if not getattr(inside, "all", False):  # the sweep's, an agent's change
            return real_recompute(*args, **kwargs)
        time.sleep(0.2)
        result = real_recompute(*args, **kwargs)
        done.append(len(args[1]))
        return result

    def timed_all(*args: Any, **kwargs: Any) -> int:
        inside.all = True
        try:
            return real_all(*args, **kwargs)
        finally:
            ended.append(time.monotonic())

    monkeypatch.setattr(domain_sla, "recompute", slow_recompute)
    monkeypatch.setattr(domain_sla, "recompute_all", timed_all)
    policies = tmp_path / "sla.toml"
    shutil.copy(SHIPPED, policies)
    app = console(make_config(sla_policies=str(policies)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.service.policy_watch.checked)
        edit(policies, 'first_response = "24h"', 'first_response = "2h"')
        deadline = time.monotonic() + 30
        while len(done) < 2:  # not wait_until: it waits for the workers to end
            assert time.monotonic() < deadline, "the recompute never started"
            await pilot.pause(0.05)
        quit_at = time.monotonic()
        await pilot.press("ctrl+q")
    deadline = time.monotonic() + 10
    while not ended and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ended, "the recompute never ended"
    assert ended[0] - quit_at < 1.0  # one batch at most (0.2 s), not the 6 s left
    assert 2 <= len(done) < 165 // 5
    assert app.recomputes == 0  # not told: the console was quitting
