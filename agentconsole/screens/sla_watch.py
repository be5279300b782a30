"""The console's SLA upkeep: the policy file watched, the clocks swept, off the UI thread.

Two timers, each starting a thread worker (never file or database work on the UI
thread):

- every :data:`POLICY_POLL_SECONDS`, the policy file in force now (by the search
  order: a file added or removed counts as a change) is looked at (one ``stat``; read
  again only when it changed, see
  :class:`agentconsole.domain.sla_reload.PolicyWatch`). A changed file recomputes every
  due time in a worker of its own, telling progress and outcome in one-line notices; a
  broken one keeps the last good policies and says once what is wrong. Quitting
  cancels the worker, and the recompute stops before its next batch (every batch
  done is committed whole), so the console closes at once, not seconds later.
- every :data:`SWEEP_SECONDS`, and after each sync round, the sweep records the at-risk
  and breach instants that came while nobody touched their tickets, and the escalation
  rules fire (:func:`agentconsole.domain.sla.sweep`).

After either wrote something, the queue and the dashboard on the stack reload.
``clock`` is the time the sweep measures by (tests set it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from agentconsole.screens.background_sync import SyncRoundDone
from agentconsole.screens.events import WorkerFailed
from agentconsole.screens.workers import console_worker
from agentconsole.service import ConsoleService
from agentconsole.textsafe import safe_line

if TYPE_CHECKING:  # the policy code loads in the first check's worker, not at start
    from agentconsole.domain.sla_reload import PolicyCheck

POLICY_POLL_SECONDS = 3.0
"""How often the policy file's modification time and size are looked at."""
SWEEP_SECONDS = 60.0
"""How often the clocks are swept (at-risk and breach instants come by the minute)."""
PROGRESS_SECONDS = 5.0
"""A recompute tells its progress at most this often."""
RECOMPUTE_WHAT = "recompute the due times"
"""The recompute worker's name in a failure notice ("Could not recompute ...")."""
NOTICE_LIMIT = 300
"""A notice is one line: a policy problem is cut here (``sla check`` says it whole)."""


class PolicyChecked(Message):
    def __init__(self, check: PolicyCheck) -> None:
        self.check = check
        super().__init__()


class SlaRecomputeProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__()


class SlaRecomputed(Message):
    def __init__(self, source: str, total: int, changed: int, seconds: float) -> None:
        self.source = source
        self.total = total
        self.changed = changed
        self.seconds = seconds
        super().__init__()


class SlaSwept(Message):
    def __init__(self, visited: int) -> None:
        self.visited = visited
        super().__init__()


def problem_notice(check: PolicyCheck) -> str:
    """One line: the file's problem, what stays in force, where to see every problem."""
    problem = safe_line(check.problem, NOTICE_LIMIT)
    kept = (
        "the console keeps the policies it read before"
        if check.fallback
        else "changes are saved without new due times until it is fixed"
    )
    return (
        f"SLA policy file not used: {problem} — {kept} (agentconsole sla check lists every problem)"
    )


class SlaWatchingApp(App[None]):
    """The part of the console that keeps the SLA clocks current (see the module)."""

    service: ConsoleService

    def init_sla_watch(self) -> None:
        self.clock: Callable[[], float] = time.time
        """What the sweep takes as now."""
        self.recomputing = False
        self._recompute_again = False
        self._told_progress = 0.0
        self.recomputes = 0
        """Recomputes finished (tests wait on it)."""
        self.sweeps = 0
        """Sweeps finished (tests wait on it)."""

    def start_sla_watch(self) -> None:
        """Read the policy file now, then watch it; sweep every minute."""
        self.check_policies()
        self.set_interval(POLICY_POLL_SECONDS, self.check_policies)
        self.set_interval(SWEEP_SECONDS, self.sweep_clocks)

    @console_worker("read the SLA policy file", group="sla-policies", exclusive=True)
    def check_policies(self) -> None:
        self.post_message(PolicyChecked(self.service.load_policies()))

    def on_policy_checked(self, message: PolicyChecked) -> None:
        check = message.check
        if check.problem:
            if check.new_problem:
                self.notify(problem_notice(check), title="SLA", severity="warning", timeout=20)
        elif check.loaded is not None and not check.first:
            if self.recomputing:
                self._recompute_again = True
            else:
                self.start_recompute(check.path)

    def start_recompute(self, source: str) -> None:
        self.recomputing = True
        self._told_progress = time.monotonic()
        self.notify(
            f"SLA policy file changed ({safe_line(source)}): recomputing every due time…",
            title="SLA",
        )
        self.recompute_due_times(source)

    @console_worker(RECOMPUTE_WHAT, group="sla-recompute")
    def recompute_due_times(self, source: str) -> None:
        started = time.monotonic()
        total = 0

        def progress(done: int, of: int) -> None:
            nonlocal total
            total = of
            self.post_message(SlaRecomputeProgress(done, of))

        worker = get_current_worker()
        changed = self.service.recompute_sla(progress, stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:  # cancelled: the console is quitting, nobody to tell
            self.post_message(SlaRecomputed(source, total, changed, time.monotonic() - started))

    def on_sla_recompute_progress(self, message: SlaRecomputeProgress) -> None:
        if time.monotonic() - self._told_progress >= PROGRESS_SECONDS:
            self._told_progress = time.monotonic()
            self.notify(
                f"Recomputing due times: {message.done:,} of {message.total:,} tickets",
                title="SLA",
                timeout=PROGRESS_SECONDS,
            )

    @on(WorkerFailed)
    def recompute_failed(self, message: WorkerFailed) -> None:
        """A recompute that raised was told by the app's handler; the next change of
        the file may start another."""
        if message.what == RECOMPUTE_WHAT:
            self.recomputing = False

    def on_sla_recomputed(self, message: SlaRecomputed) -> None:
        self.recomputing = False
        self.recomputes += 1
        noun = "ticket" if message.total == 1 else "tickets"
        self.notify(
            f"Due times recomputed under {safe_line(message.source)}: {message.total:,}"
            f" {noun}, {message.changed:,} changed, in {message.seconds:.1f} s",
            title="SLA",
        )
        self.refresh_sla_screens()
        if self._recompute_again:
            self._recompute_again = False
            self.start_recompute(message.source)

    @on(SyncRoundDone)
    def swept_after_sync(self) -> None:
        """New mail may have moved a clock past an instant: sweep after each round."""
        self.sweep_clocks()

    def sweep_clocks(self) -> None:
        self.clock_sweep(int(self.clock()))

    @console_worker("record the SLA clocks' instants", group="sla-sweep", exclusive=True)
    def clock_sweep(self, now: int) -> None:
        self.post_message(SlaSwept(self.service.sla_sweep(now)))

    def on_sla_swept(self, message: SlaSwept) -> None:
        self.sweeps += 1
        if message.visited:
            self.refresh_sla_screens()

    def refresh_sla_screens(self) -> None:
        """The queue and the dashboard on the stack read the store again."""
        from agentconsole.screens.dashboard import DashboardScreen
        from agentconsole.screens.queue import QueueScreen

        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.reload(keep_cursor=True)
            elif isinstance(screen, DashboardScreen):
                screen.reload()
