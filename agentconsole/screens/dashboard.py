"""The team lead's dashboard, one key (``d``) from the queue.

"Now": open, unassigned, at risk, breached and the oldest unanswered ticket as tiles,
then the same figures per agent (with their replies today), per category and per
priority. Below, a period (today, 7 days, 30 days or a typed range): first response and
resolution times against their target as bars, tickets opened and breaches per day as
bar charts that start from zero (:class:`agentconsole.widgets.dashboard_parts.Bars`).

Every number drills down: enter on it opens the queue on exactly the tickets it counts
(each figure *is* a query of the query language, see
:data:`agentconsole.store.dashboard_rows.FIGURES`). The figures load in workers
through the service; the screen refreshes when the store changes (a cheap change stamp
polled in a worker, so sync, imports and other consoles show up), when it is shown
again, and every minute (tickets become at risk as time passes), never blocking a key.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from agentconsole.drilldown import Drill, PeriodPick, group_drill, unwritable
from agentconsole.periods import Period, PeriodError, last_days, parse_range
from agentconsole.screens.actions import ConsoleScreen
from agentconsole.screens.pickers import PromptModal
from agentconsole.screens.workers import console_worker
from agentconsole.sla.report import Report
from agentconsole.store.dashboard_rows import FIGURES, GroupRow, NowFigures
from agentconsole.store.query import MAX_TERMS
from agentconsole.textsafe import safe_line
from agentconsole.timefmt import age, when
from agentconsole.widgets import group_tables, period_tables
from agentconsole.widgets.dashboard_parts import Bars, Tile, clock_line
from agentconsole.widgets.group_tables import LEGEND
from agentconsole.widgets.safe import mail_line

POLL_SECONDS = 2.0
"""How often the store's change stamp is read (one PRAGMA: free)."""
REFRESH_SECONDS = 60.0
"""A full refresh even without changes: due times come closer as time passes."""
COLUMNS = (
    ("open", ("open", "open")),
    ("at_risk", ("at risk", "risk")),
    ("breached", ("breached", "brch")),
)
"""Each table's figures, with their (full, short) headers."""
REPLIES = ("replies", "repl")
TABLES = {
    "agents": ("agent", "assignee"),
    "categories": ("category", "category"),
    "priorities": ("priority", "priority"),
}
"""Table id -> (first header, the query language's filter of its rows)."""
BREACHES_NOTE = "of any ticket, on the day it breached"
"""What the period's breaches count: unlike its other figures (the tickets opened in
it), every ticket whose first breach fell in the period, as ``sla report`` does."""
RANGE_HELP = "Two dates, both days included (at most a year)."


class DashboardScreen(ConsoleScreen):
    """Now and over a period; enter on any number opens its tickets in the queue."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="dashboard.back", tooltip="Back to the queue"),
        Binding(
            "enter",
            "drill",
            "Open tickets",
            id="dashboard.drill",
            tooltip="Open the queue on the tickets the number counts",
        ),
        Binding("1", "period('today')", "Today", id="dashboard.today", tooltip="Period: today"),
        Binding(
            "2", "period('7')", "7 days", id="dashboard.week", tooltip="Period: the last 7 days"
        ),
        Binding(
            "3", "period('30')", "30 days", id="dashboard.month", tooltip="Period: the last 30 days"
        ),
        Binding(
            "4",
            "period('range')",
            "Range",
            id="dashboard.range",
            tooltip="Period: two dates you type (both included)",
        ),
        Binding("R", "reload", "Reload", show=False, id="dashboard.reload", tooltip="Reload"),
    ]

    class NowLoaded(Message):
        """The "now" figures, with the store's change stamp they were read at."""

        def __init__(self, figures: NowFigures, stamp: tuple[int, int]) -> None:
            self.figures = figures
            self.stamp = stamp
            super().__init__()

    class PeriodLoaded(Message):
        """The SLA report over the period, and what its calendars lack."""

        def __init__(self, period: Period, report: Report, warnings: list[str]) -> None:
            self.period = period
            self.report = report
            self.warnings = warnings
            super().__init__()

    class StampRead(Message):
        def __init__(self, stamp: tuple[int, int]) -> None:
            self.stamp = stamp
            super().__init__()

    class DrillResolved(Message):
        """A drill-down whose tickets had to be looked up (replies today, a period's
        number): the query that lists them, "" for none."""

        def __init__(self, label: str, query: str) -> None:
            self.label = label
            self.query = query
            super().__init__()

    def __init__(self, period: Period | None = None) -> None:
        super().__init__()
        self.period = period or last_days(7)
        self.figures: NowFigures | None = None
        """The "now" figures shown (None until the first load)."""
        self.report: Report | None = None
        """The period's SLA report shown (None until loaded)."""
        self.stamp: tuple[int, int] | None = None
        """The store's change stamp when the figures shown were read."""
        self.cells: dict[str, dict[tuple[int, int], Drill]] = {}
        """Per table id, the drill-down of each (row, column)."""
        self.loads = 0
        """Completed loads of the "now" figures (tests wait on it)."""
        self.first_resume = False

    def compose(self) -> ComposeResult:
        # the read starts before the widgets below are mounted and laid out: its
        # worker thread then overlaps them (started when shown, it waited for them)
        self.reload()
        self.first_resume = True
        yield Static(id="dash-title")
        yield Static(id="dash-warning", markup=False)
        with Horizontal(id="tiles"):
            yield Tile("open", id="tile-open")
            yield Tile("unassigned", id="tile-unassigned")
            yield Tile("at risk", id="tile-at_risk")
            yield Tile("breached", id="tile-breached")
            yield Tile("oldest unanswered", id="tile-oldest")
        with Horizontal(id="tables"):
            with Vertical(id="agents-box"):
                yield DataTable(id="agents", cursor_type="cell", zebra_stripes=True, cell_padding=0)
                yield Static("No ticket is assigned yet.", id="no-agents", markup=False)
            for table_id in ("categories", "priorities"):
                yield DataTable(id=table_id, cursor_type="cell", zebra_stripes=True, cell_padding=0)
        with Vertical(id="period"):
            yield Static(id="period-title")
            yield Static(id="first-response", markup=False)
            yield Static(id="resolution", markup=False)
            with Horizontal(id="period-tables"):
                yield DataTable(id="period-figures", cursor_type="cell")
                yield DataTable(id="days", cursor_type="cell")
            with Horizontal(classes="chart"):
                yield Static(id="incoming-label", classes="chart-label", markup=False)
                yield Bars(style="green", id="incoming")
            with Horizontal(classes="chart"):
                yield Static(id="breaches-label", classes="chart-label", markup=False)
                yield Bars(style="red", id="breaches")
        yield Footer()

    def on_mount(self) -> None:
        for table_id in TABLES:
            self.query_one(f"#{table_id}", DataTable).tooltip = LEGEND
        self.query_one("#no-agents").display = False
        period_tables.set_up(
            self.query_one("#period-figures", DataTable), self.query_one("#days", DataTable)
        )
        self.update_title()
        self.query_one("#dash-warning").display = False
        self.query_one("#tile-breached", Tile).focus()
        self.set_interval(POLL_SECONDS, self.poll)
        self.set_interval(REFRESH_SECONDS, self.reload)

    def on_screen_resume(self) -> None:
        """Shown again after a dialog over it closed: loads again (not when first
        shown: the load started in compose)."""
        if self.first_resume:
            self.first_resume = False
            return
        self.reload()

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        self.load_now(self.period)

    @console_worker("load the dashboard", group="dashboard-now", exclusive=True)
    def load_now(self, period: Period) -> None:
        """The "now" figures, then the period's: one after the other, so the tiles
        (what a lead looks at first) never wait for the period's read and drawing
        (run side by side, they took turns on the one connection and the UI thread)."""
        service = self.console.service
        stamp = service.change_stamp()  # first: a change during the read loads again
        self.post_message(self.NowLoaded(service.dashboard_now(), stamp))
        self.read_period(period)

    @console_worker("load the dashboard's period", group="dashboard-period", exclusive=True)
    def load_period(self, period: Period) -> None:
        self.read_period(period)

    def read_period(self, period: Period) -> None:
        """In a worker: the period's report and what its calendars lack."""
        service = self.console.service
        report = service.dashboard_period(period)
        self.post_message(self.PeriodLoaded(period, report, service.calendar_warnings(period)))

    @console_worker("check the store for changes", group="dashboard-poll", exclusive=True)
    def poll(self) -> None:
        self.post_message(self.StampRead(self.console.service.change_stamp()))

    def on_dashboard_screen_stamp_read(self, message: StampRead) -> None:
        if self.stamp is not None and message.stamp != self.stamp:
            self.stamp = message.stamp
            self.reload()

    def on_dashboard_screen_now_loaded(self, message: NowLoaded) -> None:
        self.figures = message.figures
        self.stamp = message.stamp
        self.show_now(message.figures)
        self.loads += 1
        self.update_title()

    def on_dashboard_screen_period_loaded(self, message: PeriodLoaded) -> None:
        if message.period == self.period:
            self.report = message.report
            self.show_period(message.period, message.report)
            warning = self.query_one("#dash-warning", Static)
            warning.update(Text("\n".join(f"⚠ {line}" for line in message.warnings)))
            warning.display = bool(message.warnings)

    # -- drawing -----------------------------------------------------------------
    def update_title(self) -> None:
        title = Text(" Dashboard ", style="bold reverse")
        if self.figures is not None:
            title.append(f"  now: {when(self.figures.now)}", style="bold")
        title.append(f"  period: {self.period.describe()}", style="dim")
        title.append("  enter on a number opens its tickets", style="dim")
        self.query_one("#dash-title", Static).update(title)

    def show_now(self, figures: NowFigures) -> None:
        totals = figures.totals
        styles = {"at_risk": "yellow", "breached": "red"}
        for figure in FIGURES:
            value = totals.value(figure)
            style = styles.get(figure, "") if value else ""
            label = figure.replace("_", " ")
            self.query_one(f"#tile-{figure}", Tile).show(
                f"{value:,}", Drill(label, FIGURES[figure], count=value), style
            )
        oldest = self.query_one("#tile-oldest", Tile)
        if figures.oldest is None:
            oldest.show("none", None)
        else:
            waited = age(figures.oldest.waiting_since, figures.now)
            drill = Drill(f"oldest unanswered {figures.oldest.ref}", f"ref:{figures.oldest.ref}")
            oldest.show(waited, drill, "bold", mail_line(figures.oldest.ref, "dim"))
        self.fill_tables(figures)
        # no agent: the table is its header, the line under it says why
        self.query_one("#no-agents").display = not figures.agents
        self.query_one("#agents").styles.height = "1fr" if figures.agents else 1

    def on_resize(self) -> None:
        """The tables are laid out for the terminal's width: again when it changes."""
        if self.figures is not None:
            self.fill_tables(self.figures)

    def fill_tables(self, figures: NowFigures) -> None:
        """Lay the three tables out side by side (:func:`group_tables.lay_out`: every
        number whole, names cut first), then fill them."""
        groups = {
            "agents": figures.agents,
            "categories": figures.categories,
            "priorities": figures.priorities,
        }
        specs = []
        for table_id, (first, _dimension) in TABLES.items():
            rows = groups[table_id]
            headers = [pair for _figure, pair in COLUMNS]
            values = [[row.counts.value(figure) for row in rows] for figure, _pair in COLUMNS]
            if table_id == "agents":
                headers.append(REPLIES)
                values.append([row.replies_today for row in rows])
            names = [safe_line(row.key) for row in rows]
            specs.append(group_tables.TableSpec(first, names, headers, values))
        layouts = group_tables.lay_out(specs, self.size.width)
        for (table_id, (first, dimension)), layout in zip(TABLES.items(), layouts, strict=True):
            if table_id != "agents":  # the agents take what is left
                self.query_one(f"#{table_id}").styles.width = layout.width
            self.fill(table_id, first, dimension, groups[table_id], layout)

    def fill(
        self,
        table_id: str,
        first: str,
        dimension: str,
        rows: tuple[GroupRow, ...],
        layout: group_tables.TableLayout,
    ) -> None:
        """Rewrite one table with ``layout``'s columns, keeping the cursor where it was."""
        table = self.query_one(f"#{table_id}", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column(first, width=layout.name_width)
        for header, width in zip(layout.headers, layout.number_widths, strict=True):
            table.add_column(Text(header, justify="right"), width=width)
        drills: dict[tuple[int, int], Drill] = {}
        for index, row in enumerate(rows):
            name = mail_line(row.key)
            name.truncate(layout.name_width - group_tables.GAP, overflow="ellipsis")
            cells: list[Text] = [name]
            refused = Drill("", refused=unwritable(row.key))
            drills[(index, 0)] = group_drill(dimension, row.key, "open", row.counts.open) or refused
            for column, (figure, _pair) in enumerate(COLUMNS, 1):
                value = row.counts.value(figure)
                style = {"at_risk": "yellow", "breached": "red"}.get(figure, "") if value else "dim"
                cells.append(Text(f"{value:,}", style=style, justify="right"))
                drills[(index, column)] = group_drill(dimension, row.key, figure, value) or refused
            if table_id == "agents":
                cells.append(Text(f"{row.replies_today:,}", justify="right"))
                label = f"{safe_line(row.key)}: replies today"
                drills[(index, len(COLUMNS) + 1)] = Drill(
                    label, replies_of=row.key, count=row.replies_today
                )
            table.add_row(*cells)
        self.cells[table_id] = drills
        if rows:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)

    def show_period(self, period: Period, report: Report) -> None:
        title = Text(f"Period: {period.describe()}", style="bold")
        noun = "ticket" if report.tickets == 1 else "tickets"
        title.append(f"  {report.tickets:,} {noun} opened", style="bold")
        title.append("   1 today · 2 7 days · 3 30 days · 4 range", style="dim")
        self.query_one("#period-title", Static).update(title)
        for name in ("first_response", "resolution"):
            line = clock_line(name.replace("_", " "), report.clock(name))
            self.query_one(f"#{name.replace('_', '-')}", Static).update(line)
        for name, label in (("incoming", "opened per day"), ("breaches", "breaches per day*")):
            series = [getattr(day, name) for day in report.days]
            summary = Text(f"{label:<17} total {sum(series):,}  max {max(series, default=0):,}")
            if name == "breaches":
                summary.append(f"\n* {BREACHES_NOTE}", style="dim")
            self.query_one(f"#{name}-label", Static).update(summary)
            self.query_one(f"#{name}", Bars).data = tuple(series)
        figures = self.query_one("#period-figures", DataTable)
        self.cells["period-figures"] = period_tables.fill_figures(figures, report)
        self.cells["days"] = period_tables.fill_days(self.query_one("#days", DataTable), report)

    # -- actions -------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.reload()

    def action_period(self, which: str) -> None:
        if which == "range":
            self.ask_range(f"{self.period.first.isoformat()} {self.period.last.isoformat()}")
            return
        self.set_period(last_days(1 if which == "today" else int(which)))

    def ask_range(self, value: str, problem: str = "") -> None:
        """The range box, holding ``value``; after a range that cannot be read, the
        box comes back holding what was typed, saying what is wrong under it (typed
        again from nothing, a long range is lost to one wrong digit)."""
        self.app.push_screen(
            PromptModal(
                "Period: from which day to which day?",
                value=value,
                placeholder="2026-11-01 2026-11-20",
                help_text=problem or RANGE_HELP,
            ),
            self.range_typed,
        )

    def range_typed(self, text: str | None) -> None:
        if text is None:
            return
        try:
            period = parse_range(text)
        except PeriodError as exc:
            self.notify(str(exc), title="Period", severity="error", markup=False)
            self.ask_range(text, f"{exc}. {RANGE_HELP}")
            return
        self.set_period(period)

    def set_period(self, period: Period) -> None:
        self.period = period
        self.update_title()
        self.load_period(period)

    def action_drill(self) -> None:
        """Enter on a tile (a table's enter arrives as a selected cell, below)."""
        focused = self.focused
        if isinstance(focused, Tile) and focused.drill is not None:
            self.drill(focused.drill)

    @on(DataTable.CellSelected)
    def cell_selected(self, event: DataTable.CellSelected) -> None:
        table_id = event.data_table.id or ""
        row, column = event.coordinate.row, event.coordinate.column
        if column == 0 and table_id in ("period-figures", "days"):
            column = 1  # a row's name stands for its first number
        target = self.cells.get(table_id, {}).get((row, column))
        if target is not None:
            self.drill(target)

    def drill(self, target: Drill) -> None:
        if target.count == 0 and (target.query or target.replies_of or target.period):
            self.notify(f"{target.label}: 0 tickets, nothing to show", markup=False)
        elif target.replies_of is not None:
            self.find_replies(target.label, target.replies_of)
        elif target.period is not None:
            if self.report is not None:
                label = f"{target.label}, {self.period.describe()}"
                self.find_period_tickets(label, self.report, self.period, target.period)
        elif not target.query:
            self.notify(
                target.refused or "This cannot be opened as a query",
                title="Not opened",
                severity="warning",
                markup=False,
            )
        else:
            self.open_queue(target.label, target.query)

    @console_worker("find the tickets replied to today", group="dashboard-drill", exclusive=True)
    def find_replies(self, label: str, agent: str) -> None:
        refs = self.console.service.replied_today(agent, MAX_TERMS)
        self.post_message(self.DrillResolved(label, "ref:" + ",".join(refs) if refs else ""))

    @console_worker("find the tickets of the period", group="dashboard-drill", exclusive=True)
    def find_period_tickets(
        self, label: str, report: Report, period: Period, pick: PeriodPick
    ) -> None:
        name, count = self.console.service.period_list(report, period, pick)
        self.post_message(self.DrillResolved(label, name if count else ""))

    def on_dashboard_screen_drill_resolved(self, message: DrillResolved) -> None:
        if not message.query:
            self.notify(f"{message.label}: none", markup=False)
            return
        self.open_queue(message.label, message.query)

    def open_queue(self, label: str, query: str) -> None:
        """Back to the queue, showing ``query`` as a view of its own."""
        from agentconsole.screens.queue import QueueScreen

        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        self.dismiss()
        if isinstance(below, QueueScreen):
            below.open_query(label, query)
