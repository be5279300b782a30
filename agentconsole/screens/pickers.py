"""Small modal dialogs: pick one of a few values, or type a short answer."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class ChoiceModal(ModalScreen[str | None]):
    """Choose one value with j/k (or arrows) and enter; escape cancels.

    A digit picks the n-th choice at once, so "s 3" sets a status in two keys.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="picker.cancel",
            tooltip="Close without changing anything",
        ),
        Binding("j", "down", "Down", show=False, id="picker.down", tooltip="Next choice"),
        Binding("k", "up", "Up", show=False, id="picker.up", tooltip="Previous choice"),
    ]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            options = [
                Option(f"{n}  {label}" if n < 10 else f"   {label}", id=value)
                for n, (value, label) in enumerate(self.choices, 1)
            ]
            yield OptionList(*options, id="choices", markup=False)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        values = [v for v, _ in self.choices]
        if self.current in values:
            option_list.highlighted = values.index(self.current)
        else:
            option_list.highlighted = 0
        option_list.focus()

    def on_key(self, event: events.Key) -> None:
        """A digit picks; the key stops here, or it would bubble on to the app, whose
        bindings by then belong to the screen below (a view switch on the queue)."""
        key = event.key
        if key.isdigit() and key != "0" and int(key) <= len(self.choices):
            event.stop()
            event.prevent_default()
            self.dismiss(self.choices[int(key) - 1][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptModal(ModalScreen[str | None]):
    """Type a short answer; enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="prompt.cancel",
            tooltip="Close without changing anything",
        )
    ]

    def __init__(
        self, title: str, value: str = "", placeholder: str = "", help_text: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="answer")
            if self.help_text:
                yield Label(self.help_text, classes="dialog-help", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
