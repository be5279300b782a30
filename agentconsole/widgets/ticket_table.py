"""The queue's ticket list: draws only the rows on screen, from pages it asks for.

Textual's DataTable measures every cell of every row, which takes seconds at 10,000
rows. This widget uses the Line API instead: ``render_line`` draws one visible row
from a page cache, and a row whose page is not loaded yet is drawn as a placeholder
while a :class:`TicketTable.PageWanted` message asks the screen to load it (in a
worker). Memory and drawing time depend on the screen's height, not the queue's size.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from agentconsole.models import DELIVERY_FAILED_TAG, Ticket
from agentconsole.textsafe import safe_line
from agentconsole.timefmt import age, countdown

PAGE_SIZE = 100
# (title, width; 0 means "take the rest")
COLUMNS: list[tuple[str, int]] = [
    ("", 2),
    ("ref", 12),
    ("status", 8),
    ("priority", 8),
    ("due", 8),
    ("customer", 18),
    ("subject", 0),
    ("category", 14),
    ("assignee", 10),
    ("waiting", 8),
]
_STATUS_STYLE = {
    "new": Style(color="bright_cyan", bold=True),
    "open": Style(color="cyan"),
    "pending": Style(color="bright_black"),
    "solved": Style(color="green"),
    "closed": Style(color="bright_black"),
}
_PRIORITY_STYLE = {
    "urgent": Style(color="bright_red", bold=True),
    "high": Style(color="yellow"),
    "normal": Style(),
    "low": Style(color="bright_black"),
}
_DUE_STYLE = {"breached": Style(color="bright_red", bold=True), "risk": Style(color="yellow")}
_CURSOR = Style(reverse=True)
_DIM = Style(color="bright_black")
_FAILED = Style(color="bright_red", bold=True)


def column_widths(total: int) -> list[int]:
    fixed = sum(w for _, w in COLUMNS) + len(COLUMNS) - 1
    flexible = max(12, total - fixed)
    return [w or flexible for _, w in COLUMNS]


def header_line(width: int) -> str:
    """The column titles, aligned with the rows (no mail text, so plain is safe)."""
    return " ".join(
        set_cell_size(title.upper(), w)
        for (title, _), w in zip(COLUMNS, column_widths(width), strict=True)
    )


class TicketTable(ScrollView, can_focus=True):
    """A scrollable, keyboard-driven list of tickets, paged from the store."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="queue.down", tooltip="Next ticket"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="queue.up", tooltip="Previous ticket"),
        Binding("g,home", "jump(0)", "Top", show=False, id="queue.top", tooltip="First ticket"),
        Binding(
            "G,end", "jump(-1)", "Bottom", show=False, id="queue.bottom", tooltip="Last ticket"
        ),
        Binding(
            "pagedown,ctrl+d",
            "page(1)",
            "Page down",
            show=False,
            id="queue.page_down",
            tooltip="One screen down",
        ),
        Binding(
            "pageup,ctrl+u",
            "page(-1)",
            "Page up",
            show=False,
            id="queue.page_up",
            tooltip="One screen up",
        ),
        Binding("enter", "choose", "Open", id="queue.open", tooltip="Open the ticket"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row in the whole queue (not just the screen)."""

    class PageWanted(Message):
        """A page of rows is needed to draw the screen."""

        def __init__(self, page: int) -> None:
            self.page = page
            super().__init__()

    class Chosen(Message):
        """Enter was pressed on a ticket."""

        def __init__(self, index: int, ticket: Ticket) -> None:
            self.index = index
            self.ticket = ticket
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.pages: dict[int, list[Ticket]] = {}
        self.requested: set[int] = set()
        self.selected: set[int] = set()
        self.now = time.time()
        self.me: str | None = None
        """The agent at this console: a claim held by anyone else is marked."""

    # -- data ------------------------------------------------------------------
    def reset(self, total: int, keep_cursor: bool = False) -> None:
        """New query results: forget cached pages, size the scroll area."""
        self.total = total
        self.pages.clear()
        self.requested.clear()
        self.now = time.time()
        self.virtual_size = Size(self.size.width, total)
        if not keep_cursor:
            self.selected.clear()
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        else:
            self.cursor = min(self.cursor, max(0, total - 1))
        self.refresh()

    def set_page(self, page: int, tickets: list[Ticket]) -> None:
        self.pages[page] = tickets
        self.requested.discard(page)
        self.refresh()

    def ticket_at(self, index: int) -> Ticket | None:
        page = self.pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _want(self, page: int) -> None:
        if page not in self.pages and page not in self.requested and page * PAGE_SIZE < self.total:
            self.requested.add(page)
            self.post_message(self.PageWanted(page))

    @property
    def current(self) -> Ticket | None:
        return self.ticket_at(self.cursor)

    # -- drawing ---------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        if row >= self.total:
            return Strip.blank(width)
        ticket = self.ticket_at(row)
        if ticket is None:
            self._want(row // PAGE_SIZE)
            return Strip([Segment(set_cell_size("  …", width), _DIM)], width)
        if (row + PAGE_SIZE // 2) // PAGE_SIZE != row // PAGE_SIZE:
            self._want(row // PAGE_SIZE + 1)  # prefetch the next page before it is needed
        segments = self._row(ticket, row, column_widths(width))
        strip = Strip(segments).crop(0, width)
        if row == self.cursor and self.has_focus:
            strip = strip.apply_style(_CURSOR)
        elif row == self.cursor:
            strip = strip.apply_style(Style(bgcolor="grey23"))
        return strip

    def _row(self, ticket: Ticket, row: int, widths: list[int]) -> list[Segment]:
        due_text, due_state = countdown(ticket.due_at, self.now)
        cells: list[tuple[str, Style]] = [
            ("●" if ticket.id in self.selected else "", Style(color="bright_magenta", bold=True)),
            (ticket.ref, Style(bold=True)),
            (ticket.status, _STATUS_STYLE.get(ticket.status, Style())),
            (ticket.priority, _PRIORITY_STYLE.get(ticket.priority, Style())),
            (due_text, _DUE_STYLE.get(due_state, Style())),
            (safe_line(ticket.customer_name or ticket.customer_address or "(unknown)"), Style()),
            _subject_cell(ticket, self.me),
            (ticket.category.replace("_", " "), _DIM),
            (safe_line(ticket.assignee), Style(color="magenta")),
            (age(ticket.last_customer_at, self.now), _DIM),
        ]
        segments: list[Segment] = []
        for index, ((text, style), width) in enumerate(zip(cells, widths, strict=True)):
            if index:
                segments.append(Segment(" "))
            segments.append(Segment(set_cell_size(text, width), style))
        return segments

    # -- moving ----------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old - self.scroll_offset.y)
        self.refresh_lines(new - self.scroll_offset.y)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)

    def refresh_lines(self, y: int, count: int = 1) -> None:
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, count))

    def move_to(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, index))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_jump(self, where: int) -> None:
        self.move_to(self.total - 1 if where < 0 else where)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_choose(self) -> None:
        ticket = self.current
        if ticket is not None:
            self.post_message(self.Chosen(self.cursor, ticket))

    def toggle_selected(self) -> None:
        ticket = self.current
        if ticket is not None:
            self.selected.symmetric_difference_update({ticket.id})
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click highlights a row; a click on the highlighted row opens it."""
        row = self.scroll_offset.y + event.y
        if row == self.cursor:
            self.action_choose()
        else:
            self.move_to(row)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)


def _subject_cell(ticket: Ticket, me: str | None = None) -> tuple[str, Style]:
    """The subject, marked when a reply on the ticket could not be delivered, or when
    a teammate holds its claim: the row must say so where the agent looks, not only
    inside the ticket."""
    subject = safe_line(ticket.subject) or "(no subject)"
    if ticket.claimed_by is not None and ticket.claimed_by != me:
        subject = f"⚑ {safe_line(ticket.claimed_by, 20)} · {subject}"
    if DELIVERY_FAILED_TAG in ticket.tags:
        return f"✗ reply failed · {subject}", _FAILED
    return subject, Style()
