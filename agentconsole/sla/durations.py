"""Targets as people write them ("2h", "90m", "1h30m") and back.

A policy file is edited by hand, so the form is the one a team lead says aloud: hours
and minutes of *business* time. Days are refused on purpose: "1d" could mean 24 hours
or one working day of 8, and a target that is read two ways is a dispute waiting to
happen (write "8h" or "24h").
"""

from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(?:(\d{1,5})\s*h)?\s*(?:(\d{1,6})\s*m(?:in)?)?\s*$", re.IGNORECASE)
EXAMPLE = '"2h", "90m" or "1h30m"'
MAX_TARGET_HOURS = 2000
"""The longest target: about a working year (250 days of 8 hours). A longer one gives
due times decades away (or past the calendar's last year, 2199, where they were cut
short and shown as if real): no service level means that, so it is refused."""


class DurationError(ValueError):
    """A duration we cannot read; the message shows the accepted forms."""


def parse_duration(text: str) -> int:
    """Seconds in ``text`` ("2h" -> 7200, "90m" -> 5400, "1h30m" -> 5400).

    Zero is refused: a target of no time at all is breached the instant a mail arrives,
    which is never what a policy means; so is more than :data:`MAX_TARGET_HOURS`."""
    match = _DURATION.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise DurationError(f"{text!r} is not a duration: write hours and minutes, e.g. {EXAMPLE}")
    seconds = int(match.group(1) or 0) * 3600 + int(match.group(2) or 0) * 60
    if seconds == 0:
        raise DurationError(f"{text!r} is no time at all: a target needs at least 1m")
    if seconds > MAX_TARGET_HOURS * 3600:
        raise DurationError(
            f"{text!r} is longer than the longest target, {MAX_TARGET_HOURS}h (about a"
            f' working year of 8-hour days): write at most "{MAX_TARGET_HOURS}h", or leave'
            " the target out for a clock the policy does not run"
        )
    return seconds


def format_duration(seconds: int) -> str:
    """The form :func:`parse_duration` reads: 7200 -> "2h", 5400 -> "1h30m".

    Seconds below a minute are shown only when there is nothing else ("45s"), so a
    clock's elapsed time reads naturally in ``sla explain``."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if not hours and not minutes:
        return f"{sign}{secs}s"
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return sign + text
