"""The compose pane: a reply, reply-all, forward or internal note, written in place.

What the draft starts as (To/Cc, subject, greeting, signature, the quote) is the core's
(:mod:`agentconsole.compose`); this screen is the editor around it. The agent writes
above the quoted message, which is shown folded below the editor and sent as it was
built. Nothing typed is ever lost: the draft is saved in a worker about a second after
typing stops, when the pane closes, and before the app quits
(``AgentConsole.action_quit`` awaits :meth:`ComposeScreen.flush`). Saves run one at a
time in order, so a draft is stored once, under one id.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message as TextualMessage
from textual.timer import Timer
from textual.widgets import Collapsible, Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from agentconsole.compose.build import written_part
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.mime import AttachmentFile, human_size
from agentconsole.models import Ticket
from agentconsole.screens.actions import ConsoleScreen
from agentconsole.screens.attach import AttachModal
from agentconsole.screens.events import ActionFailed
from agentconsole.screens.pickers import ChoiceModal
from agentconsole.screens.workers import console_worker
from agentconsole.service import TicketDetail
from agentconsole.store.drafts import Draft
from agentconsole.textsafe import safe_line, safe_text
from agentconsole.widgets.draft_editor import DraftEditor
from agentconsole.widgets.safe import mail_block, mail_line

SAVE_DELAY = 1.0
"""Seconds after the last keystroke before the draft is saved."""

MODE_TITLES = {
    "reply": "Reply",
    "reply_all": "Reply to all",
    "forward": "Forward",
    "note": "Internal note (stays on the ticket, never sent)",
}

_ADDRESS_SPLIT = re.compile(r',(?=(?:[^"]*"[^"]*")*[^"]*$)(?![^<]*>)')


def split_addresses(text: str) -> tuple[str, ...]:
    """The addresses typed in a To/Cc field, split on commas outside quotes and angle
    brackets (``"Lee, Ann" <ann@x.example>`` is one); each is checked when sent."""
    return tuple(part.strip() for part in _ADDRESS_SPLIT.split(text) if part.strip())


@dataclass(frozen=True)
class Snapshot:
    """What the pane holds at one moment, in the order it was taken."""

    seq: int
    draft: Draft


class DraftSaved(TextualMessage):
    def __init__(self, seq: int, draft: Draft) -> None:
        self.seq = seq
        self.draft = draft
        super().__init__()


class DraftDiscarded(TextualMessage):
    pass


class AttachmentChecked(TextualMessage):
    def __init__(self, attachment: AttachmentFile) -> None:
        self.attachment = attachment
        super().__init__()


class ComposeScreen(ConsoleScreen):
    """Write one reply or note; dismissed with ``"sent"`` after sending, else None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="compose.close", tooltip="Close; the draft is kept"),
        Binding("ctrl+o", "attach", "Attach", id="compose.attach", tooltip="Attach a file"),
        Binding(
            "ctrl+r",
            "detach",
            "Remove file",
            id="compose.detach",
            tooltip="Remove the highlighted (or last) attachment",
        ),
        Binding(
            "ctrl+g",
            "discard",
            "Discard",
            id="compose.discard",
            tooltip="Delete this draft (asks first)",
        ),
    ]

    def __init__(self, ticket: Ticket, draft: Draft) -> None:
        super().__init__()
        self.ticket = ticket
        self.draft = draft
        """The draft as last saved (or as built, before the first save)."""
        written = written_part(draft.body)
        self.quote = draft.body[len(written) :]
        """The quoted or forwarded message below the agent's text, sent as built."""
        self.written = safe_text(written)
        self.attachments: list[AttachmentFile | str] = list(draft.attachments)
        self._seq = 0
        self._saved_seq = 0
        self._saved = self._fields(draft)
        self._timer: Timer | None = None
        self._save_lock = threading.Lock()
        self._draft_id = draft.id
        self.closed = False

    # -- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = Text()
        title.append(f" {self.ticket.ref} ", style="bold reverse")
        title.append(f" {MODE_TITLES.get(self.draft.mode, self.draft.mode)}: ", style="bold")
        title.append_text(mail_line(self.ticket.subject or "(no subject)", limit=80))
        yield Static(title, id="compose-title")
        note = self.draft.mode == "note"
        with Horizontal(classes="field", id="to-row") as row:
            row.display = not note
            yield Label("To", classes="field-label")
            yield Input(safe_line(", ".join(self.draft.to)), id="to", placeholder="address")
        with Horizontal(classes="field", id="cc-row") as row:
            row.display = not note
            yield Label("Cc", classes="field-label")
            yield Input(safe_line(", ".join(self.draft.cc)), id="cc")
        with Horizontal(classes="field", id="subject-row") as row:
            row.display = not note
            yield Label("Subject", classes="field-label")
            yield Input(safe_line(self.draft.subject), id="subject")
        yield DraftEditor(self.written, id="body")
        yield OptionList(id="attachments", markup=False)
        with Collapsible(title="Quoted message", collapsed=True, id="quote-fold") as fold:
            fold.display = bool(self.quote.strip())
            yield Static(mail_block(self.quote.strip("\n"), style="dim"), id="quote")
        yield Static(id="compose-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_attachments()
        editor = self.query_one(DraftEditor)
        editor.focus()
        if not editor.next_blank():
            editor.move_cursor(self._typing_place())
        self.check_attachments()

    def _typing_place(self) -> tuple[int, int]:
        """Where the agent starts typing: the empty paragraph after the greeting."""
        lines = self.written.split("\n")
        for row in range(1, len(lines) - 1):
            if not lines[row].strip() and lines[row - 1].strip() and not lines[row + 1].strip():
                return (row + 1, 0)
        return (0, 0)

    # -- the draft as typed ------------------------------------------------------
    @staticmethod
    def _fields(draft: Draft) -> tuple[object, ...]:
        return (draft.to, draft.cc, draft.subject, draft.body, draft.attachments)

    def current(self) -> Draft:
        """The draft as the pane shows it now."""
        paths = tuple(str(a.path) if isinstance(a, AttachmentFile) else a for a in self.attachments)
        return replace(
            self.draft,
            id=self._draft_id,
            to=split_addresses(self.query_one("#to", Input).value),
            cc=split_addresses(self.query_one("#cc", Input).value),
            subject=self.query_one("#subject", Input).value,
            body=self.query_one(DraftEditor).text + self.quote,
            attachments=paths,
        )

    @property
    def dirty(self) -> bool:
        return self._fields(self.current()) != self._saved

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.schedule_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.schedule_save()

    def schedule_save(self) -> None:
        """Save about a second after typing stops (each keystroke restarts the wait)."""
        if self.closed or not self.is_mounted:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self.save_if_changed)

    def save_if_changed(self) -> Worker[None] | None:
        if self.closed or not self.dirty:
            return None
        self._seq += 1
        return self.save(Snapshot(self._seq, self.current()))

    async def flush(self) -> None:
        """Save now what is not saved yet, and wait until it is stored."""
        if self._timer is not None:
            self._timer.stop()
        worker = self.save_if_changed()
        if worker is not None:
            await worker.wait()

    @console_worker("save the draft", group="draft-save")
    def save(self, snapshot: Snapshot) -> None:
        with self._save_lock:  # one save at a time, in order, under one id
            if snapshot.seq < self._saved_seq:
                return
            saved = self.console.service.save_draft(replace(snapshot.draft, id=self._draft_id))
            self._draft_id = saved.id
            self._saved_seq = snapshot.seq
        self.post_message(DraftSaved(snapshot.seq, saved))

    def on_draft_saved(self, message: DraftSaved) -> None:
        self.draft = message.draft
        self._saved = self._fields(message.draft)
        stamp = time.strftime("%H:%M:%S", time.localtime(message.draft.updated_at))
        self.set_status(f"Draft saved {stamp}")

    def set_status(self, text: str) -> None:
        self.query_one("#compose-status", Static).update(Text(text, style="dim"))

    # -- attachments -------------------------------------------------------------
    def show_attachments(self) -> None:
        box = self.query_one("#attachments", OptionList)
        box.clear_options()
        for item in self.attachments:
            if isinstance(item, AttachmentFile):
                label = f"📎 {item.name}  {human_size(item.size)}  ({item.path.parent})"
            else:
                label = f"📎 {item}  (not checked yet)"
            box.add_option(Option(Text(safe_line(label))))
        box.display = bool(self.attachments)

    @console_worker("check the attachments", group="attachments")
    def check_attachments(self) -> None:
        """A reopened draft's files, checked again (one may have gone meanwhile)."""
        for item in list(self.attachments):
            if isinstance(item, str):
                self._check(item)

    def _check(self, path: str) -> None:
        try:
            checked = self.console.service.check_attachment(path)
        except ComposeError as error:
            self.post_message(ActionFailed(f"Cannot attach {error}"))
            return
        self.post_message(AttachmentChecked(checked))

    def action_attach(self) -> None:
        def chosen(path: str | None) -> None:
            if path and path.strip():
                self.attach(path.strip())

        self.app.push_screen(AttachModal(), chosen)

    @console_worker("attach the file", group="attachments")
    def attach(self, path: str) -> None:
        self._check(path)

    def on_attachment_checked(self, message: AttachmentChecked) -> None:
        checked = message.attachment
        names = [a.path if isinstance(a, AttachmentFile) else a for a in self.attachments]
        for index, name in enumerate(names):
            if str(name) == str(checked.path) or name == checked.path:
                self.attachments[index] = checked
                break
        else:
            self.attachments.append(checked)
            self.notify(f"Attached {checked.name} ({human_size(checked.size)})", markup=False)
        self.show_attachments()
        self.schedule_save()

    def action_detach(self) -> None:
        if not self.attachments:
            self.notify("No attachment to remove")
            return
        box = self.query_one("#attachments", OptionList)
        index = box.highlighted if box.highlighted is not None else len(self.attachments) - 1
        removed = self.attachments.pop(index)
        name = removed.name if isinstance(removed, AttachmentFile) else removed
        self.notify(f"Removed {name}", markup=False)
        self.show_attachments()
        self.schedule_save()

    # -- closing -----------------------------------------------------------------
    async def action_close(self) -> None:
        await self.flush()
        self.closed = True
        self.dismiss(None)

    def action_discard(self) -> None:
        def chosen(answer: str | None) -> None:
            if answer == "yes":
                self.closed = True
                if self._timer is not None:
                    self._timer.stop()
                self.discard()

        self.app.push_screen(
            ChoiceModal("Discard this draft?", [("no", "keep writing"), ("yes", "discard it")]),
            chosen,
        )

    @console_worker("discard the draft", group="draft-save")
    def discard(self) -> None:
        with self._save_lock:
            if self._draft_id is not None:
                self.console.service.discard_draft(self._draft_id)
            self._draft_id = None
        self.post_message(DraftDiscarded())

    def on_draft_discarded(self, message: DraftDiscarded) -> None:
        self.notify("Draft discarded")
        self.dismiss(None)


class DraftOpened(TextualMessage):
    """A draft to write in: the one waiting for this ticket and mode, or a new one."""

    def __init__(self, ticket: Ticket, draft: Draft, resumed: bool) -> None:
        self.ticket = ticket
        self.draft = draft
        self.resumed = resumed
        super().__init__()


class DraftsFound(TextualMessage):
    def __init__(self, drafts: list[Draft]) -> None:
        self.drafts = drafts
        super().__init__()


MODE_KEYS = {"reply": "R", "reply_all": "A", "forward": "F", "note": "I"}


class ComposeLauncher(ConsoleScreen):
    """What the ticket view needs to start writing: open the draft waiting for a mode
    (one per mode and ticket: a reply and a note can be under way at once) or a new
    one, and say when a ticket is opened that a draft waits for it."""

    ticket_id: int
    detail: TicketDetail | None

    def action_compose(self, mode: str) -> None:
        if self.detail is None:
            return
        self.open_draft(self.detail.ticket, mode)

    @console_worker("start the reply", group="compose", exclusive=True)
    def open_draft(self, ticket: Ticket, mode: str) -> None:
        service = self.console.service
        waiting = [d for d in service.drafts_for(ticket.id) if d.mode == mode]
        draft = waiting[0] if waiting else service.new_draft(ticket.id, mode)
        self.post_message(DraftOpened(ticket, draft, resumed=bool(waiting)))

    def on_draft_opened(self, message: DraftOpened) -> None:
        if message.resumed:
            saved = time.strftime("%H:%M", time.localtime(message.draft.updated_at))
            self.notify(f"Your draft of {saved} is back", markup=False)
        self.app.push_screen(ComposeScreen(message.ticket, message.draft), self.composed)

    def composed(self, result: str | None) -> None:
        """Back from the pane: a sent reply or note changed the ticket."""
        self.look_for_drafts(self.ticket_id)
        if result == "sent":
            self.reload_ticket()

    def reload_ticket(self) -> None:
        """Show the ticket as it is now (the screen's own loading)."""
        raise NotImplementedError

    @console_worker("look for drafts", group="drafts", exclusive=True)
    def look_for_drafts(self, ticket_id: int) -> None:
        self.post_message(DraftsFound(self.console.service.drafts_for(ticket_id)))

    def on_drafts_found(self, message: DraftsFound) -> None:
        for draft in message.drafts:
            saved = time.strftime("%H:%M", time.localtime(draft.updated_at))
            kind = MODE_TITLES.get(draft.mode, draft.mode).split(" (")[0].lower()
            self.notify(
                f"A draft ({kind}, saved {saved}) waits: {MODE_KEYS[draft.mode]} continues it",
                title="Draft",
                markup=False,
            )
