"""The pure half of domain.sla: the status history the mail implies, the columns a
state gives, and which at-risk and breach events are due (and recorded once)."""

from __future__ import annotations

from agentconsole.domain.sla_state import (
    AT_RISK,
    BREACHED,
    clock_events,
    events_due,
    sla_row,
    with_mail_statuses,
)
from agentconsole.sla.model import (
    ClockState,
    HistoryMessage,
    SlaState,
    StatusChange,
    TicketHistory,
)

T = 1_800_000_000


def test_mail_gives_pending_and_open_and_recorded_changes_come_after_at_the_same_instant() -> None:
    history = TicketHistory(
        ticket_id=1,
        created_at=T,
        status="solved",
        messages=(
            HistoryMessage(T, "in"),
            HistoryMessage(T + 10, "in", auto=True),  # an auto-reply changes nothing
            HistoryMessage(T + 20, "note"),  # nor does a note
            HistoryMessage(T + 30, "out"),
            HistoryMessage(T + 40, "in"),
            HistoryMessage(T + 50, "out"),
        ),
        status_changes=(StatusChange(T + 50, "solved"),),
    )
    assert with_mail_statuses(history).status_changes == (
        StatusChange(T, "open"),
        StatusChange(T + 30, "pending"),
        StatusChange(T + 40, "open"),
        StatusChange(T + 50, "pending"),
        StatusChange(T + 50, "solved"),
    )


def _state(*clocks: ClockState) -> SlaState:
    return SlaState(ticket_id=7, policy="standard", computed_at=T, clocks=clocks)


FIRST_LATE = ClockState(
    "first_response",
    target=7200,
    elapsed=9000,
    running=False,
    achieved=True,
    at_risk_at=T - 5000,
    breached_at=T - 1800,
)
NEXT_RUNNING = ClockState(
    "next_response",
    target=14400,
    elapsed=3600,
    running=True,
    achieved=False,
    due_at=T + 10800,
    at_risk_at=T + 7200,
)
RESOLUTION_PAUSED = ClockState(
    "resolution", target=57600, elapsed=20000, running=False, achieved=False, paused=True
)


def test_columns_of_a_state() -> None:
    row = sla_row(_state(FIRST_LATE, NEXT_RUNNING, RESOLUTION_PAUSED), T, set())
    assert row.policy == "standard"
    assert row.due_at == T + 10800  # the running clock's
    assert row.first_response_due_at is None  # stopped
    assert row.next_response_due_at == T + 10800
    assert row.resolution_due_at is None  # paused
    assert row.first_response_secs == 9000
    assert row.resolution_secs is None  # not solved
    assert row.at_risk_at == T + 7200  # running clocks only: the late first reply is over
    assert row.breached_at == T - 1800  # any clock: the late first reply stays a breach
    assert row.first_response_target == 7200
    assert row.resolution_target == 57600
    assert row.first_response_breached_at == T - 1800
    assert row.resolution_breached_at is None
    assert row.watch_at == T + 7200  # the next instant to come: at risk


def test_a_running_clock_breaches_at_its_due_time() -> None:
    events = clock_events(_state(NEXT_RUNNING))
    assert [(e.kind, e.at) for e in events] == [(AT_RISK, T + 7200), (BREACHED, T + 10800)]
    row = sla_row(_state(NEXT_RUNNING), T + 7300, {(7, AT_RISK, "next_response", T + 7200)})
    assert row.watch_at == T + 10800


def test_events_due_once_each() -> None:
    state = _state(FIRST_LATE, NEXT_RUNNING)
    due = events_due(state, T, set())
    assert [(e.kind, e.clock, e.at) for e in due] == [
        (AT_RISK, "first_response", T - 5000),
        (BREACHED, "first_response", T - 1800),
    ]
    recorded = {e.key(7) for e in due}
    assert events_due(state, T, recorded) == []
    # the first response is once per ticket: a policy change moving its instant
    # does not record it again
    moved = _state(
        ClockState(
            "first_response",
            target=3600,
            elapsed=9000,
            running=False,
            achieved=True,
            at_risk_at=T - 7000,
            breached_at=T - 5400,
        )
    )
    assert events_due(moved, T, recorded) == []
    later = events_due(state, T + 7200, recorded)
    assert [(e.kind, e.clock, e.at, e.running) for e in later] == [
        (AT_RISK, "next_response", T + 7200, True)
    ]


def test_no_policy_clocks_no_columns() -> None:
    row = sla_row(_state(), T, set())
    assert row.due_at is None and row.at_risk_at is None and row.watch_at is None
    assert row.policy == "standard"
