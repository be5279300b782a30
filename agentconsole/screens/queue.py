"""The queue: where agents spend the day. Views, filter, bulk actions, paging."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from agentconsole.screens.actions import TicketActions
from agentconsole.screens.events import QueueCounted, QueueFailed, QueuePageLoaded, TicketsChanged
from agentconsole.screens.workers import console_worker
from agentconsole.store.query import QueryError, compile_query
from agentconsole.textsafe import safe_line
from agentconsole.widgets.ticket_table import PAGE_SIZE, TicketTable, header_line

DEFAULT_VIEWS: list[tuple[str, str, str]] = [
    ("mine", "My open", "assignee:me status:new,open,pending"),
    ("unassigned", "Unassigned", "assignee:none status:new,open"),
    ("open", "All open", "status:new,open"),
    ("pending", "Pending", "status:pending"),
    ("risk", "At risk / breached", "due:risk,breached -status:solved,closed"),
    ("solved", "Solved", "status:solved,closed"),
]
SORTS = ("activity", "due", "priority", "waiting", "created")

EMPTY_HELP = """\
This database holds no mail yet.

Import a mailbox export (mbox, Gmail Takeout, Maildir or .eml files):
    agentconsole import ~/exports/support.mbox

Or try the console on the bundled demo mailbox:
    agentconsole demo

Press q to quit.
"""


class QueueScreen(TicketActions):
    """The ticket queue with one-key views and a query-language filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(
                str(n),
                f"view({n - 1})",
                label,
                show=n <= 3,
                id=f"queue.view_{key}",
                tooltip=f"View: {label} ({query})",
            )
            for n, (key, label, query) in enumerate(DEFAULT_VIEWS, 1)
        ],
        *[
            Binding(
                str(n),
                f"view({n - 1})",
                f"View {n}",
                show=False,
                id=f"queue.view_{n}",
                tooltip="A view from the [views] section of the config",
            )
            for n in range(len(DEFAULT_VIEWS) + 1, 10)
        ],
        Binding(
            "/", "filter", "Filter", id="queue.filter", tooltip="Filter with the query language"
        ),
        Binding("o", "sort", "Sort", id="queue.sort", tooltip="Cycle the sort order"),
        Binding("x", "select", "Select", id="queue.select", tooltip="Select for bulk actions"),
        Binding(
            "X",
            "clear_selection",
            "Clear selection",
            show=False,
            id="queue.clear",
            tooltip="Clear the selection",
        ),
        Binding("R", "reload", "Reload", show=False, id="queue.reload", tooltip="Reload the queue"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.view_index = 2
        self.query_text = DEFAULT_VIEWS[2][2]
        self.sort = "activity"
        self.total = 0
        self.counted_generation = 0
        """The generation whose count has arrived: the view is settled when it equals
        ``generation`` and the first page is loaded (or the view is empty)."""

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title")
        yield Static(id="queue-header")
        yield TicketTable(id="tickets")
        yield Static(EMPTY_HELP, id="empty", markup=False)
        yield Input(
            id="filter",
            placeholder="status:open priority:urgent,high -tag:spam 提现   (enter applies)",
        )
        yield Footer()

    def on_mount(self) -> None:
        views = self.console.config.views
        self.extra_views = [(name, name, query) for name, query in views.items()]
        self.query_one("#filter", Input).display = False
        self.query_one("#empty").display = False
        self.query_one(TicketTable).focus()
        self.check_empty()
        self.reload()

    # -- loading ---------------------------------------------------------------
    def reload(self, keep_cursor: bool = False) -> None:
        self.generation += 1
        self.keep_cursor = keep_cursor
        self.update_title()
        table = self.query_one(TicketTable)
        page = table.cursor // PAGE_SIZE if keep_cursor else 0
        self.load_view(self.generation, self.query_text, self.sort, page)

    @console_worker("load the queue", group="queue-count", exclusive=True)
    def load_view(self, generation: int, query: str, sort: str, page: int) -> None:
        """Count the view and load the pages needed first, in one trip."""
        service = self.console.service
        try:
            total = service.queue_count(query)
        except QueryError as exc:  # the agent's query, not a fault: say what to fix
            self.post_message(QueueFailed(str(exc)))
            return
        pages = {}
        last = (total - 1) // PAGE_SIZE
        # the cursor's page, and the last one so that G (end) is instant too
        for wanted in {min(page, last), last} if total else ():
            pages[wanted] = service.queue_page(query, sort, wanted * PAGE_SIZE, PAGE_SIZE, total)
        self.post_message(QueueCounted(generation, total, pages))

    @console_worker("load a page of the queue", group="queue-pages")
    def load_page(self, generation: int, query: str, sort: str, page: int, total: int) -> None:
        service = self.console.service
        tickets = service.queue_page(query, sort, page * PAGE_SIZE, PAGE_SIZE, total)
        self.post_message(QueuePageLoaded(generation, page, tickets))

    @console_worker("check whether the store is empty", group="queue-empty", exclusive=True)
    def check_empty(self) -> None:
        if self.console.service.is_empty():
            self.app.call_from_thread(self.show_empty)

    def show_empty(self) -> None:
        self.query_one("#empty").display = True
        self.query_one(TicketTable).display = False
        self.query_one("#queue-header").display = False

    def on_queue_counted(self, message: QueueCounted) -> None:
        if message.generation != self.generation:
            return
        self.total = message.total
        self.counted_generation = message.generation
        table = self.query_one(TicketTable)
        table.reset(message.total, keep_cursor=self.keep_cursor)
        for page, tickets in message.pages.items():
            table.set_page(page, tickets)
        self.update_title()

    def on_queue_page_loaded(self, message: QueuePageLoaded) -> None:
        if message.generation == self.generation:
            self.query_one(TicketTable).set_page(message.page, message.tickets)

    def on_queue_failed(self, message: QueueFailed) -> None:
        self.notify(message.error, title="Filter not applied", severity="error", markup=False)

    @on(TicketTable.PageWanted)
    def page_wanted(self, message: TicketTable.PageWanted) -> None:
        self.load_page(self.generation, self.query_text, self.sort, message.page, self.total)

    @on(TicketTable.Chosen)
    def open_ticket(self, message: TicketTable.Chosen) -> None:
        from agentconsole.screens.ticket import TicketScreen

        self.app.push_screen(
            TicketScreen(message.ticket.id, message.index, self.query_text, self.sort, self.total)
        )

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        verb = "Undone" if message.undone else "Saved"
        self.notify(f"{verb}: {message.change.label} on {len(message.change.ticket_ids)} ticket(s)")
        self.reload(keep_cursor=True)

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def on_resize(self) -> None:
        self.update_title()

    # -- title -----------------------------------------------------------------
    def update_title(self) -> None:
        views = DEFAULT_VIEWS + getattr(self, "extra_views", [])
        name = views[self.view_index][1] if self.view_index >= 0 else "Filter"
        table = self.query_one(TicketTable)
        title = Text()
        title.append(f" {name} ", style="bold reverse")
        title.append(f"  {self.total:,} tickets", style="bold")
        if table.selected:
            title.append(f"  {len(table.selected)} selected", style="bold magenta")
        title.append(f"  sort: {self.sort}", style="dim")
        title.append("  query: ", style="dim")
        title.append(safe_line(self.query_text) or "(all)")
        self.query_one("#queue-title", Static).update(title)
        self.query_one("#queue-header", Static).update(
            Text(
                header_line(table.scrollable_content_region.width or self.size.width),
                style="bold dim",
            )
        )

    # -- actions ---------------------------------------------------------------
    def target_ids(self) -> list[int]:
        table = self.query_one(TicketTable)
        if table.selected:
            return sorted(table.selected)
        return [table.current.id] if table.current else []

    def current_value(self, field: str) -> str | None:
        ticket = self.query_one(TicketTable).current
        value = getattr(ticket, field, None) if ticket else None
        return value if isinstance(value, str) else None

    def action_view(self, index: int) -> None:
        views = DEFAULT_VIEWS + getattr(self, "extra_views", [])
        if index < len(views):
            self.view_index = index
            self.query_text = views[index][2]
            self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = self.query_text
        box.display = True
        box.focus()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        try:
            compile_query(event.value, me=self.console.service.me)
        except QueryError as exc:
            self.notify(str(exc), title="Query", severity="error", markup=False)
            return
        self.query_text = event.value.strip()
        self.view_index = -1
        self.close_filter()
        self.reload()

    def close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = False
        self.query_one(TicketTable).focus()

    def on_key(self, event: object) -> None:
        if getattr(event, "key", "") == "escape" and self.query_one("#filter", Input).display:
            self.close_filter()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload()

    def action_select(self) -> None:
        table = self.query_one(TicketTable)
        table.toggle_selected()
        table.action_cursor(1)
        self.update_title()

    def action_clear_selection(self) -> None:
        self.query_one(TicketTable).selected.clear()
        self.query_one(TicketTable).refresh()
        self.update_title()

    def action_reload(self) -> None:
        self.reload(keep_cursor=True)
