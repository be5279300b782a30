"""The dashboard's periods: local days, the last one included, and typed ranges that
say what to type instead when they cannot be read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from agentconsole.periods import MAX_DAYS, PeriodError, last_days, local_midnight, parse_range


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_days_start_at_local_midnight(shanghai: None) -> None:
    period = parse_range("2026-11-01 2026-11-03")
    assert period.days == 3
    starts = period.day_starts()
    assert [datetime.fromtimestamp(s).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-11-01 00:00",
        "2026-11-02 00:00",
        "2026-11-03 00:00",
    ]
    assert starts[0] == 1793462400  # 2026-10-31 16:00 UTC
    assert period.until() == local_midnight(date(2026, 11, 4)) == starts[-1] + 86400


def test_last_days_end_today(shanghai: None) -> None:
    now = 1795305600.0  # 2026-11-22 08:00 in Shanghai (00:00 UTC)
    week = last_days(7, now)
    assert (week.first, week.last, week.label) == (date(2026, 11, 16), date(2026, 11, 22), "7 days")
    today = last_days(1, now)
    assert today.describe() == "today (2026-11-22)"
    assert week.describe() == "7 days (2026-11-16 – 2026-11-22)"


@pytest.mark.parametrize(
    "text", ["2026-11-01 2026-11-20", "2026-11-01..2026-11-20", " 2026-11-01 to 2026-11-20 "]
)
def test_a_range_is_two_dates(text: str) -> None:
    period = parse_range(text)
    assert (period.first, period.last, period.days) == (date(2026, 11, 1), date(2026, 11, 20), 20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "(empty): type two dates, e.g. 2026-11-01 2026-11-20"),
        ("last week", "last week: type two dates, e.g. 2026-11-01 2026-11-20"),
        ("2026-02-30 2026-03-01", "2026-02-30 2026-03-01: day is out of range for month"),
        ("2026-11-20 2026-11-01", "2026-11-20 2026-11-01: the first date comes after the second"),
        ("2024-01-01 2026-01-01", f"2024-01-01 2026-01-01: at most {MAX_DAYS} days"),
    ],
)
def test_bad_ranges_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_range(text)
    assert str(raised.value) == message
