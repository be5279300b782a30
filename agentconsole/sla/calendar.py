"""Business time: which instants count towards a target, and how to add and measure it.

A target such as "24 business hours" means hours inside the team's working hours, in
the team's timezone, skipping weekends and public holidays but counting the make-up
working days (调休) that China moves onto weekends around its long holidays.

The arithmetic never loops over minutes or even days per call: each calendar year is
laid out once (the working intervals of every local day as epoch seconds, and the
business seconds before each day), then ``elapsed`` is two lookups and ``add`` a
binary search. Recomputing 100,000 tickets after a policy change stays well within
seconds, and the result is exact to the second across DST changes, because every
interval is an absolute instant pair computed from the local wall clock.

Which day is worked, and with which hours, in order of precedence:

1. a date in ``workdays`` (the file's extra working days) is worked with the make-up
   hours (``workday_hours``, by default the Monday hours);
2. a date in ``holidays`` (the file's extra days off) is not worked;
3. with ``country`` set, a public holiday of the ``holidays`` package is not worked,
   and one of its make-up working days (``weekend_workdays``) is worked with the
   make-up hours;
4. otherwise the day is worked with the hours of its weekday (none: not worked).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_data

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Range = tuple[int, int]
"""A working range of one day: minutes after local midnight, end exclusive (<= 1440)."""

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_RANGE_EXAMPLE = '"09:00-12:00" (24-hour clock; "18:00-24:00" runs to midnight)'
FIRST_YEAR, LAST_YEAR = 1971, 2199
"""The years a calendar lays out. Mail dates are hostile (a Date header in the year
9999 is one keystroke away): instants outside are clamped to these years, so a bad
date costs at most one layout of them, never a crash or an endless walk."""


class CalendarError(ValueError):
    """A calendar that cannot be built (bad hours, unknown zone or country)."""


def parse_range(text: str) -> Range:
    """ "09:00-12:00" -> (540, 720); an error message says what to type instead."""
    match = _RANGE.match(text) if isinstance(text, str) else None
    if not match:
        raise CalendarError(f"{text!r} is not a range of hours: write it as {_RANGE_EXAMPLE}")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start >= 1440 or end > 1440:
        raise CalendarError(f"{text!r} is not a time of day: write it as {_RANGE_EXAMPLE}")
    if end <= start:
        raise CalendarError(
            f"{text!r} ends before it starts: a range stays inside one day, split a night "
            'shift in two ("22:00-24:00" and "00:00-06:00" on the next day)'
        )
    return start, end


def format_range(span: Range) -> str:
    """(540, 720) -> "09:00-12:00", the form :func:`parse_range` reads."""
    return f"{span[0] // 60:02d}:{span[0] % 60:02d}-{span[1] // 60:02d}:{span[1] % 60:02d}"


def normalize_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted ranges with touching ones joined; overlapping ones are an error (a typo:
    "09:00-13:00" next to "12:00-18:00" would otherwise count the noon hour twice)."""
    out: list[Range] = []
    for start, end in sorted(ranges):
        if out and start < out[-1][1]:
            raise CalendarError(
                f"{format_range(out[-1])} and {format_range((start, end))} overlap: "
                f"write them as one range or end the first where the second starts"
            )
        if out and start == out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


def official_years(country: str) -> frozenset[int] | range:
    """The years for which the ``holidays`` package has the real holiday data.

    For China that is the years of the State Council's published notices (the only
    source of the make-up working days, which no rule can predict); for a country
    whose holidays follow fixed rules, the years its data covers."""
    cls = holiday_data.country_holidays(country).__class__
    if country.upper() == "CN":
        from holidays.countries.china import ChinaStaticHolidays

        notices = getattr(ChinaStaticHolidays, "special_public_holidays", None)
        if isinstance(notices, dict) and notices:
            return frozenset(year for year in notices if isinstance(year, int))
    return range(cls.start_year, cls.end_year + 1)


@dataclass(frozen=True, slots=True)
class _Year:
    """One calendar year laid out: day ``i`` starts at ``day_starts[i]`` (local
    midnight), is worked during ``intervals[i]`` and has ``cum[i]`` business seconds
    of the year before it; ``cum[-1]`` is the year's total."""

    year: int
    day_starts: tuple[int, ...]
    intervals: tuple[tuple[tuple[int, int], ...], ...]
    cum: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.cum[-1]

    def counted(self, instant: int) -> int:
        """Business seconds from the year's start up to ``instant``."""
        day = bisect_right(self.day_starts, instant) - 1
        seconds = self.cum[day]
        for start, end in self.intervals[day]:
            if instant <= start:
                break
            seconds += (end if end < instant else instant) - start
        return seconds

    def instant_at(self, target: int) -> int:
        """The first instant at which ``target`` (> 0, <= total) seconds have counted."""
        after = bisect_left(self.cum, target)  # first day start with cum >= target
        day = after - 1
        counted = self.cum[day]
        for start, end in self.intervals[day]:
            if counted + (end - start) >= target:
                return start + (target - counted)
            counted += end - start
        raise AssertionError("cum and intervals disagree")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class _Layout:
    """Consecutive laid-out years; ``bases[i]`` is the business time before year ``i``
    counted from the origin, ``bounds`` the years' starts then the last one's end,
    ``tops[i]`` the count at the end of year ``i``."""

    years: tuple[_Year, ...] = ()
    bases: tuple[int, ...] = ()
    bounds: tuple[int, ...] = ()
    tops: tuple[int, ...] = ()


def zone_of(timezone: str) -> ZoneInfo:
    """The zone named ``timezone``; :class:`CalendarError` saying what to type if it
    is not an IANA name (a policy check tests it on its own: every problem is told)."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(
            f"unknown timezone {timezone!r}: use an IANA name such as "
            '"Asia/Shanghai" or "Europe/Berlin"'
        ) from None


def country_years(code: str, written: str | None = None) -> frozenset[int] | range:
    """The years the holidays package has official data for in country ``code``;
    :class:`CalendarError` when it does not know the country (``written``: as typed)."""
    try:
        return official_years(code.upper())
    except NotImplementedError:
        raise CalendarError(
            f"unknown country {written or code!r}: use a code the holidays package knows, "
            'such as "CN", "HK", "SG", "DE" or "US"'
        ) from None


class BusinessCalendar:
    """Working hours in one timezone, with holidays and make-up working days."""

    def __init__(
        self,
        timezone: str,
        hours: Mapping[int, Sequence[Range]],
        *,
        country: str | None = None,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        workday_hours: Sequence[Range] | None = None,
        name: str = "",
    ) -> None:
        """``hours`` maps a weekday (0 = Monday) to its working ranges; a make-up
        working day is worked with ``workday_hours`` (default: the Monday hours, or
        those of the first weekday that has any)."""
        self._tz = zone_of(timezone)
        self.name = name
        self.timezone = timezone
        self._hours = {day: normalize_ranges(hours.get(day, ())) for day in range(7)}
        if not any(self._hours.values()):
            raise CalendarError("no working hours on any weekday: give at least one day hours")
        first = next(self._hours[day] for day in range(7) if self._hours[day])
        self._workday_hours = normalize_ranges(workday_hours) if workday_hours else first
        self._extra_holidays = frozenset(holidays)
        self._extra_workdays = frozenset(workdays)
        both = sorted(self._extra_holidays & self._extra_workdays)
        if both:
            raise CalendarError(
                f"{both[0].isoformat()} is both a holiday and a working day: keep it in one list"
            )
        self.country = country.upper() if country else None
        self._official: frozenset[int] | range = range(0)
        if self.country:
            self._official = country_years(self.country, country)
        self._country_cache: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._layout = _Layout()
        self._lock = threading.Lock()
        self._floor = self._instant(date(FIRST_YEAR, 1, 1), 0)
        self._ceiling = self._instant(date(LAST_YEAR + 1, 1, 1), 0) - 1
        self._missing: set[int] = set()

    # -- days ---------------------------------------------------------------------

    def _country_days(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off, make-up working days) of ``year`` from the holidays package."""
        cached = self._country_cache.get(year)
        if cached is not None:
            return cached
        assert self.country is not None
        if not self.has_data_for(year):
            self._missing.add(year)
        # the next year too: a make-up day late in December can belong to January's
        # New Year holiday, and is only registered while that year is populated
        data = holiday_data.country_holidays(self.country, years=[year, year + 1])
        off = frozenset(day for day in data if day.year == year)
        makeup = frozenset(day for day in data.weekend_workdays if day.year == year)
        self._country_cache[year] = (off, makeup)
        return off, makeup

    def hours_on(self, day: date) -> tuple[Range, ...]:
        """The working ranges of a local date (empty: not a working day)."""
        if day in self._extra_workdays:
            return self._workday_hours
        if day in self._extra_holidays:
            return ()
        if self.country:
            off, makeup = self._country_days(day.year)
            if day in off:
                return ()
            if day in makeup:
                return self._workday_hours
        return self._hours[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` has working hours."""
        return bool(self.hours_on(day))

    def has_data_for(self, year: int) -> bool:
        """True when this calendar's holidays for ``year`` are known, not guessed: no
        country is set, the ``holidays`` package has the official data, or the file
        lists make-up working days of that year by hand (someone typed in the notice)."""
        if not self.country or year in self._official:
            return True
        return any(day.year == year for day in self._extra_workdays)

    def years_without_data(self) -> list[int]:
        """Years this calendar was used for while the ``holidays`` package had no
        official data for its country: its holidays there are a guess (China's make-up
        days are published each November for the next year)."""
        return sorted(self._missing)

    # -- the year layout --------------------------------------------------------------

    def _instant(self, day: date, minutes: int) -> int:
        wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
        return int(wall.replace(tzinfo=self._tz).timestamp())

    def _layout_year(self, year: int) -> _Year:
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        starts: list[int] = []
        intervals: list[tuple[tuple[int, int], ...]] = []
        cum = [0]
        for offset in range(days):
            day = first + timedelta(days=offset)
            starts.append(self._instant(day, 0))
            pairs: list[tuple[int, int]] = []
            floor = starts[-1]
            for begin, end in self.hours_on(day):
                # inside a DST gap the wall clock maps oddly: keep intervals ordered
                lo, hi = max(self._instant(day, begin), floor), self._instant(day, end)
                if lo < hi:
                    pairs.append((lo, hi))
                    floor = hi
            intervals.append(tuple(pairs))
            cum.append(cum[-1] + sum(hi - lo for lo, hi in pairs))
        starts.append(self._instant(date(year + 1, 1, 1), 0))
        return _Year(year, tuple(starts), tuple(intervals), tuple(cum))

    def _cover(self, year: int) -> _Layout:
        """The layout, extended until it holds ``year``: under the lock, and replaced
        whole, so readers in other threads always see a consistent one. The count's
        origin is the first year ever laid out; years before it have negative bases,
        so positions computed earlier stay valid."""
        with self._lock:
            layout = self._layout
            if layout.years and layout.years[0].year <= year <= layout.years[-1].year:
                return layout
            years, bases = list(layout.years), list(layout.bases)
            if not years:
                years, bases = [self._layout_year(year)], [0]
            while years[0].year > year:
                block = self._layout_year(years[0].year - 1)
                years.insert(0, block)
                bases.insert(0, bases[0] - block.total)
            while years[-1].year < year:
                bases.append(bases[-1] + years[-1].total)
                years.append(self._layout_year(years[-1].year + 1))
            self._layout = _Layout(
                tuple(years),
                tuple(bases),
                tuple(block.day_starts[0] for block in years) + (years[-1].day_starts[-1],),
                tuple(base + block.total for base, block in zip(bases, years, strict=True)),
            )
            return self._layout

    def _year_of(self, instant: int) -> int:
        return datetime.fromtimestamp(instant, self._tz).year

    # -- the arithmetic ---------------------------------------------------------------

    def position(self, instant: int) -> int:
        """Business seconds from a fixed origin to ``instant``: ``elapsed(a, b)`` is
        ``position(b) - position(a)``. Exposed so that a caller measuring many spans
        (the clocks) converts each instant once."""
        layout = self._layout
        bounds = layout.bounds
        if not bounds or instant < bounds[0] or instant >= bounds[-1]:
            instant = min(max(instant, self._floor), self._ceiling)
            layout = self._cover(self._year_of(instant))
            bounds = layout.bounds
        index = bisect_right(bounds, instant) - 1
        return layout.bases[index] + layout.years[index].counted(instant)

    def instant_at(self, position: int) -> int:
        """The first instant whose :meth:`position` reaches ``position``."""
        layout = self._layout
        if not layout.years:
            layout = self._cover(self._year_of(self._floor))
        while True:
            if layout.bases[0] < position <= layout.tops[-1]:
                index = bisect_left(layout.tops, position)
                return layout.years[index].instant_at(position - layout.bases[index])
            if position > layout.tops[-1]:
                if layout.years[-1].year >= LAST_YEAR:
                    return self._ceiling  # never, in practice
                layout = self._cover(layout.years[-1].year + 1)
            else:
                if layout.years[0].year <= FIRST_YEAR:
                    return self._floor
                layout = self._cover(layout.years[0].year - 1)

    def elapsed(self, start: int, end: int) -> int:
        """Business seconds between two instants (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0
        return self.position(end) - self.position(start)

    def add(self, start: int, seconds: int) -> int:
        """The first instant at which the business time elapsed since ``start`` reaches
        ``seconds``: a due time. Arriving at night, the clock starts next morning; a
        target that ends exactly at closing time is due at closing time."""
        if seconds <= 0:
            return start
        return self.instant_at(self.position(start) + seconds)

    def segments(self, start: int, end: int) -> list[tuple[int, int]]:
        """The business intervals between ``start`` and ``end``, clipped to them and
        joined where they touch: what ``sla explain`` shows. Their lengths sum to
        :meth:`elapsed`. Walks day by day: for explanations, not for bulk work."""
        out: list[tuple[int, int]] = []
        if end <= start:
            return out
        start = min(max(start, self._floor), self._ceiling)
        end = min(max(end, self._floor), self._ceiling + 1)
        self.position(end - 1)
        layout = self._cover(self._year_of(start))
        index = bisect_right(layout.bounds, start) - 1
        for block in layout.years[index:]:
            for day, pairs in enumerate(block.intervals):
                if block.day_starts[day + 1] <= start:
                    continue
                if block.day_starts[day] >= end:
                    return out
                for lo, hi in pairs:
                    lo, hi = max(lo, start), min(hi, end)
                    if lo >= hi:
                        continue
                    if out and out[-1][1] == lo:
                        out[-1] = (out[-1][0], hi)
                    else:
                        out.append((lo, hi))
        return out

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name or self.timezone!r}, country={self.country!r})"
