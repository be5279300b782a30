"""The queue's sync status line: when mail last came in, or why it did not.

``synced 14:02 · 3 new``, ``syncing…``, ``offline (retry in 60 s): <reason>`` or
``error: <one line>``. The reasons come from servers, so the line is built as
:class:`~rich.text.Text` from :func:`agentconsole.textsafe.safe_line` output: never
markup, never a terminal escape.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from agentconsole.sync.round_result import RoundResult
from agentconsole.textsafe import safe_line

SYNCING = "syncing…"


def status_text(result: RoundResult, interval: int) -> str:
    """The line for a finished round; ``interval`` is when the next one comes (0: only
    when asked). What matters most comes first, since a narrow terminal crops the line
    on the right: the state and when it is tried again, then the server's reason
    (``offline (retry in 60 s): IMAP: connection refused ...``)."""
    if result.error:
        return f"error: {safe_line(result.error)}"
    if result.offline:
        retry = f"retry in {interval} s" if interval else "ctrl+r retries"
        return f"offline ({retry}): {safe_line(result.offline)}"
    at = time.strftime("%H:%M", time.localtime(result.finished_at))
    parts = [f"synced {at}", f"{result.new_messages} new"]
    if result.team_changes:
        parts.append(f"{result.team_changes} from the team")
    if result.sent:
        parts.append(f"{result.sent} sent")
    if result.failed:
        parts.append(f"{result.failed} not delivered")
    return " · ".join(parts)


class SyncStatus(Static):
    """One line under the queue's title; hidden until the store has a mail account."""

    DEFAULT_CSS = """
    SyncStatus { height: 1; color: $text-muted; }
    SyncStatus.offline { color: $warning; }
    SyncStatus.error { color: $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.text = ""
        """The line shown now (plain text: the tests read it)."""
        self.display = False

    def show(self, line: str, state: str) -> None:
        """Show ``line``; ``state`` is ``syncing``, ``synced``, ``offline`` or ``error``."""
        self.text = line
        self.display = True
        self.set_class(state == "offline", "offline")
        self.set_class(state == "error", "error")
        self.update(Text(line))


def state_of(result: RoundResult) -> str:
    if result.error:
        return "error"
    return "offline" if result.offline else "synced"
