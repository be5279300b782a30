"""The demo mailbox moved to the present, so ``agentconsole demo`` always shows a live queue.

The bundled demo mail (``data/demo/*.mbox``, made by ``scripts/make_demo.py``) has
fixed dates: left as they are, every ticket would be long breached a month later and
none at risk. So the demo moves every Date header forward by a whole number of weeks
(weekdays and the hours of the day stay what they were, so mail written in business
hours still is) such that the moment the demo starts falls in the last week of the
data, before :data:`DEMO_END`. Mail dated after that moment has not "arrived" yet and
is left out: the queue then looks as it did at the same weekday and hour of that
week, with traffic up to the minute, whichever day and hour the demo is run (on a
Saturday night, the clocks stand where Friday evening left them).

The bundled files are read, never changed: the moved copy is written elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

WEEK = timedelta(days=7)
DEMO_END = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
"""Where the demo data's traffic ends (a Saturday, 09:00 in Shanghai): the demo's
"now" is mapped into the week before it. scripts/make_demo.py generates mail up to it."""


def demo_shift(now: datetime) -> timedelta:
    """The whole number of weeks that maps ``now`` into [DEMO_END - 1 week, DEMO_END)."""
    weeks = (now - (DEMO_END - WEEK)) // WEEK
    return WEEK * weeks


def _messages(lines: Iterable[bytes]) -> Iterator[list[bytes]]:
    """An mboxrd file's messages, each as its lines with the ``From `` line first
    (bodies have their ``From `` lines quoted, so every such line starts a message)."""
    current: list[bytes] = []
    for line in lines:
        if line.startswith(b"From ") and current:
            yield current
            current = []
        current.append(line)
    if current:
        yield current


def _moved_date(line: bytes, shift: timedelta) -> tuple[bytes, datetime | None]:
    """A ``Date:`` header line moved by ``shift``, and the moved instant; a date that
    does not parse is left alone (the import treats it as it would anyway)."""
    value = line.split(b":", 1)[1].strip().decode("ascii", "replace")
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return line, None
    if when.tzinfo is None:
        return line, None
    moved = when + shift
    return f"Date: {format_datetime(moved)}\n".encode("ascii"), moved


def shift_message(lines: list[bytes], shift: timedelta) -> tuple[list[bytes], datetime | None]:
    """One message with its Date header moved (the body, including quoted headers of
    a bounce, is kept byte for byte), and its moved date if it has one."""
    out: list[bytes] = []
    moved: datetime | None = None
    in_header = True
    for index, line in enumerate(lines):
        if in_header and index and line.strip() == b"":
            in_header = False
        elif in_header and index and moved is None and line[:5].lower() == b"date:":
            line, moved = _moved_date(line, shift)
        out.append(line)
    return out, moved


def write_moved_demo(sources: Iterable[Path], target: Path, now: datetime) -> int:
    """Write the demo mail of ``sources`` to the mbox ``target``, moved so that ``now``
    falls in the data's last week, leaving out mail dated after ``now``. Returns the
    number of messages written."""
    shift = demo_shift(now)
    count = 0
    with open(target, "wb") as out:
        for source in sources:
            with open(source, "rb") as handle:
                for message in _messages(handle):
                    lines, moved = shift_message(message, shift)
                    if moved is not None and moved > now:
                        continue
                    out.writelines(lines)
                    count += 1
    return count
