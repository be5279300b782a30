"""``?``: every key of the screen underneath, as currently mapped."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def key_table(screen: Screen[object]) -> Table:
    """The active bindings of ``screen`` (the keymap applied), one row per action."""
    table = Table(show_header=True, header_style="bold", box=None, expand=True)
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("action")
    table.add_column("id", style="dim")
    seen: dict[str, list[str]] = {}
    rows: dict[str, tuple[str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        name = binding.id or binding.action
        seen.setdefault(name, []).append(screen.app.get_key_display(binding))
        rows[name] = (binding.tooltip or binding.description or binding.action, binding.id or "")
        _ = key
    for name, (description, binding_id) in rows.items():
        table.add_row(
            Text(", ".join(dict.fromkeys(seen[name]))), Text(description), Text(binding_id)
        )
    return table


class HelpScreen(ModalScreen[None]):
    """A list of keys; escape or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q",
            "close",
            "Close",
            id="help.close",
            tooltip="Close the key list",
        ),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(
                Text("Keys (remap them by id in the [keymap] of your config)", style="bold")
            )
            yield Static(key_table(self.under))

    def action_close(self) -> None:
        self.dismiss(None)
