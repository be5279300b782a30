"""Keeping every ticket's SLA clocks current: the one place due times are computed.

Every change that can move a clock calls :func:`ticket_changed` inside its own
transaction: a reply (:mod:`~agentconsole.domain.outgoing`), a field or tag set by an
agent, escalate and undo (:mod:`~agentconsole.domain.tickets`), a merge or a ticket
recomputed from its mail (:mod:`~agentconsole.domain.merge`,
:mod:`~agentconsole.domain.thread_state`), and mail imported or synced, once the
message is on its ticket (:mod:`agentconsole.ingest.writer`; the arrival rules run
before the message is stored). A tag or a category matters too: a policy's ``when``
may name them. Internal notes do not: they never count.

The import changes hundreds of tickets per transaction, so it defers
(:func:`start_deferring`): changes only note the ticket, and :func:`flush`, called
just before each commit, recomputes the noted tickets together, a few statements per
batch.

What is computed (:func:`recompute`): the first policy whose ``when`` matches (SQL,
:func:`agentconsole.store.sla_rows.match_policies`), its clocks over the ticket's
history (:func:`agentconsole.sla.clocks.compute`), the columns and events of
:mod:`agentconsole.domain.sla_state`, and the escalation rules for the instants
that have come (:mod:`agentconsole.domain.sla_escalation`). At-risk and breach
instants that come later, with nothing changing in between, are caught by
:func:`sweep`. A new policy file is applied by :func:`recompute_all`, in short
transactions so that agents' changes go on meanwhile.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agentconsole.domain import sla_escalation
from agentconsole.domain.sla_state import (
    AT_RISK,
    BREACHED,
    ClockEvent,
    clock_events,
    events_due,
    sla_row,
    with_mail_statuses,
)
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.store.query import TicketQuery, compile_query
from agentconsole.store.sla_rows import (
    SlaRow,
    StoredTicket,
    match_policies,
    recorded_sla_events,
    stored_tickets,
    ticket_count,
    ticket_id_batches,
    watched_tickets,
    write_rows,
)

if TYPE_CHECKING:
    from agentconsole.sla.model import SlaState
    from agentconsole.sla.policies import PolicyError, PolicySet

SLA_ACTOR = "sla"
"""The actor of the events the clocks record and of the escalations they trigger."""
IMPORT_ACTOR = "import"
"""Whose status events are replayed from the mail instead (see sla_state); the same
as :data:`agentconsole.domain.thread_state.IMPORT_ACTOR`, which imports this module."""
BATCH = 2000
"""Tickets per transaction of :func:`sweep`."""
RECOMPUTE_BATCH = 1000
"""Tickets per transaction of :func:`recompute_all`: about 0.12 s of holding the write
lock each (0.18 s at the 90th percentile) on 2 cores at load 7, so a console change
waiting for its turn still commits within 200 ms; 2,000 held it 0.26 s (0.37 s)."""
_ESCALATION_ROUNDS = 3
"""How often an escalation's own change (a priority, a tag) may move a ticket to
another policy and recompute it within one call: a rule set that would escalate back
and forth stops there."""

_active: PolicySet | None = None
_unusable: PolicyError | None = None
"""Why the policy file in force cannot be used, when no policy set is active: changes
then leave the SLA columns as they were (see :func:`policy_set_for_changes`)."""
_deferred: dict[int, set[int]] = {}
_busy: dict[int, set[int]] = {}


def use_policy_set(policy_set: PolicySet | None) -> None:
    """Make ``policy_set`` the one every change in this process is measured by (None:
    load the configured one again at the next change)."""
    global _active, _unusable
    _active, _unusable = policy_set, None


def policy_file_unusable(problem: PolicyError) -> None:
    """The policy file in force cannot be read and no earlier policy set is active (a
    console whose watcher keeps the last good set calls :func:`use_policy_set`
    instead): changes go on without recomputing due times, and :func:`policy_problem`
    says why."""
    global _active, _unusable
    _active, _unusable = None, problem


def policy_problem() -> PolicyError | None:
    """Why changes in this process left their tickets' due times as they were (the
    policy file is broken), or None."""
    return _unusable


def policy_set_for_changes() -> PolicySet | None:
    """The policy set an agent's change is measured by, or None when the file in force
    cannot be read (noted once for :func:`policy_problem`). A broken policy file must
    not stop work on tickets: the change commits, its due times stay as last computed
    until the file is fixed and every ticket recomputed (the console does that itself;
    on the command line, ``agentconsole sla recompute``)."""
    global _active, _unusable
    if _active is None and _unusable is None:
        from agentconsole.sla.policies import PolicyError

        try:
            _active = _default_loader()
        except PolicyError as exc:
            _unusable = exc
    return _active


def active_policy_set() -> PolicySet:
    """The policy set changes are measured by: set, or loaded once (see
    :func:`agentconsole.sla.policies.load_policy_set` for where it is looked for);
    raises :class:`PolicyError` when the file cannot be used (an import, sla commands:
    what they write must not go without due times)."""
    global _active, _unusable
    if _active is None:
        _active = _default_loader()
        _unusable = None
    return _active


def _default_loader() -> PolicySet:
    """The policy file the config file names (``$AGENTCONSOLE_CONFIG`` or the default
    one: :attr:`agentconsole.config.Config.sla_policies`), else the shipped one."""
    from agentconsole.config import load_config
    from agentconsole.sla.policies import config_folder, load_policy_set

    configured = load_config().sla_policies or None
    return load_policy_set(None, config_dir=config_folder(), configured=configured)


def ticket_changed(
    conn: sqlite3.Connection, ticket_ids: Iterable[int], *, now: int, escalate: bool = True
) -> None:
    """A domain change touched these tickets (the caller holds the transaction):
    recompute them now, or note them for :func:`flush` inside :func:`deferred`.
    ``escalate=False`` for mail arriving: an instant already past when the mail is
    stored is history, recorded but not escalated (see sla_escalation)."""
    key = id(conn)
    ids = set(ticket_ids)
    if not ids:
        return
    for pending in (_deferred.get(key), _busy.get(key)):
        if pending is not None:
            pending.update(ids)
            return
    policy_set = policy_set_for_changes()
    if policy_set is not None:
        recompute(conn, sorted(ids), policy_set, now, escalate=escalate)


def start_deferring(conn: sqlite3.Connection) -> None:
    """From now on, changes on ``conn`` only note their tickets; :func:`flush`
    recomputes them before each commit (the import's batches)."""
    _deferred[id(conn)] = set()


def stop_deferring(conn: sqlite3.Connection) -> None:
    """Back to recomputing at each change; notes not flushed are dropped (the work
    failed, or the caller rolls it back)."""
    _deferred.pop(id(conn), None)


@contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[None]:
    """:func:`start_deferring` for the block."""
    start_deferring(conn)
    try:
        yield
    finally:
        stop_deferring(conn)


def flush(conn: sqlite3.Connection, *, now: int | None = None) -> int:
    """Recompute the tickets noted inside :func:`deferred` (the caller holds the
    transaction it is about to commit); returns how many. The import defers: what
    its mail brings is history, so the instants that already came are recorded but
    not escalated."""
    pending = _deferred.get(id(conn))
    if not pending:
        return 0
    ids = sorted(pending)
    pending.clear()
    moment = int(time.time()) if now is None else now
    policy_set = policy_set_for_changes()
    if policy_set is None:
        return 0
    recompute(conn, ids, policy_set, moment, escalate=False)
    return len(ids)


@dataclass(frozen=True, slots=True)
class Recomputed:
    """What one :func:`recompute` did."""

    tickets: int
    changed: int
    events: tuple[tuple[int, ClockEvent], ...] = ()


_compiled: tuple[PolicySet, int, list[TicketQuery]] | None = None


def conditions(policy_set: PolicySet) -> list[TicketQuery]:
    """Each policy's ``when``, compiled (the loader has checked that they do). Kept
    for a minute per policy set, since an import asks once per transaction and a
    relative date (``after:7d``) is measured from the clock."""
    global _compiled
    minute = int(time.time()) // 60
    if _compiled is None or _compiled[0] is not policy_set or _compiled[1] != minute:
        _compiled = (policy_set, minute, [compile_query(p.when) for p in policy_set.policies])
    return _compiled[2]


def compute_states(
    conn: sqlite3.Connection, ticket_ids: list[int], policy_set: PolicySet, now: int
) -> tuple[dict[int, StoredTicket], dict[int, SlaState]]:
    """The stored tickets and, for those a policy covers, their clocks at ``now``.
    Reads only (``sla simulate`` and ``sla explain`` use it as it is)."""
    from agentconsole.sla.clocks import compute

    stored = stored_tickets(conn, ticket_ids, skip_status_actor=IMPORT_ACTOR)
    live = [i for i, ticket in stored.items() if not ticket.merged]
    matched = match_policies(conn, live, conditions(policy_set))
    states: dict[int, SlaState] = {}
    for ticket_id, index in matched.items():
        policy = policy_set.policies[index]
        history = with_mail_statuses(stored[ticket_id].history)
        states[ticket_id] = compute(
            history,
            policy,
            policy_set.calendars[policy.calendar],
            now=now,
            at_risk_share=policy_set.at_risk_share,
            detail=False,  # segments are for sla explain; skipping them is much faster
        )
    return stored, states


def recompute(
    conn: sqlite3.Connection,
    ticket_ids: list[int],
    policy_set: PolicySet,
    now: int,
    *,
    escalate: bool = True,
) -> Recomputed:
    """Compute and store the SLA of ``ticket_ids`` under ``policy_set`` at ``now``,
    record the at-risk and breach events that came, and (with ``escalate``) apply the
    escalation rules; one transaction (a savepoint inside the caller's)."""
    key = id(conn)
    outer = key not in _busy
    if outer:
        _busy[key] = set()
    try:
        with write_txn(conn):
            result = _recompute_once(conn, ticket_ids, policy_set, now, escalate)
            total = result
            for _ in range(_ESCALATION_ROUNDS):
                again = sorted(_busy[key]) if outer else []
                if not again:
                    break
                _busy[key].clear()
                more = _recompute_once(conn, again, policy_set, now, escalate)
                total = Recomputed(
                    total.tickets, total.changed + more.changed, total.events + more.events
                )
        return total
    finally:
        if outer:
            _busy.pop(key, None)


def _recompute_once(
    conn: sqlite3.Connection,
    ticket_ids: list[int],
    policy_set: PolicySet,
    now: int,
    escalate: bool,
) -> Recomputed:
    stored, states = compute_states(conn, ticket_ids, policy_set, now)
    with_instants = [
        ticket_id
        for ticket_id, state in states.items()
        if any(c.at_risk_at is not None or c.breached_at is not None for c in state.clocks)
    ]
    recorded = {
        (t, k, c, 0 if c == "first_response" else a)
        for t, k, c, a in (recorded_sla_events(conn, with_instants) if with_instants else ())
    }
    rows: list[tuple[int, SlaRow]] = []
    came: list[tuple[int, ClockEvent]] = []
    for ticket_id, ticket in stored.items():
        state = states.get(ticket_id)
        if state is None:
            row = SlaRow()
        else:
            events = clock_events(state)
            row = sla_row(state, now, recorded, events)
            came += [(ticket_id, e) for e in events_due(state, now, recorded, events)]
        if row != ticket.stored:
            rows.append((ticket_id, row))
    write_rows(conn, rows)
    for ticket_id, event in came:
        state = states[ticket_id]
        record_event(
            conn,
            event.kind,
            actor=SLA_ACTOR,
            ticket_id=ticket_id,
            at=event.at,
            data={
                "clock": event.clock,
                "policy": state.policy,
                "target": event.target,
            },
        )
    if escalate:
        sla_escalation.apply(conn, came, policy_set, actor=SLA_ACTOR, now=now)
    return Recomputed(len(stored), len(rows), tuple(came))


Progress = Callable[[int, int], None]
"""``progress(done, total)`` after each batch."""


def recompute_all(
    conn: sqlite3.Connection,
    policy_set: PolicySet,
    *,
    now: int | None = None,
    batch: int | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> int:
    """Recompute every ticket under ``policy_set`` (a new policy file, a calendar
    change), one short transaction per ``batch`` tickets (default
    :data:`RECOMPUTE_BATCH`) so other writers take turns; returns how many tickets
    changed. ``stop()`` is asked before each batch: true ends the run there (the
    console quitting must not wait seconds for the rest), every batch done committed
    whole; ``progress`` has then told how far it got."""
    moment = int(time.time()) if now is None else now
    total = ticket_count(conn)
    done = changed = 0
    for ids in ticket_id_batches(conn, batch or RECOMPUTE_BATCH):
        if stop is not None and stop():
            break
        changed += recompute(conn, ids, policy_set, moment).changed
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return changed


def sweep(conn: sqlite3.Connection, policy_set: PolicySet, *, now: int | None = None) -> int:
    """Record the at-risk and breach events whose instant has come since their ticket
    last changed (and escalate), batch by batch; returns how many tickets it visited.
    Cheap when nothing came: one indexed lookup."""
    moment = int(time.time()) if now is None else now
    seen: set[int] = set()
    while True:
        ids = [i for i in watched_tickets(conn, moment, BATCH) if i not in seen]
        if not ids:  # each ticket once: one whose watch stays due cannot loop
            return len(seen)
        recompute(conn, ids, policy_set, moment)
        seen.update(ids)


__all__ = [
    "AT_RISK",
    "BREACHED",
    "Recomputed",
    "active_policy_set",
    "compute_states",
    "deferred",
    "flush",
    "policy_file_unusable",
    "policy_problem",
    "policy_set_for_changes",
    "recompute",
    "recompute_all",
    "start_deferring",
    "stop_deferring",
    "sweep",
    "ticket_changed",
    "use_policy_set",
]
