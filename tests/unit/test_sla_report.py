"""The SLA report's figures from SQL: nearest-rank median and 90th percentile, met and
breached against each ticket's own target, breakdowns, days, the period's edges."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.sla.report import build_report

DAY = 86400
SINCE = 1_790_812_800  # 2026-10-01 00:00 UTC
NOW = SINCE + 20 * DAY
COLUMNS = (
    "created_at, updated_at, assignee, category, priority, sla_policy, first_response_secs,"
    " first_response_target, first_response_breached_at, resolution_secs, resolution_target,"
    " resolution_breached_at, sla_breached_at, merged_into"
)


def _ticket(conn: sqlite3.Connection, **values: object) -> None:
    row = {
        "created_at": SINCE,
        "assignee": None,
        "category": "other",
        "priority": "normal",
        "sla_policy": "standard",
        "first_response_secs": None,
        "first_response_target": 3600,
        "first_response_breached_at": None,
        "resolution_secs": None,
        "resolution_target": 36000,
        "resolution_breached_at": None,
        "sla_breached_at": None,
        "merged_into": None,
        **values,
    }
    row["updated_at"] = row["created_at"]
    names = [c.strip() for c in COLUMNS.split(",")]
    conn.execute(
        f"INSERT INTO tickets ({COLUMNS}) VALUES ({', '.join('?' * len(names))})",
        [row[n] for n in names],
    )


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    # ten first replies, 600 s to 6000 s; the last four over the 3600 s target
    for i in range(1, 11):
        late = i * 600 > 3600
        _ticket(
            conn,
            created_at=SINCE + (i % 3) * DAY + 3600,
            assignee="lin" if i <= 6 else None,
            first_response_secs=i * 600,
            first_response_breached_at=SINCE + (i % 3) * DAY + 7200 if late else None,
            sla_breached_at=SINCE + (i % 3) * DAY + 7200 if late else None,
        )
    # still waiting: one past due (breached by NOW), one not yet
    _ticket(conn, created_at=SINCE + 5 * DAY, first_response_breached_at=NOW - 10)
    _ticket(conn, created_at=SINCE + 5 * DAY, first_response_breached_at=NOW + 10)
    # a ticket of another policy, solved within its resolution target
    _ticket(
        conn,
        created_at=SINCE + 6 * DAY,
        sla_policy="urgent money",
        first_response_target=900,
        first_response_secs=300,
        resolution_target=7200,
        resolution_secs=7000,
    )
    # outside the period, merged away, or without a policy
    _ticket(conn, created_at=SINCE - 1, first_response_secs=1)
    _ticket(conn, created_at=SINCE + DAY, first_response_secs=1, merged_into=1)
    _ticket(
        conn,
        created_at=SINCE + DAY,
        sla_policy=None,
        first_response_target=None,
        resolution_target=None,
    )
    return conn


def test_whole_period_figures(store: sqlite3.Connection) -> None:
    report = build_report(store, SINCE, SINCE + 10 * DAY, now=NOW)
    assert report.tickets == 14  # 10 + 2 waiting + 1 urgent + 1 without policy
    first = report.first_response
    assert first.held == 13
    assert first.measured == 11
    # nearest rank over 300, 600, ..., 6000: the 6th of 11 and the 10th of 11
    assert (first.median, first.p90) == (3000, 5400)
    assert first.met == 7  # 600..3600 and the urgent 300
    assert first.breached == 5  # 4200..6000 and the one past due
    assert first.target is None  # two policies, two targets
    assert report.resolution.measured == 1
    assert (report.resolution.median, report.resolution.p90) == (7000, 7000)
    assert report.resolution.met == 1
    assert report.targets == {
        "standard": {"first_response": 3600, "resolution": 36000},
        "urgent money": {"first_response": 900, "resolution": 7200},
    }


def test_a_pending_breach_counts_once_its_instant_has_come(store: sqlite3.Connection) -> None:
    assert build_report(store, SINCE, SINCE + 10 * DAY, now=NOW + 10).first_response.breached == 6


def test_breakdown_by_agent_and_policy(store: sqlite3.Connection) -> None:
    report = build_report(store, SINCE, SINCE + 10 * DAY, "agent", now=NOW)
    groups = {g.key: g for g in report.groups}
    assert list(groups) == ["", "lin"]  # largest first: 8 unassigned, 6 for lin
    lin = groups["lin"].first_response
    assert (lin.held, lin.median, lin.p90, lin.met, lin.breached) == (6, 1800, 3600, 6, 0)
    assert lin.target == 3600
    policies = {
        g.key: g for g in build_report(store, SINCE, SINCE + 10 * DAY, "policy", now=NOW).groups
    }
    assert policies["urgent money"].first_response.target == 900
    assert policies[""].tickets == 1


def test_days_count_incoming_and_first_breaches(store: sqlite3.Connection) -> None:
    report = build_report(store, SINCE, SINCE + 7 * DAY, now=NOW)
    days = {d.day: (d.incoming, d.breaches) for d in report.days}
    assert len(days) == 7 and "2026-10-01" in days and "2026-10-07" in days
    # i % 3 == 0 (3, 6, 9): day 0; 1, 4, 7, 10 and the one without policy: day 1; 2, 5, 8: day 2
    assert days["2026-10-01"] == (3, 1)  # 9 late
    assert days["2026-10-02"] == (5, 2)  # 7 and 10 late
    assert days["2026-10-03"] == (3, 1)  # 8 late
    assert days["2026-10-06"] == (2, 0)
    assert days["2026-10-04"] == (0, 0)


def test_days_follow_the_offset(store: sqlite3.Connection) -> None:
    report = build_report(store, SINCE, SINCE + 2 * DAY, now=NOW, utc_offset=-2 * 3600)
    assert [d.day for d in report.days] == ["2026-09-30", "2026-10-01", "2026-10-02"]
    # 01:00 UTC is 23:00 the day before, two hours west
    assert [d.incoming for d in report.days] == [3, 5, 0]


def test_empty_period_and_bad_breakdown(store: sqlite3.Connection) -> None:
    report = build_report(store, SINCE + 100 * DAY, SINCE + 101 * DAY, now=NOW)
    assert report.tickets == 0
    assert report.first_response.median is None and report.first_response.met_share is None
    with pytest.raises(ValueError, match="cannot report by 'team'"):
        build_report(store, SINCE, NOW, "team")
