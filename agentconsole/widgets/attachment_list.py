"""The files attached to a reply, each with its size, as the core checked them.

A file named in a saved draft is listed by its path until it has been checked again
(it may have gone since): the pane checks each one when it opens.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from agentconsole.compose.mime import AttachmentFile, human_size
from agentconsole.textsafe import safe_line


def attachment_line(item: AttachmentFile | str) -> Text:
    if isinstance(item, AttachmentFile):
        return Text(safe_line(f"📎 {item.name}  {human_size(item.size)}  ({item.path.parent})"))
    return Text(safe_line(f"📎 {item}  (not checked yet)"))


class AttachmentList(OptionList):
    """Attachments in the order added; hidden while there are none."""

    def __init__(self, paths: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.items: list[AttachmentFile | str] = list(paths)

    def on_mount(self) -> None:
        self.redraw()

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(str(a.path) if isinstance(a, AttachmentFile) else a for a in self.items)

    @property
    def unchecked(self) -> list[str]:
        return [a for a in self.items if isinstance(a, str)]

    def redraw(self) -> None:
        self.clear_options()
        self.add_options([Option(attachment_line(item)) for item in self.items])
        self.display = bool(self.items)

    def put(self, checked: AttachmentFile) -> bool:
        """List a checked file (replacing its unchecked entry); True when it is new."""
        for index, path in enumerate(self.paths):
            if path == str(checked.path):
                self.items[index] = checked
                self.redraw()
                return False
        self.items.append(checked)
        self.redraw()
        return True

    def remove_current(self) -> str | None:
        """Remove the highlighted (else the last) file; its name, None when empty."""
        if not self.items:
            return None
        index = self.highlighted if self.highlighted is not None else len(self.items) - 1
        removed = self.items.pop(index)
        self.redraw()
        return removed.name if isinstance(removed, AttachmentFile) else removed
