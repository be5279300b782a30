"""The three clocks: first response, next response, resolution.

Most cases use a round-the-clock calendar, where business time is wall time and the
numbers can be checked by eye; the business-hours cases use the Shanghai office
calendar (Mon-Fri 09:00-12:00 and 13:00-18:00, China's holidays).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from agentconsole.sla.calendar import BusinessCalendar
from agentconsole.sla.clocks import compute
from agentconsole.sla.model import (
    ClockState,
    HistoryMessage,
    SlaState,
    StatusChange,
    TicketHistory,
)
from agentconsole.sla.policies import Policy

H = 3600
T = 1_790_000_000  # a Wednesday (2026-09-21 ... any instant will do for the 24/7 calendar)
ALWAYS = BusinessCalendar("UTC", {day: [(0, 1440)] for day in range(7)})
OFFICE = BusinessCalendar(
    "Asia/Shanghai", {day: [(540, 720), (780, 1080)] for day in range(5)}, country="CN"
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = Policy("standard", "", "cn", 2 * H, 4 * H, 10 * H)


def cin(at: int, auto: bool = False) -> HistoryMessage:
    return HistoryMessage(at, "in", auto)


def out(at: int, auto: bool = False) -> HistoryMessage:
    return HistoryMessage(at, "out", auto)


def note(at: int) -> HistoryMessage:
    return HistoryMessage(at, "note")


def ticket(
    *messages: HistoryMessage, changes: tuple[StatusChange, ...] = (), status: str = "open"
) -> TicketHistory:
    created = min(m.at for m in messages) if messages else T
    return TicketHistory(7, created, status, tuple(messages), changes)


def run(
    history: TicketHistory,
    now: int,
    policy: Policy = POLICY,
    calendar: BusinessCalendar = ALWAYS,
    share: float = 0.75,
) -> SlaState:
    return compute(history, policy, calendar, now=now, at_risk_share=share)


def clock(state: SlaState, name: str) -> ClockState:
    found = state.clock(name)  # type: ignore[arg-type]
    assert found is not None
    return found


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=SHANGHAI).timestamp())


# -- first response -----------------------------------------------------------------------


def test_first_response_answered_in_time() -> None:
    state = run(ticket(cin(T), out(T + H)), now=T + 5 * H)
    assert clock(state, "first_response") == ClockState(
        "first_response", 2 * H, H, running=False, achieved=True
    )


def test_first_response_running_due_and_at_risk() -> None:
    state = run(ticket(cin(T)), now=T + H)
    assert clock(state, "first_response") == ClockState(
        "first_response",
        2 * H,
        H,
        running=True,
        achieved=False,
        due_at=T + 2 * H,
        at_risk_at=T + 90 * 60,
    )
    assert state.due_at == T + 2 * H


def test_first_response_breached_while_running() -> None:
    first = clock(run(ticket(cin(T)), now=T + 3 * H), "first_response")
    assert (first.elapsed, first.due_at, first.at_risk_at, first.breached_at) == (
        3 * H,
        T + 2 * H,
        T + 90 * 60,
        T + 2 * H,
    )


def test_first_response_answered_late_keeps_its_breach() -> None:
    first = clock(run(ticket(cin(T), out(T + 3 * H)), now=T + 9 * H), "first_response")
    assert first == ClockState(
        "first_response",
        2 * H,
        3 * H,
        running=False,
        achieved=True,
        at_risk_at=T + 90 * 60,
        breached_at=T + 2 * H,
    )


def test_a_reply_exactly_at_the_due_instant_is_in_time() -> None:
    first = clock(run(ticket(cin(T), out(T + 2 * H)), now=T + 9 * H), "first_response")
    assert first.breached_at is None
    assert first.at_risk_at == T + 90 * 60
    assert first.achieved


def test_notes_and_automatic_mail_never_count_as_a_reply() -> None:
    history = ticket(cin(T), note(T + 60), out(T + 120, auto=True))
    first = clock(run(history, now=T + H), "first_response")
    assert first.running and not first.achieved
    assert first.due_at == T + 2 * H


def test_an_auto_reply_from_the_customer_never_starts_a_clock() -> None:
    state = run(ticket(cin(T, auto=True)), now=T + 5 * H)
    assert clock(state, "first_response") == ClockState(
        "first_response", 2 * H, 0, running=False, achieved=False
    )
    assert state.due_at is not None  # resolution runs: the ticket is new
    assert clock(state, "resolution").running


def test_an_auto_reply_from_the_customer_never_restarts_next_response() -> None:
    state = run(ticket(cin(T), out(T + H), cin(T + 2 * H, auto=True)), now=T + 9 * H)
    assert clock(state, "next_response") == ClockState(
        "next_response", 4 * H, 0, running=False, achieved=False
    )


def test_our_mail_before_the_customer_wrote_is_not_a_first_response() -> None:
    history = ticket(out(T), cin(T + H), out(T + 2 * H))
    first = clock(run(history, now=T + 9 * H), "first_response")
    assert (first.elapsed, first.achieved) == (H, True)


def test_solved_without_a_reply_is_never_breached_later() -> None:
    history = ticket(cin(T), changes=(StatusChange(T + H, "solved"),), status="solved")
    state = run(history, now=T + 100 * H)
    assert clock(state, "first_response") == ClockState(
        "first_response", 2 * H, H, running=False, achieved=False
    )
    assert state.due_at is None


def test_events_after_now_have_not_happened_yet() -> None:
    history = ticket(cin(T), out(T + 5 * H))
    first = clock(run(history, now=T + H), "first_response")
    assert first.running and first.elapsed == H
    assert run(history, now=T - H).clocks == (
        ClockState("first_response", 2 * H, 0, running=False, achieved=False),
        ClockState("next_response", 4 * H, 0, running=False, achieved=False),
        ClockState("resolution", 10 * H, 0, running=False, achieved=False),
    )


# -- next response ------------------------------------------------------------------------


def test_next_response_counts_from_the_oldest_unanswered_message() -> None:
    history = ticket(cin(T), out(T + H), cin(T + 5 * H), cin(T + 6 * H), out(T + 8 * H))
    assert clock(run(history, now=T + 9 * H), "next_response") == ClockState(
        "next_response", 4 * H, 3 * H, running=False, achieved=True
    )  # the at-risk share (3h) was reached only at the reply: not at risk


def test_next_response_starts_a_new_cycle_for_each_unanswered_batch() -> None:
    history = ticket(cin(T), out(T + H), cin(T + 2 * H), out(T + 9 * H), cin(T + 10 * H))
    state = run(history, now=T + 11 * H)
    assert clock(state, "next_response") == ClockState(
        "next_response",
        4 * H,
        H,
        running=True,
        achieved=False,
        due_at=T + 14 * H,
        at_risk_at=T + 13 * H,
    )
    # the earlier, breached cycle is in the segments for explain
    cycles = [(s.start, s.end) for s in state.segments if s.clock == "next_response"]
    assert cycles == [(T + 2 * H, T + 9 * H), (T + 10 * H, T + 11 * H)]


def test_next_response_is_not_started_by_the_first_message() -> None:
    state = run(ticket(cin(T)), now=T + H)
    assert not clock(state, "next_response").running
    assert clock(state, "next_response").elapsed == 0


# -- resolution ---------------------------------------------------------------------------


def resolution_history() -> TicketHistory:
    return ticket(
        cin(T),
        out(T + H),
        cin(T + 5 * H),
        changes=(StatusChange(T + H, "pending"), StatusChange(T + 7 * H, "solved")),
        status="solved",
    )


def test_resolution_pauses_while_pending_and_resumes_when_the_customer_writes() -> None:
    history = resolution_history()
    paused = clock(run(history, now=T + 3 * H), "resolution")
    assert paused == ClockState("resolution", 10 * H, H, running=False, achieved=False, paused=True)
    resumed = clock(run(history, now=T + 6 * H), "resolution")
    assert (resumed.running, resumed.elapsed, resumed.due_at) == (True, 2 * H, T + 14 * H)


def test_resolution_stops_when_solved() -> None:
    done = clock(run(resolution_history(), now=T + 50 * H), "resolution")
    assert done == ClockState("resolution", 10 * H, 3 * H, running=False, achieved=True)


def test_resolution_resumes_on_reopening_with_the_time_already_counted() -> None:
    history = resolution_history()
    reopened = replace(history, messages=(*history.messages, cin(T + 20 * H)), status="open")
    state = run(reopened, now=T + 21 * H)
    res = clock(state, "resolution")
    assert (res.running, res.achieved, res.elapsed) == (True, False, 4 * H)
    assert res.due_at == T + 27 * H  # 7 hours left when it resumed at T+20h
    by_agent = replace(
        history, status_changes=(*history.status_changes, StatusChange(T + 20 * H, "open"))
    )
    assert clock(run(by_agent, now=T + 21 * H), "resolution").due_at == T + 27 * H


def test_resolution_breach_inside_an_earlier_period_is_kept_while_paused() -> None:
    history = ticket(
        cin(T), out(T + 12 * H), changes=(StatusChange(T + 12 * H, "pending"),), status="pending"
    )
    res = clock(run(history, now=T + 20 * H), "resolution")
    assert (res.paused, res.running, res.elapsed) == (True, False, 12 * H)
    assert (res.due_at, res.breached_at, res.at_risk_at) == (None, T + 10 * H, T + 450 * 60)


def test_a_ticket_we_opened_starts_pending_and_its_clocks_wait_for_the_customer() -> None:
    state = run(ticket(out(T)), now=T + 5 * H)
    assert clock(state, "resolution") == ClockState(
        "resolution", 10 * H, 0, running=False, achieved=False
    )
    assert state.due_at is None
    answered = run(ticket(out(T), cin(T + 6 * H)), now=T + 7 * H)
    assert clock(answered, "resolution").due_at == T + 16 * H


# -- business time ------------------------------------------------------------------------


def test_a_weekend_between_message_and_reply_does_not_count() -> None:
    history = ticket(cin(sh(2026, 11, 6, 17)), out(sh(2026, 11, 9, 11)))
    first = clock(run(history, now=sh(2026, 11, 9, 12), calendar=OFFICE), "first_response")
    # Friday 17:00-18:00 and Monday 09:00-11:00: 3 business hours, due Monday 10:00
    assert (first.elapsed, first.breached_at) == (3 * H, sh(2026, 11, 9, 10))
    assert first.at_risk_at == sh(2026, 11, 9, 9, 30)
    on_time = ticket(cin(sh(2026, 11, 6, 17)), out(sh(2026, 11, 9, 10)))
    first = clock(run(on_time, now=sh(2026, 11, 9, 12), calendar=OFFICE), "first_response")
    assert (first.elapsed, first.breached_at, first.achieved) == (2 * H, None, True)


def test_a_message_at_night_is_due_next_business_morning() -> None:
    state = run(ticket(cin(sh(2026, 11, 9, 22))), now=sh(2026, 11, 10, 9, 30), calendar=OFFICE)
    first = clock(state, "first_response")
    assert (first.elapsed, first.due_at) == (30 * 60, sh(2026, 11, 10, 11))


def test_national_day_and_a_make_up_saturday() -> None:
    state = run(ticket(cin(sh(2026, 9, 30, 17))), now=sh(2026, 10, 9, 12), calendar=OFFICE)
    first = clock(state, "first_response")
    assert first.due_at == sh(2026, 10, 8, 10)
    assert first.breached_at == sh(2026, 10, 8, 10)
    state = run(ticket(cin(sh(2026, 10, 9, 17))), now=sh(2026, 10, 9, 17), calendar=OFFICE)
    assert clock(state, "first_response").due_at == sh(2026, 10, 10, 10)


def test_a_pause_across_the_weekend() -> None:
    history = ticket(
        cin(sh(2026, 11, 6, 9)),
        out(sh(2026, 11, 6, 10)),
        cin(sh(2026, 11, 9, 9)),
        changes=(StatusChange(sh(2026, 11, 6, 10), "pending"),),
    )
    res = clock(run(history, now=sh(2026, 11, 9, 11), calendar=OFFICE), "resolution")
    assert (res.elapsed, res.running) == (3 * H, True)
    assert res.due_at == sh(2026, 11, 10, 9) + H  # 7h left from Mon 11:00


def test_date_header_offsets_do_not_change_the_clocks() -> None:
    east = int(parsedate_to_datetime("Mon, 09 Nov 2026 21:00:00 +0800").timestamp())
    west = int(parsedate_to_datetime("Mon, 09 Nov 2026 08:00:00 -0500").timestamp())
    now = sh(2026, 11, 10, 15)
    assert run(ticket(cin(east)), now, calendar=OFFICE) == run(
        ticket(cin(west)), now, calendar=OFFICE
    )
    assert clock(run(ticket(cin(west)), now, calendar=OFFICE), "first_response").due_at == (
        sh(2026, 11, 10, 11)
    )


# -- the state as a whole ------------------------------------------------------------------


def test_only_the_clocks_the_policy_sets() -> None:
    policy = Policy("reply only", "", "cn", 2 * H, None, None)
    state = run(ticket(cin(T)), now=T + H, policy=policy)
    assert [c.clock for c in state.clocks] == ["first_response"]
    assert state.clock("resolution") is None
    assert (state.policy, state.ticket_id, state.computed_at) == ("reply only", 7, T + H)


def test_the_ticket_due_is_the_earliest_running_clock() -> None:
    policy = Policy("p", "", "cn", 2 * H, 4 * H, H)
    assert run(ticket(cin(T)), now=T, policy=policy).due_at == T + H


def test_the_at_risk_share_is_the_policys() -> None:
    first = clock(run(ticket(cin(T)), now=T, share=0.5), "first_response")
    assert first.at_risk_at == T + H


def test_segments_explain_each_counted_stretch() -> None:
    history = ticket(cin(sh(2026, 11, 6, 17)), out(sh(2026, 11, 9, 10)))
    state = run(history, now=sh(2026, 11, 9, 10), calendar=OFFICE)
    first = [(s.start, s.end, s.seconds) for s in state.segments if s.clock == "first_response"]
    assert first == [
        (sh(2026, 11, 6, 17), sh(2026, 11, 6, 18), H),
        (sh(2026, 11, 9, 9), sh(2026, 11, 9, 10), H),
    ]
    quick = compute(
        history, POLICY, OFFICE, now=sh(2026, 11, 9, 10), at_risk_share=0.75, detail=False
    )
    assert quick.segments == ()
    assert quick.clocks == state.clocks


# -- properties -----------------------------------------------------------------------------

kinds = st.sampled_from(["in", "out", "note", "in-auto", "out-auto", "pending", "solved", "open"])
events = st.lists(
    st.tuples(st.integers(min_value=0, max_value=30 * 24 * H), kinds), min_size=1, max_size=12
)


def build(items: list[tuple[int, str]], base: int) -> TicketHistory:
    messages, changes = [], []
    for offset, kind in sorted(items):
        if kind in ("pending", "solved", "open"):
            changes.append(StatusChange(base + offset, kind))
        else:
            direction, _, auto = kind.partition("-")
            messages.append(HistoryMessage(base + offset, direction, bool(auto)))  # type: ignore[arg-type]
    created = base + min(offset for offset, _ in items)
    return TicketHistory(1, created, "open", tuple(messages), tuple(changes))


BASE = sh(2026, 9, 1)
offsets = st.integers(min_value=0, max_value=40 * 24 * H)


@settings(max_examples=200, deadline=None)
@given(events, offsets)
def test_property_segments_sum_to_the_elapsed_time(
    items: list[tuple[int, str]], later: int
) -> None:
    history = build(items, BASE)
    state = run(history, now=BASE + later, calendar=OFFICE)
    for name in ("first_response", "resolution"):
        counted = sum(s.seconds for s in state.segments if s.clock == name)
        assert counted == clock(state, name).elapsed
    total = OFFICE.elapsed(history.created_at, BASE + later)
    assert all(0 <= c.elapsed <= total for c in state.clocks)


@settings(max_examples=200, deadline=None)
@given(events, offsets, offsets)
def test_property_elapsed_never_decreases_as_time_passes(
    items: list[tuple[int, str]], one: int, two: int
) -> None:
    history = build(items, BASE)
    early, late = sorted((one, two))
    before = run(history, now=BASE + early, calendar=OFFICE)
    after = run(history, now=BASE + late, calendar=OFFICE)
    for name in ("first_response", "resolution"):
        assert clock(before, name).elapsed <= clock(after, name).elapsed
        if clock(before, name).breached_at is not None:
            assert clock(after, name).breached_at == clock(before, name).breached_at


@settings(max_examples=200, deadline=None)
@given(
    events, offsets, st.lists(st.tuples(offsets, st.sampled_from(["note", "in-auto", "out-auto"])))
)
def test_property_notes_and_automatic_mail_change_nothing(
    items: list[tuple[int, str]], later: int, noise: list[tuple[int, str]]
) -> None:
    plain = build(items, BASE)
    noisy = build(items + noise, BASE)
    noisy = replace(noisy, created_at=plain.created_at)
    assert run(plain, BASE + later, calendar=OFFICE) == run(noisy, BASE + later, calendar=OFFICE)


@settings(max_examples=200, deadline=None)
@given(events, offsets)
def test_property_a_running_clock_is_due_where_its_target_is_reached(
    items: list[tuple[int, str]], later: int
) -> None:
    now = BASE + later
    state = run(build(items, BASE), now=now, calendar=OFFICE)
    for state_clock in state.clocks:
        if state_clock.running:
            assert state_clock.due_at is not None
            assert (state_clock.breached_at is not None) == (state_clock.due_at < now)
            assert state_clock.at_risk_at is not None
            assert state_clock.at_risk_at <= state_clock.due_at
        else:
            assert state_clock.due_at is None


def test_a_reply_after_hours_past_the_due_instant_is_late() -> None:
    # due Monday 18:00; the 20:00 reply adds no business time but comes after the due time
    history = ticket(cin(sh(2026, 11, 9, 16)), out(sh(2026, 11, 9, 20)))
    first = clock(run(history, now=sh(2026, 11, 10, 9), calendar=OFFICE), "first_response")
    assert (first.elapsed, first.breached_at, first.achieved) == (2 * H, sh(2026, 11, 9, 18), True)


def test_friday_night_mail_is_due_monday_late_morning() -> None:
    state = run(ticket(cin(sh(2026, 11, 6, 21))), now=sh(2026, 11, 7, 12), calendar=OFFICE)
    assert clock(state, "first_response").due_at == sh(2026, 11, 9, 11)


def test_status_changes_recorded_at_import_time_do_not_move_the_pauses() -> None:
    # imported days later: the arrival rules recorded pending and open at import time
    imported = ticket(
        cin(T),
        out(T + H),
        cin(T + 5 * H),
        changes=(StatusChange(T + 100 * H, "pending"), StatusChange(T + 100 * H, "open")),
    )
    res = clock(run(imported, now=T + 6 * H), "resolution")
    assert (res.elapsed, res.running, res.due_at) == (2 * H, True, T + 14 * H)
    assert clock(run(imported, now=T + 3 * H), "resolution").paused
    assert clock(run(imported, now=T + 101 * H), "resolution").elapsed == 97 * H


def test_a_reply_sent_with_solve_leaves_the_ticket_solved() -> None:
    history = ticket(cin(T), out(T + H), changes=(StatusChange(T + H, "solved"),))
    state = run(history, now=T + 9 * H)
    assert clock(state, "resolution") == ClockState(
        "resolution", 10 * H, H, running=False, achieved=True
    )
    assert state.due_at is None


def test_an_automatic_acknowledgement_does_not_pause_resolution() -> None:
    res = clock(run(ticket(cin(T), out(T + 60, auto=True)), now=T + H), "resolution")
    assert (res.running, res.paused, res.elapsed) == (True, False, H)
