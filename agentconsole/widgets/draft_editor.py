"""The reply's editor: a TextArea that marks spans (lint findings) and jumps to blanks.

Findings arrive as ``str`` offsets into the text; the editor turns them into
per-line column ranges once, and styles each line as Textual draws it (``get_line``),
so marks cost nothing per keystroke and need no syntax theme or tree-sitter. Blanks
the agent must fill are ``⟦label⟧`` spans (U+27E6 … U+27E7): Tab selects the next one,
so typing replaces it; with no blank left, Tab moves on as everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

BLANK = re.compile("⟦[^⟦⟧\n]*⟧")
"""An agent-filled blank as a canned response renders it."""

Mark = tuple[int, int, str]
"""(start, end, severity) in ``str`` offsets of the text."""

MARK_STYLES: dict[str, Style] = {
    "error": Style(underline=True, color="red", bold=True),
    "warning": Style(underline=True, color="yellow"),
    "info": Style(underline=True, color="cyan"),
    "current": Style(reverse=True),
}


def blank_spans(text: str) -> list[tuple[int, int]]:
    """Every ``⟦…⟧`` span of ``text``, in order."""
    return [(m.start(), m.end()) for m in BLANK.finditer(text)]


class DraftEditor(TextArea):
    """The body of a reply: plain text, soft-wrapped, with marked spans."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "next_blank",
            "Next blank",
            show=False,
            id="editor.next_blank",
            tooltip="Select the next ⟦blank⟧ to fill (or move on when none is left)",
        ),
    ]

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", id=id)
        self._line_marks: dict[int, list[tuple[int, int, Style]]] = {}

    # -- offsets ----------------------------------------------------------------
    def location_of(self, offset: int) -> tuple[int, int]:
        """(row, column) of a ``str`` offset, clamped into the text."""
        text = self.text
        offset = max(0, min(offset, len(text)))
        row = text.count("\n", 0, offset)
        return row, offset - (text.rfind("\n", 0, offset) + 1)

    def offset_of(self, location: tuple[int, int]) -> int:
        """The ``str`` offset of a (row, column) location."""
        row, column = location
        lines = self.document.lines
        return sum(len(line) + 1 for line in lines[:row]) + column

    @property
    def cursor_offset(self) -> int:
        """The cursor as a ``str`` offset into the text."""
        return self.offset_of(self.cursor_location)

    def select_span(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (typing replaces it) and bring it into view."""
        self.selection = Selection(self.location_of(start), self.location_of(end))
        self.scroll_cursor_visible()

    def insert_at_cursor(self, text: str) -> int:
        """Insert ``text`` at the cursor (replacing a selection); the offset it starts at."""
        start = min(
            self.offset_of(self.selection.start),
            self.offset_of(self.selection.end),
        )
        self.replace(text, *sorted(self.selection))
        return start

    # -- marks ------------------------------------------------------------------
    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Show these spans (replacing the ones shown); offsets past the end are cut."""
        lines: dict[int, list[tuple[int, int, Style]]] = {}
        size = len(self.text)
        for start, end, kind in marks:
            style = MARK_STYLES.get(kind, MARK_STYLES["info"])
            start, end = max(0, min(start, size)), max(0, min(end, size))
            if end <= start:
                end = min(start + 1, size)
                if end <= start:
                    continue
            (top, left), (bottom, right) = self.location_of(start), self.location_of(end)
            for row in range(top, bottom + 1):
                first = left if row == top else 0
                last = right if row == bottom else len(self.document.get_line(row))
                lines.setdefault(row, []).append((first, last, style))
        self._line_marks = lines
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for start, end, style in self._line_marks.get(line_index, ()):
            line.stylize(style, start, end)
        return line

    # -- blanks -----------------------------------------------------------------
    def next_blank(self) -> bool:
        """Select the first blank after the cursor (wrapping to the top); False when the
        text has none."""
        spans = blank_spans(self.text)
        if not spans:
            return False
        here = max(
            self.offset_of(self.selection.start),
            self.offset_of(self.selection.end),
        )
        selected = self.selection.start != self.selection.end
        after = [s for s in spans if s[0] >= here or (not selected and s[1] > here)]
        start, end = (after or spans)[0]
        self.select_span(start, end)
        return True

    def action_next_blank(self) -> None:
        if not self.next_blank():
            self.app.action_focus_next()
