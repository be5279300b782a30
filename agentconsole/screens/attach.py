"""Ask for a file to attach: a path typed with completion from the file system."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from agentconsole.widgets.path_suggester import PathSuggester


class AttachModal(ModalScreen[str | None]):
    """Type a path (the right arrow takes the suggested rest); enter attaches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="attach.cancel", tooltip="Attach nothing"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Attach a file", classes="dialog-title", markup=False)
            yield Input(placeholder="~/Documents/receipt.pdf", suggester=PathSuggester(), id="path")
            yield Label(
                "→ completes the path; the file is read again when the reply is sent",
                classes="dialog-help",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
