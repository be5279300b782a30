"""Pick a canned response: fuzzy search, suggestions for the ticket, a live preview.

The library is loaded once per app (the service keeps it) in a worker, with the
ticket's template values; every keystroke searches it (:meth:`Library.search`
understands pinyin: ``tk`` finds 退款). With an empty query the responses that fit
the ticket come first. The preview is rendered for this ticket as it will be
inserted, blanks marked; a response that cannot be rendered says why (its file, line
and variable) and is not inserted. The same responses are offered in the command
palette while the compose pane is open (:class:`CannedCommands`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from agentconsole.canned import CannedError, CannedResponse, Library, Rendered, render
from agentconsole.compose.build import reply_language
from agentconsole.screens.workers import console_worker
from agentconsole.textsafe import safe_line, safe_text

if TYPE_CHECKING:
    from agentconsole.app import AgentConsole

SEARCH_LIMIT = 30
"""Responses listed per search: more than the dialog shows at once."""
PREVIEW_DELAY = 0.08
"""Seconds the highlight must rest on a response before its preview is rendered."""


@dataclass(frozen=True)
class CannedSource:
    """What the picker works from: the library, the ticket's values, and the responses
    suggested for the ticket (best first)."""

    library: Library
    values: dict[str, object]
    suggested: list[CannedResponse]


class LibraryLoaded(Message):
    def __init__(self, source: CannedSource) -> None:
        self.source = source
        super().__init__()


class CannedPreviewed(Message):
    def __init__(self, response: CannedResponse, rendered: Rendered | None, error: str) -> None:
        self.response = response
        self.rendered = rendered
        self.error = error
        super().__init__()


def option_line(response: CannedResponse, suggested: bool) -> Text:
    line = Text()
    line.append("★ " if suggested else "  ", style="yellow")
    line.append(f"[{response.lang}] ", style="dim")
    line.append(safe_line(response.title, 60))
    line.append(f"  {safe_line(response.id)}", style="dim")
    return line


def preview_text(rendered: Rendered) -> Text:
    """The rendered response, its blanks shown as the editor will show them."""
    text = Text(safe_text(rendered.text))
    for start, end, _label in rendered.blanks:
        text.stylize("reverse yellow", start, end)
    return text


class CannedPicker(ModalScreen[Rendered | None]):
    """Type to search; ↑/↓ move; Enter inserts the highlighted response."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="canned.cancel", tooltip="Insert nothing"),
        Binding("down", "move(1)", "Down", show=False, id="canned.down", tooltip="Next response"),
        Binding("up", "move(-1)", "Up", show=False, id="canned.up", tooltip="Previous response"),
    ]

    def __init__(self, ticket_id: int, customer_text: str) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.customer_text = customer_text
        self.source: CannedSource | None = None
        self.shown: list[CannedResponse] = []
        self.previews: dict[str, Rendered | str] = {}
        self._preview_timer: Timer | None = None

    @property
    def console(self) -> AgentConsole:
        from agentconsole.app import AgentConsole

        assert isinstance(self.app, AgentConsole)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog canned"):
            yield Label("Canned response", classes="dialog-title", markup=False)
            yield Input(placeholder="search: 退款, tuikuan, tk, refund…", id="canned-query")
            with Horizontal(id="canned-body"):
                yield OptionList(id="canned-list", markup=False)
                yield Static(Text("Loading…", style="dim"), id="canned-preview")
            yield Label(
                "★ fits this ticket · Enter inserts at the cursor · Tab then jumps to ⟦blanks⟧",
                classes="dialog-help",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.load()

    @console_worker("load the canned responses", group="canned-load")
    def load(self) -> None:
        self.post_message(
            LibraryLoaded(load_source(self.console, self.ticket_id, self.customer_text))
        )

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        self.source = message.source
        problems = message.source.library.problems
        if problems:
            self.notify(
                safe_line(
                    f"{len(problems)} canned response files could not be read: {problems[0]}"
                ),
                severity="warning",
                markup=False,
            )
        self.search(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.source is not None:
            self.search(event.value)

    def search(self, query: str) -> None:
        """Show the responses matching ``query``. The one core call made on the UI
        thread, on purpose: the library is in memory (no I/O) and a search over 500
        responses takes about 2 ms, less than a worker's thread hop, so the list keeps
        up with typing."""
        source = self.source
        assert source is not None
        self.shown = source.library.search(query, SEARCH_LIMIT, suggested=source.suggested)
        suggested = {r.id for r in source.suggested}
        listed = self.query_one(OptionList)
        listed.set_options([Option(option_line(r, r.id in suggested)) for r in self.shown])
        if self.shown:
            listed.highlighted = 0
        else:
            self.query_one("#canned-preview", Static).update(Text("Nothing matches", style="dim"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        response = self.highlighted
        if response is None:
            return
        known = self.previews.get(response.id)
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if known is not None:
            self.show_preview(known)
        else:  # rendered once the highlight rests: typing never waits for a preview
            self._preview_timer = self.set_timer(PREVIEW_DELAY, partial(self.preview, response))

    @property
    def highlighted(self) -> CannedResponse | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    @console_worker("preview the canned response", group="canned-preview", exclusive=True)
    def preview(self, response: CannedResponse) -> None:
        source = self.source
        assert source is not None
        try:
            self.post_message(CannedPreviewed(response, render(response, source.values), ""))
        except CannedError as error:
            self.post_message(CannedPreviewed(response, None, str(error)))

    def on_canned_previewed(self, message: CannedPreviewed) -> None:
        result: Rendered | str = message.rendered or message.error
        self.previews[message.response.id] = result
        shown = self.highlighted
        if shown is not None and shown.id == message.response.id:
            self.show_preview(result)

    def show_preview(self, result: Rendered | str) -> None:
        shown = (
            preview_text(result)
            if isinstance(result, Rendered)
            else Text(safe_line(result), style="red")
        )
        self.query_one("#canned-preview", Static).update(shown)

    def action_move(self, by: int) -> None:
        listed = self.query_one(OptionList)
        if by > 0:
            listed.action_cursor_down()
        else:
            listed.action_cursor_up()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose()

    def choose(self) -> None:
        response = self.highlighted
        if response is None:
            self.notify("No canned response to insert")
            return
        result = self.previews.get(response.id)
        if isinstance(result, Rendered):
            self.dismiss(result)
        elif isinstance(result, str):
            self.notify(f"Cannot insert {response.id}: {result}", severity="error", markup=False)
        else:
            self.notify("Still rendering: press Enter again in a moment")

    def action_cancel(self) -> None:
        self.dismiss(None)


def load_source(console: AgentConsole, ticket_id: int, customer_text: str) -> CannedSource:
    """The library (loaded once per app), the ticket's values and its suggestions; in a
    worker."""
    service = console.service
    library = service.canned_library()
    ticket, values = service.canned_values(ticket_id)
    suggested = library.suggest(
        category=ticket.category,
        lang=reply_language(customer_text or ticket.subject),
        text=f"{ticket.subject}\n{customer_text}",
    )
    return CannedSource(library, values, suggested)


class CannedCommands(Provider):
    """The canned responses in the command palette, while the compose pane is open."""

    def _target(self) -> Callable[[CannedResponse], None] | None:
        insert = getattr(self.screen, "insert_canned", None)
        return insert if callable(insert) else None

    async def _responses(self, query: str) -> list[CannedResponse]:
        from agentconsole.app import AgentConsole

        app = self.app
        if not isinstance(app, AgentConsole):
            return []
        library = await asyncio.to_thread(app.service.canned_library)
        return await asyncio.to_thread(library.search, query, 20)

    async def discover(self) -> Hits:
        insert = self._target()
        if insert is None:
            return
        for response in await self._responses(""):
            yield DiscoveryHit(
                Text(f"Canned: {safe_line(response.title)}"),
                partial(insert, response),
                help=f"Insert the canned response {safe_line(response.id)} at the cursor",
            )

    async def search(self, query: str) -> Hits:
        insert = self._target()
        if insert is None:
            return
        found = await self._responses(query)
        for rank, response in enumerate(found):
            yield Hit(
                1.0 - rank / (len(found) + 1),
                Text(f"Canned: {safe_line(response.title)}"),
                partial(insert, response),
                help=f"Insert the canned response {safe_line(response.id)} at the cursor",
            )
