"""Reading a policy file's TOML into records, collecting every problem with its place.

The reader never stops at the first problem: ``sla check`` lists them all, each with
the file, the line (found by looking for the table header and the key in the text,
since TOML parsers keep no positions), the table and what to type instead. An
unknown key names the nearest known one: ``first_reponse`` is a typo that would
otherwise silently leave a policy without a first-response target.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from agentconsole.sla.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    CalendarError,
    Range,
    country_years,
    normalize_ranges,
    parse_range,
    zone_of,
)
from agentconsole.sla.durations import DurationError, parse_duration
from agentconsole.sla.escalations import EscalationRule, read_escalations
from agentconsole.sla.model import CLOCKS, ClockName
from agentconsole.sla.tomlplaces import LineOf, TomlPlaces
from agentconsole.store.query import QueryError, compile_query

_AGE_TERM = re.compile(r'-?(after|before):(?:"\s*(\d+[dhw])\s*"|(\d+[dhw]))(?=\s|$)', re.I)
"""``after:7d`` / ``before:"12h"``: the query language's ages, relative to now."""


def relative_age(when: str) -> tuple[str, str] | None:
    """The first ``after:``/``before:`` term of ``when`` that is an age (key, value):
    a policy or escalation must not depend on the moment it is evaluated."""
    for match in _AGE_TERM.finditer(when):
        if match.start() == 0 or when[match.start() - 1].isspace():
            return match.group(1).lower(), match.group(2) or match.group(3)
    return None


TOP_KEYS = ("at_risk", "calendars", "policies", "escalations")
CALENDAR_KEYS = ("timezone", "hours", "country", "holidays", "workdays", "workday_hours")
POLICY_KEYS = ("name", "when", "calendar", "first_response", "next_response", "resolution")
_HOURS_EXAMPLE = 'mon = ["09:00-12:00", "13:00-18:00"]'


@dataclass(frozen=True, slots=True)
class Policy:
    """One ``[[policies]]`` entry; targets in business seconds, None when not set."""

    name: str
    when: str
    calendar: str
    first_response: int | None
    next_response: int | None
    resolution: int | None

    def target(self, clock: ClockName) -> int | None:
        """The target of the named clock."""
        if clock == "first_response":
            return self.first_response
        if clock == "next_response":
            return self.next_response
        return self.resolution


Parsed = tuple[dict[str, BusinessCalendar], tuple[Policy, ...], float, tuple[EscalationRule, ...]]


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


class PolicyReader(TomlPlaces):
    """One pass over a parsed policy file; ``problems`` holds what is wrong."""

    def __init__(self, source: str, text: str) -> None:
        super().__init__(text)
        self.source = source
        self.problems: list[str] = []
        self.warnings: list[str] = []
        """What is allowed but probably not meant (no catch-all policy)."""

    def problem(self, where: str, what: str, *, line: int | None = None) -> None:
        place = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{place}: {where}: {what}" if where else f"{place}: {what}")

    def unknown_keys(
        self, table: dict[str, object], known: Sequence[str], where: str, line: LineOf
    ) -> None:
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else f"known keys: {_quoted(known)}"
            self.problem(where, f'unknown key "{key}" ({hint})', line=line(key))

    # -- the file ---------------------------------------------------------------------

    def read(self, raw: dict[str, object]) -> Parsed:
        """Records from a parsed file; problems are collected, never raised."""
        self.unknown_keys(raw, TOP_KEYS, "", self._top_line)
        share = self._share(raw.get("at_risk", 0.75))
        calendars: dict[str, BusinessCalendar] = {}
        tables = raw.get("calendars", {})
        if not isinstance(tables, dict) or not tables:
            self.problem(
                "",
                'no calendar: add one, e.g. [calendars.cn] with timezone = "Asia/Shanghai" '
                f"and hours = {{ {_HOURS_EXAMPLE} }}",
            )
            tables = {}
        for name, table in tables.items():
            built = self._calendar(str(name), table)
            if built is not None:
                calendars[str(name)] = built
        policies = self._policies(raw.get("policies", []), sorted(tables))
        escalations = read_escalations(self, raw.get("escalations", []))
        return calendars, policies, share, escalations

    def _top_line(self, key: str | None = None, /) -> int | None:
        return self.key_in(self.block(""), key)

    def _share(self, value: object) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1
        if not ok:
            self.problem(
                "at_risk",
                f"{value!r} is not a share of the target: write a number between 0 and 1, "
                "e.g. at_risk = 0.75",
                line=self._top_line("at_risk"),
            )
            return 0.75
        return float(cast(float, value))

    # -- calendars ----------------------------------------------------------------------

    def _calendar(self, name: str, table: object) -> BusinessCalendar | None:
        where = f'calendar "{name}"'

        def line(key: str | None = None) -> int | None:
            return self.table_line("calendars", name, key)

        if not isinstance(table, dict):
            self.problem(where, f"must be a table: [calendars.{name}]", line=line())
            return None
        self.unknown_keys(table, CALENDAR_KEYS, where, line)
        # Each key is checked on its own, so `sla check` tells every problem at once.
        zone = table.get("timezone")
        good = isinstance(zone, str)
        if not isinstance(zone, str):
            self.problem(where, 'needs timezone = "Asia/Shanghai" (an IANA name)', line=line())
        else:
            good = self._fine(lambda: zone_of(zone), where, line("timezone"))
        hours = self._hours(table.get("hours"), where, line)
        country = table.get("country")
        if country is not None and not isinstance(country, str):
            self.problem(
                where, 'country must be a code in quotes, e.g. country = "CN"', line=line("country")
            )
            country = None
        elif isinstance(country, str):
            good = self._fine(lambda: country_years(country), where, line("country")) and good
        holidays = self._dates(table.get("holidays", []), f"{where}: holidays", line("holidays"))
        workdays = self._dates(table.get("workdays", []), f"{where}: workdays", line("workdays"))
        makeup = self._workday_hours(table.get("workday_hours"), hours, where, line)
        if hours is None or not good or not isinstance(zone, str):
            return None
        try:
            return BusinessCalendar(
                zone,
                hours,
                country=country,
                holidays=holidays,
                workdays=workdays,
                workday_hours=makeup,
                name=name,
            )
        except CalendarError as exc:
            key = next((k for k in ("timezone", "country") if f"unknown {k}" in str(exc)), None)
            self.problem(where, str(exc), line=line(key))
            return None

    def _fine(self, probe: Callable[[], object], where: str, line: int | None) -> bool:
        """``probe()`` raised no :class:`CalendarError`; else its message is a problem."""
        try:
            probe()
        except CalendarError as exc:
            self.problem(where, str(exc), line=line)
            return False
        return True

    def _ranges(self, value: object, where: str, line: int | None) -> tuple[Range, ...] | None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(where, f"must be a list of ranges, e.g. {_HOURS_EXAMPLE}", line=line)
            return None
        try:
            return normalize_ranges(parse_range(item) for item in value)
        except CalendarError as exc:
            self.problem(where, str(exc), line=line)
            return None

    def _hours(
        self, value: object, where: str, line: LineOf
    ) -> dict[int, tuple[Range, ...]] | None:
        if not isinstance(value, dict):
            self.problem(
                where, f"needs hours = {{ {_HOURS_EXAMPLE}, tue = [...] }}", line=line("hours")
            )
            return None
        self.unknown_keys(value, WEEKDAYS, f"{where}: hours", line)
        hours: dict[int, tuple[Range, ...]] = {}
        good = True
        for index, day in enumerate(WEEKDAYS):
            if day in value:
                ranges = self._ranges(value[day], f"{where}: hours.{day}", line(day))
                good = good and ranges is not None
                hours[index] = ranges or ()
        if good and not any(hours.values()):
            self.problem(
                where, f"no working hours on any day: e.g. {_HOURS_EXAMPLE}", line=line("hours")
            )
            return None
        return hours if good else None

    def _workday_hours(
        self, value: object, hours: dict[int, tuple[Range, ...]] | None, where: str, line: LineOf
    ) -> tuple[Range, ...] | None:
        if value is None:
            return None
        if isinstance(value, str) and value in WEEKDAYS:
            ranges = (hours or {}).get(WEEKDAYS.index(value))
            if hours is not None and not ranges:
                self.problem(
                    where,
                    f'workday_hours = "{value}" has no hours: name a day that has some, or '
                    'give the ranges, e.g. ["09:00-12:00", "13:00-18:00"]',
                    line=line("workday_hours"),
                )
            return ranges or None
        if isinstance(value, str):
            close = difflib.get_close_matches(value, WEEKDAYS, n=1)
            hint = f'"{close[0]}"' if close else '"mon"'
            self.problem(
                where,
                f'workday_hours = "{value}" is not a weekday: write {hint} (make-up days are '
                'worked with that day\'s hours) or a list like ["09:00-12:00", "13:00-18:00"]',
                line=line("workday_hours"),
            )
            return None
        return self._ranges(value, f"{where}: workday_hours", line("workday_hours"))

    def _dates(self, value: object, where: str, line: int | None) -> list[date]:
        if not isinstance(value, list):
            self.problem(where, 'must be a list of dates, e.g. ["2026-10-08"]', line=line)
            return []
        days: list[date] = []
        for item in value:
            if isinstance(item, datetime):
                self.problem(
                    where, f"{item} is a time: give the day only, e.g. 2026-10-08", line=line
                )
                continue
            if isinstance(item, date):
                days.append(item)
                continue
            try:
                days.append(date.fromisoformat(str(item)))
            except ValueError:
                self.problem(where, f'{item!r} is not a date: write it as "2026-10-08"', line=line)
        return days

    # -- policies -----------------------------------------------------------------------

    def query(self, when: object, where: str, line: int | None) -> str | None:
        if not isinstance(when, str):
            self.problem(
                where, 'when must be a query in quotes, e.g. when = "category:complaint"', line=line
            )
            return None
        try:
            first = compile_query(when, me="\x00one")
            second = compile_query(when, me="\x00two")
        except QueryError as exc:
            self.problem(where, f'when = "{when}" does not parse: {exc}', line=line)
            return None
        if "due_at" in first.where:
            self.problem(
                where,
                f'when = "{when}" uses due:, which is circular (a ticket\'s due time comes '
                "from the policy it matches): choose by status, priority, category, tag, "
                "assignee or from, and act on at-risk or breached tickets with [[escalations]]",
                line=line,
            )
            return None
        if first.params != second.params:
            self.problem(
                where,
                f'when = "{when}" uses assignee:me, which depends on who runs the command: '
                "name the agent instead, e.g. assignee:lin",
                line=line,
            )
            return None
        age = relative_age(when)
        if age is not None:
            key, value = age
            self.problem(
                where,
                f'when = "{when}" uses {key}:{value}, an age counted from now, so a '
                "ticket's policy would change as it ages with nothing happening to it: "
                f"give a date instead, e.g. {key}:2026-11-01 (compared with the ticket's "
                "creation), and act on tickets left waiting with [[escalations]]",
                line=line,
            )
            return None
        return when

    def _policies(self, value: object, calendar_names: list[str]) -> tuple[Policy, ...]:
        if not isinstance(value, list) or not value:
            self.problem("", "no policy: add [[policies]] with name, when, calendar and targets")
            return ()
        out: list[Policy] = []
        catch_all: str | None = None
        names: set[str] = set()
        for index, table in enumerate(value):
            policy = self._policy(index, table, calendar_names)
            # Order and names are judged on what was written, even in a policy broken
            # in another way: its own problems are told already, and these are others.
            raw = table if isinstance(table, dict) else {}
            name, when = raw.get("name"), raw.get("when", "")
            where = f"policy #{index + 1}" + (f' "{name}"' if isinstance(name, str) else "")
            if catch_all is not None:
                self.problem(
                    where,
                    f"can never apply: {catch_all} has an empty when and matches every ticket "
                    "first (first match wins): move that one to the end",
                    line=self.array_line("policies", index),
                )
            if isinstance(name, str) and name.strip():
                if name in names:
                    self.problem(
                        where,
                        "a second policy with this name: give each a name of its own",
                        line=self.array_line("policies", index, "name"),
                    )
                names.add(name)
            if isinstance(when, str) and not when.strip() and catch_all is None and raw:
                catch_all = where
            if policy is not None:
                out.append(policy)
        if catch_all is None:
            place = f"{self.source}:{self.array_line('policies', len(value) - 1)}"
            self.warnings.append(
                f"{place}: no policy has an empty when, so tickets matching none of the "
                'policies get no SLA targets: add a last policy with when = ""'
            )
        return tuple(out)

    def _policy(self, index: int, table: object, calendar_names: list[str]) -> Policy | None:
        def line(key: str | None = None) -> int | None:
            return self.array_line("policies", index, key)

        name = table.get("name") if isinstance(table, dict) else None
        where = f"policy #{index + 1}" + (f' "{name}"' if isinstance(name, str) else "")
        if not isinstance(table, dict):
            self.problem(where, "must be a table: [[policies]]", line=line())
            return None
        self.unknown_keys(table, POLICY_KEYS, where, line)
        if not isinstance(name, str) or not name.strip():
            self.problem(where, 'needs a name, e.g. name = "standard"', line=line())
            name = ""
        when = self.query(table.get("when", ""), where, line("when"))
        calendar = self._calendar_name(table.get("calendar"), calendar_names, where, line)
        targets: dict[str, int | None] = {}
        for clock in CLOCKS:
            raw = table.get(clock)
            targets[clock] = None
            if raw is None:
                continue
            try:
                targets[clock] = parse_duration(raw if isinstance(raw, str) else repr(raw))
            except DurationError as exc:
                self.problem(where, f"{clock}: {exc}", line=line(clock))
        if all(table.get(clock) is None for clock in CLOCKS):
            self.problem(
                where,
                "sets no target: give first_response, next_response or resolution, "
                'e.g. first_response = "24h"',
                line=line(),
            )
        if when is None or calendar is None or not name:
            return None
        return Policy(
            name,
            when,
            calendar,
            targets["first_response"],
            targets["next_response"],
            targets["resolution"],
        )

    def _calendar_name(
        self, value: object, names: list[str], where: str, line: LineOf
    ) -> str | None:
        if value is None and len(names) == 1:
            return names[0]
        if not isinstance(value, str):
            self.problem(where, f"needs calendar = one of {_quoted(names)}", line=line())
            return None
        if value not in names:
            close = difflib.get_close_matches(value, names, n=1, cutoff=0.5)
            hint = (
                f'did you mean "{close[0]}"?' if close else f"defined: {_quoted(names) or 'none'}"
            )
            self.problem(
                where, f'calendar "{value}" is not defined ({hint})', line=line("calendar")
            )
            return None
        return value
