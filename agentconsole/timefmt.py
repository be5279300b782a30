"""Short human forms of instants and durations, shared by the CLI and the console."""

from __future__ import annotations

import time


def when(epoch: int | None) -> str:
    """Local date and time, minutes precision; blank when unknown."""
    if epoch is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def duration(seconds: int) -> str:
    """Compact: 45s, 12m, 3h05m, 2d4h."""
    seconds = abs(int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600}h"


def age(epoch: int | None, now: float | None = None) -> str:
    """How long ago, compactly; blank when unknown."""
    if epoch is None:
        return ""
    return duration(max(0, int((now if now is not None else time.time()) - epoch)))


def countdown(due: int | None, now: float | None = None) -> tuple[str, str]:
    """(text, state) for a due time: state is 'breached', 'risk' (under 4 h) or 'ok'."""
    if due is None:
        return "", "none"
    left = int(due - (now if now is not None else time.time()))
    if left < 0:
        return "-" + duration(-left), "breached"
    return duration(left), ("risk" if left < 4 * 3600 else "ok")
