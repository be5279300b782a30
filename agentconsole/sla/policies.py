"""SLA policies: which targets apply to which tickets, in which business calendar.

A policy file is TOML (see README, "SLA policies and clocks"): ``[calendars.NAME]``
tables, ``[[policies]]`` tried in order (first match wins, ``when`` in the ticket query
language), ``[[escalations]]`` rules and ``at_risk``, the share of a target after which a
ticket is at risk. A team lead edits it by hand, so every problem is reported with its
place (file, line where it can be found, table) and what to type instead; ``sla check``
shows them all at once, loading stops at the first.

Where the file comes from, first found wins: ``--policies FILE``, ``[sla] policies`` in
the config (relative to the config folder), ``sla.toml`` in the config folder, the
shipped ``data/sla.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agentconsole.datafiles import data_dir
from agentconsole.files import FileRefused, read_limited
from agentconsole.sla.calendar import BusinessCalendar
from agentconsole.sla.escalations import EscalationOn, EscalationRule
from agentconsole.sla.policyfile import Policy, PolicyReader

MAX_POLICY_BYTES = 1024 * 1024
DEFAULT_AT_RISK = 0.75
__all__ = [
    "EscalationOn",
    "EscalationRule",
    "Policy",
    "PolicyError",
    "PolicySet",
    "check_policy_file",
    "config_folder",
    "find_policy_file",
    "load_policy_set",
    "parse_policy_text",
]


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file, the place and
    what to type instead."""


@dataclass(frozen=True)
class PolicySet:
    """A loaded policy file."""

    calendars: dict[str, BusinessCalendar]
    policies: tuple[Policy, ...]
    at_risk_share: float
    escalations: tuple[EscalationRule, ...]
    source: str

    def policy(self, name: str) -> Policy | None:
        """The policy called ``name`` (names are unique in a file)."""
        return next((p for p in self.policies if p.name == name), None)

    def calendar_for(self, policy: Policy) -> BusinessCalendar:
        """The calendar a policy counts in (checked to exist when loading)."""
        return self.calendars[policy.calendar]

    def years_without_data(self) -> dict[str, list[int]]:
        """Calendar name -> years used so far whose holidays are a guess (see
        :meth:`BusinessCalendar.years_without_data`); empty when all is known."""
        found = {name: cal.years_without_data() for name, cal in self.calendars.items()}
        return {name: years for name, years in found.items() if years}


def config_folder() -> Path:
    """The folder of the config file in force (``$AGENTCONSOLE_CONFIG``, which
    ``--config`` sets, or the default): where ``sla.toml`` is looked for."""
    from agentconsole.config import config_path

    return config_path().parent


def find_policy_file(
    path: Path | None, *, config_dir: Path | None, configured: str | None = None
) -> Path:
    """The policy file to use, by the search order above; an explicit path that does
    not exist is an error (a typo must not silently fall back to the defaults)."""
    if path is not None:
        if not path.is_file():
            raise PolicyError(f"--policies {path}: {_not_a_file(path)}")
        return path
    if configured:
        chosen = Path(configured).expanduser()
        if not chosen.is_absolute() and config_dir is not None:
            chosen = config_dir / chosen
        if not chosen.is_file():
            raise PolicyError(
                f'[sla] policies = "{configured}" in the config: {_not_a_file(chosen)} ({chosen})'
            )
        return chosen
    if config_dir is not None and (config_dir / "sla.toml").is_file():
        return config_dir / "sla.toml"
    return data_dir() / "sla.toml"


def _not_a_file(path: Path) -> str:
    """Why ``path`` (not a regular file) cannot be a policy file, in the user's words."""
    if path.is_dir():
        return f"is a folder, not a policy file: name the file in it, e.g. {path / 'sla.toml'}"
    if path.exists():
        return "is not a regular file (a pipe or a device): name a TOML policy file"
    return "no such file"


def _read(path: Path) -> tuple[str, dict[str, object]]:
    try:
        text = read_limited(path, MAX_POLICY_BYTES, "a policy file").decode()
        return text, tomllib.loads(text)
    except FileRefused as exc:
        raise PolicyError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML (not UTF-8 at byte {exc.start})") from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read ({exc.strerror})") from None


def parse_policy_text(text: str, source: str) -> PolicySet:
    """A policy set from TOML text (``source`` names it in messages)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML ({exc})") from None
    return _build(text, raw, source)


def _build(text: str, raw: dict[str, object], source: str) -> PolicySet:
    reader = PolicyReader(source, text)
    parsed = reader.read(raw)
    if reader.problems:
        more = len(reader.problems) - 1
        tail = f" (and {more} more: run `agentconsole sla check`)" if more else ""
        raise PolicyError(reader.problems[0] + tail)
    calendars, policies, share, escalations = parsed
    return PolicySet(calendars, policies, share, escalations, source)


def load_policy_set(
    path: Path | None, *, config_dir: Path | None, configured: str | None = None
) -> PolicySet:
    """The policy set in force: ``path`` (``--policies``), else ``configured`` (the
    config's ``[sla] policies``), else ``sla.toml`` in ``config_dir``, else the shipped
    default. Raises :class:`PolicyError` on the first problem."""
    chosen = find_policy_file(path, config_dir=config_dir, configured=configured)
    text, raw = _read(chosen)
    return _build(text, raw, str(chosen))


def check_policy_file(
    path: Path,
    *,
    today: date | None = None,
    years: Iterable[int] = (),
    warnings: list[str] | None = None,
) -> list[str]:
    """Every problem of a policy file, each a line that says where and what to type
    instead; empty when it is fine. What is allowed but likely a mistake (no catch-all
    policy) is added to ``warnings`` when given. Besides the file itself, each calendar with a
    ``country`` is checked for holiday data in this year (``today``) and in ``years``
    (say, the years the stored tickets span)."""
    try:
        text, raw = _read(path)
    except PolicyError as exc:
        return [str(exc)]
    reader = PolicyReader(str(path), text)
    calendars, _, _, _ = reader.read(raw)
    if warnings is not None:
        warnings.extend(reader.warnings)
    wanted = sorted({(today or date.today()).year, *years})
    for name, cal in calendars.items():
        for year in wanted:
            if not cal.has_data_for(year):
                reader.problem(
                    f'calendar "{name}"',
                    f"the holidays package has no official {cal.country} holiday data for "
                    f"{year}, so its days off and make-up working days would be guessed: "
                    "update it (pip install -U holidays), or list that year's make-up days "
                    f'in workdays = ["{year}-..."] and extra days off in holidays = [...]',
                    line=reader.table_line("calendars", name, "country"),
                )
    return reader.problems
