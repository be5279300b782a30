"""The queue: where agents spend the day. Views, filter, bulk actions, paging.

One view is always chosen (a digit key); ``/`` narrows it with a filter in the query
language and Esc takes the filter away again. An empty result says why (see
:mod:`agentconsole.screens.views`)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from agentconsole.screens.actions import TicketActions
from agentconsole.screens.background_sync import SyncUpdated
from agentconsole.screens.events import QueueCounted, QueueFailed, QueuePageLoaded, TicketsChanged
from agentconsole.screens.views import (
    DEFAULT_VIEWS,
    EMPTY_STORE,
    OPEN_VIEW,
    View,
    empty_view_text,
    join_query,
)
from agentconsole.screens.workers import console_worker
from agentconsole.store.query import QueryError, compile_query
from agentconsole.textsafe import safe_line
from agentconsole.widgets.sync_status import SyncStatus
from agentconsole.widgets.ticket_table import PAGE_SIZE, TicketTable, header_line

SORTS = ("activity", "due", "priority", "waiting", "created")


class QueueScreen(TicketActions):
    """The ticket queue with one-key views and a query-language filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(
                str(n),
                f"view({n - 1})",
                view.label,
                show=n <= 3,
                id=f"queue.view_{view.key}",
                tooltip=f"View: {view.label} ({view.query})",
            )
            for n, view in enumerate(DEFAULT_VIEWS, 1)
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
            "/",
            "filter",
            "Filter",
            id="queue.filter",
            tooltip="Narrow the view with the query language",
            # checked as the key arrives, before the keys typed after it are handed on:
            # an ordinary binding runs only once "/" has bubbled back up from the table,
            # and by then a fast typist's next keys have gone to the table too
            priority=True,
        ),
        Binding(
            "escape",
            "unfilter",
            "Clear filter",
            id="queue.unfilter",
            tooltip="Close the filter box, or take the applied filter away",
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
        Binding(
            "d",
            "dashboard",
            "Dashboard",
            id="queue.dashboard",
            tooltip="The team's figures now and over a period; enter on one opens its tickets",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.view_index = OPEN_VIEW
        self.filter_text = ""
        """The agent's filter, applied on top of the view's own query ("" for none)."""
        self.extra_views: list[View] = []
        self.drill_view: View | None = None
        """The tickets behind a dashboard number, shown as a view of their own until
        another view is chosen."""
        self.sort = "activity"
        self.total = 0
        self.counted_generation = 0
        """The generation whose count has arrived: the view is settled when it equals
        ``generation`` and the first page is loaded (or the view is empty)."""

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title")
        yield SyncStatus(id="sync-status")
        yield Static(id="queue-header")
        yield TicketTable(id="tickets")
        yield Static(id="empty", markup=False)
        yield Input(
            id="filter",
            placeholder="narrow the view: priority:urgent,high -tag:spam 提现   (enter applies)",
        )
        yield Footer()

    def on_mount(self) -> None:
        views = self.console.config.views
        self.extra_views = [View(name, name, query) for name, query in views.items()]
        self.query_one("#filter", Input).display = False
        self.query_one("#empty").display = False
        table = self.query_one(TicketTable)
        table.me = self.console.service.me
        table.focus()
        line = self.console.sync_line
        if line is not None:
            self.query_one(SyncStatus).show(*line)
        self.reload()

    @property
    def views(self) -> list[View]:
        drilled = [self.drill_view] if self.drill_view is not None else []
        return DEFAULT_VIEWS + self.extra_views + drilled

    @property
    def view(self) -> View:
        return self.views[self.view_index]

    @property
    def query_text(self) -> str:
        """The query the queue runs: the view's own, narrowed by the filter."""
        return join_query(self.view.query, self.filter_text)

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
        store_empty = total == 0 and service.is_empty()
        self.post_message(QueueCounted(generation, total, pages, store_empty))

    @console_worker("load a page of the queue", group="queue-pages")
    def load_page(self, generation: int, query: str, sort: str, page: int, total: int) -> None:
        service = self.console.service
        tickets = service.queue_page(query, sort, page * PAGE_SIZE, PAGE_SIZE, total)
        self.post_message(QueuePageLoaded(generation, page, tickets))

    def on_queue_counted(self, message: QueueCounted) -> None:
        if message.generation != self.generation:
            return
        self.total = message.total
        self.counted_generation = message.generation
        table = self.query_one(TicketTable)
        table.reset(message.total, keep_cursor=self.keep_cursor)
        for page, tickets in message.pages.items():
            table.set_page(page, tickets)
        self.show_listing(message.total, message.store_empty)
        self.update_title()

    def show_listing(self, total: int, store_empty: bool) -> None:
        """The list when the view has tickets; otherwise why it has none."""
        empty = self.query_one("#empty", Static)
        table = self.query_one(TicketTable)
        listing = total > 0
        if not listing:
            empty.update(EMPTY_STORE if store_empty else self.empty_text())
        empty.display = not listing
        table.display = listing
        self.query_one("#queue-header").display = listing
        if listing and not self.query_one("#filter", Input).display:
            table.focus()

    def empty_text(self) -> str:
        """Why this view or filter is empty, with the keys that lead on."""
        keys: list[tuple[str, str]] = []
        if self.filter_text:
            keys += [(self.key_for("queue.unfilter"), "clear the filter")]
            keys += [(self.key_for("queue.filter"), "change it")]
        else:
            for index, view in enumerate(DEFAULT_VIEWS[: OPEN_VIEW + 1]):
                if index != self.view_index:
                    keys.append((self.key_for(f"queue.view_{view.key}"), view.label.lower()))
            keys.append((self.key_for("queue.filter"), "filter"))
        keys.append((self.key_for("app.customers"), "customers"))
        return empty_view_text(self.view, self.filter_text, keys)

    def key_for(self, binding_id: str) -> str:
        """The key bound to ``binding_id`` as the keymap has it now, for hints."""
        for active in self.active_bindings.values():
            if active.binding.id == binding_id:
                return self.app.get_key_display(active.binding)
        return binding_id

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

    def on_sync_updated(self, message: SyncUpdated) -> None:
        """The status line; the queue again when the round stored something."""
        self.query_one(SyncStatus).show(message.line, message.state)
        if message.result is not None and message.result.stored:
            self.reload(keep_cursor=True)

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def on_resize(self) -> None:
        self.update_title()

    # -- title -----------------------------------------------------------------
    def update_title(self) -> None:
        table = self.query_one(TicketTable)
        title = Text()
        title.append(f" {self.view.label} ", style="bold reverse")
        title.append(f"  {self.total:,} {'ticket' if self.total == 1 else 'tickets'}", style="bold")
        if table.selected:
            title.append(f"  {len(table.selected)} selected", style="bold magenta")
        title.append(f"  sort: {self.sort}", style="dim")
        title.append("  query: ", style="dim")
        title.append(safe_line(self.view.query) or "(all)")
        if self.filter_text:
            title.append("  filter: ", style="bold yellow")
            title.append(safe_line(self.filter_text), style="bold")
            title.append(f"  ({self.key_for('queue.unfilter')} clears)", style="dim")
        # a long drill-down query is cut with an ellipsis, never silently
        title.truncate(max(self.size.width, 1), overflow="ellipsis")
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
        """Another view, without the filter typed in this one."""
        self.drill_view = None
        if index < len(self.views):
            self.view_index = index
            self.filter_text = ""
            self.refresh_bindings()
            self.reload()

    def open_query(self, label: str, query: str) -> None:
        """Show the tickets of ``query`` as a view of their own, the dashboard's number
        ``label`` ("breached", "lin: at risk"); a digit goes back to the usual views."""
        empty = f"No ticket is left in {label}: it changed since the dashboard counted."
        self.drill_view = View("drill", f"Dashboard: {label}", query, empty)
        self.view_index = len(self.views) - 1
        self.filter_text = ""
        self.refresh_bindings()
        self.reload()

    def action_dashboard(self) -> None:
        from agentconsole.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_filter(self) -> None:
        """Open the filter box: empty, or holding the filter applied now to edit it;
        the view's own query stays applied underneath either way."""
        box = self.query_one("#filter", Input)
        if box.has_focus:
            raise SkipAction  # "/" typed in the box is part of the query
        box.value = self.filter_text
        box.display = True
        # focus now, not after the queued keys (``focus()`` waits its turn): the keys
        # typed straight after "/" are already queued and must reach the box
        self.set_focus(box)
        self.refresh_bindings()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        me = self.console.service.me
        try:
            compile_query(text, me=me)  # the filter's own faults first, in its own terms
            compile_query(join_query(self.view.query, text), me=me)
        except QueryError as exc:
            self.notify(str(exc), title="Query", severity="error", markup=False)
            return
        self.filter_text = text
        self.close_filter()
        self.reload()

    def close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = False
        self.query_one(TicketTable).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is offered only when there is a filter box to close or a filter to clear."""
        if action == "unfilter":
            return self.query_one("#filter", Input).display or bool(self.filter_text)
        return True

    def action_unfilter(self) -> None:
        """Esc: close the filter box; with the box closed, take the filter away."""
        if self.query_one("#filter", Input).display:
            self.close_filter()
        elif self.filter_text:
            self.filter_text = ""
            self.refresh_bindings()
            self.reload()

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
