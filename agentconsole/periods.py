"""The dashboard's periods: today, the last 7 or 30 days, or a range the lead types.

Days are local days (the console's time zone): "today" starts at local midnight, and a
range's days are whole local days, the last one included. Pure arithmetic, no I/O, so
the dashboard and its tests agree on what "7 days" covers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_DAYS = 366
"""The longest range the dashboard charts (a year: one bar per day stays readable)."""
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|–|—|\s)\s*(\d{4}-\d{2}-\d{2})\s*$")


class PeriodError(ValueError):
    """A range that cannot be read; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    first: date
    last: date
    """The last day, included."""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def day_starts(self) -> tuple[int, ...]:
        """Local midnight of each day, as epoch seconds."""
        return tuple(local_midnight(self.first + timedelta(days=n)) for n in range(self.days))

    def until(self) -> int:
        """Local midnight after the last day."""
        return local_midnight(self.last + timedelta(days=1))

    def describe(self) -> str:
        if self.first == self.last:
            return f"{self.label} ({self.first.isoformat()})"
        return f"{self.label} ({self.first.isoformat()} – {self.last.isoformat()})"


def local_midnight(day: date) -> int:
    """The first second of ``day`` in the local time zone."""
    return int(time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1)))


def today(now: float | None = None) -> date:
    moment = time.time() if now is None else now
    return datetime.fromtimestamp(moment).date()


def last_days(days: int, now: float | None = None) -> Period:
    """Today and the ``days - 1`` days before it."""
    end = today(now)
    label = "today" if days == 1 else f"{days} days"
    return Period(label, end - timedelta(days=days - 1), end)


def parse_range(text: str) -> Period:
    """``2026-11-01 2026-11-20`` (or ``..``/``to`` between): both days included."""
    match = _RANGE.match(text)
    if match is None:
        raise PeriodError(
            f"{text.strip() or '(empty)'}: type two dates, e.g. 2026-11-01 2026-11-20"
        )
    try:
        first, last = (date.fromisoformat(match.group(n)) for n in (1, 2))
    except ValueError as exc:
        raise PeriodError(f"{text.strip()}: {exc}") from None
    if last < first:
        raise PeriodError(f"{text.strip()}: the first date comes after the second")
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError(f"{text.strip()}: at most {MAX_DAYS} days")
    return Period("range", first, last)
