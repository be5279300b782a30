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
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Collapsible, Footer, Input, Label, Static, TextArea
from textual.worker import Worker

from agentconsole.compose.build import agent_text, written_part
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.mime import human_size
from agentconsole.models import Ticket
from agentconsole.screens.attach import AttachModal
from agentconsole.screens.canned_picker import CannedCommands
from agentconsole.screens.compose_checks import CheckedSending
from agentconsole.screens.compose_events import (
    AttachmentChecked,
    DraftDiscarded,
    DraftSaved,
    Snapshot,
)
from agentconsole.screens.events import ActionFailed
from agentconsole.screens.pickers import ChoiceModal
from agentconsole.screens.workers import console_worker
from agentconsole.store.drafts import Draft
from agentconsole.textsafe import safe_line, safe_text
from agentconsole.widgets.attachment_list import AttachmentList
from agentconsole.widgets.draft_editor import DraftEditor
from agentconsole.widgets.findings import FindingsList
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


class ComposeScreen(CheckedSending):
    """Write one reply or note; :attr:`sent` says, once dismissed, whether it left."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {CannedCommands}
    """The canned responses join the command palette while the pane is open."""

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
            "ctrl+s",
            "send",
            "Send",
            id="compose.send",
            tooltip="Check and send (a note: add it to the ticket)",
        ),
        Binding(
            "f8",
            "finding(1)",
            "Next finding",
            id="compose.next_finding",
            tooltip="Go to the next finding of the check",
        ),
        Binding(
            "shift+f8",
            "finding(-1)",
            "Previous finding",
            show=False,
            id="compose.previous_finding",
            tooltip="Go to the previous finding",
        ),
        Binding(
            "ctrl+f",
            "fix",
            "Fix",
            id="compose.fix",
            tooltip="Apply the current finding's fix",
        ),
        Binding(
            "ctrl+t",
            "canned",
            "Canned",
            id="compose.canned",
            tooltip="Insert a canned response at the cursor",
            # run as the key arrives: the search typed straight after it must reach the
            # picker, not the text it would go to while the key bubbles up
            priority=True,
        ),
        Binding(
            "ctrl+b",
            "body",
            "Body",
            show=False,
            id="compose.body",
            tooltip="Go to the reply's text (tab / shift+tab go field by field)",
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
        self.started = draft.updated_at
        """When the draft was built, or last saved before it came back: a reply queued
        since then is asked about before this one is sent."""
        written = written_part(draft.body)
        self.quote = draft.body[len(written) :]
        """The quoted or forwarded message below the agent's text, sent as built."""
        self.written = safe_text(written)
        self._seq = 0
        self._saved_seq = 0
        self._saved = self._fields(draft)
        self._timer: Timer | None = None
        self._save_lock = threading.Lock()
        self._draft_id = draft.id
        self.closed = False
        self._status: dict[str, str] = {}
        self.sent = False
        """True once the reply was queued or the note added."""
        self._sent = False
        """Set under the save lock once sent: no save may bring the draft back."""

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
        yield FindingsList(id="findings")
        yield AttachmentList(self.draft.attachments, id="attachments")
        with Collapsible(title="Quoted message", collapsed=True, id="quote-fold") as fold:
            fold.display = bool(self.quote.strip())
            yield Static(mail_block(self.quote.strip("\n"), style="dim"), id="quote")
        yield Static(id="compose-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FindingsList).display = False
        editor = self.query_one(DraftEditor)
        editor.focus()
        if not editor.next_blank():
            editor.move_cursor(self._typing_place(editor))
        self.check_attachments(self.query_one(AttachmentList).unchecked)
        self.schedule_lint(0)

    def _typing_place(self, editor: DraftEditor) -> tuple[int, int]:
        """Where the agent types on: in a draft that comes back, the end of what they
        wrote (above the closing and signature); in a new one, the empty paragraph
        after the greeting."""
        if self.draft.id is not None:
            own = safe_text(agent_text(self.draft.body, self.console.config))
            end = self.written.rfind(own) if own else -1
            if end >= 0:
                return editor.location_of(end + len(own))
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
        return replace(
            self.draft,
            id=self._draft_id,
            to=split_addresses(self.query_one("#to", Input).value),
            cc=split_addresses(self.query_one("#cc", Input).value),
            subject=self.query_one("#subject", Input).value,
            body=self.query_one(DraftEditor).text + self.quote,
            attachments=self.query_one(AttachmentList).paths,
        )

    @property
    def dirty(self) -> bool:
        return self._fields(self.current()) != self._saved

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.schedule_save()
        self.schedule_lint()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.schedule_save()
        self.schedule_lint()

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
            if snapshot.seq < self._saved_seq or self._sent:
                return
            saved = self.console.service.save_draft(replace(snapshot.draft, id=self._draft_id))
            self._draft_id = saved.id
            self._saved_seq = snapshot.seq
        self.post_message(DraftSaved(snapshot.seq, saved))

    def on_draft_saved(self, message: DraftSaved) -> None:
        self.draft = message.draft
        self._saved = self._fields(message.draft)
        stamp = time.strftime("%H:%M:%S", time.localtime(message.draft.updated_at))
        self.set_status("saved", f"Draft saved {stamp}")

    def set_status(self, part: str, text: str) -> None:
        """One part of the status line: ``saved`` (when the draft was saved) or
        ``checked`` (what the last check found)."""
        self._status[part] = text
        line = Text(" · ".join(t for _, t in sorted(self._status.items()) if t), style="dim")
        self.query_one("#compose-status", Static).update(line)

    # -- attachments -------------------------------------------------------------
    @console_worker("check the attachments", group="attachments")
    def check_attachments(self, paths: list[str]) -> None:
        """Check files: a reopened draft's (one may have gone meanwhile), or a new one."""
        for path in paths:
            try:
                checked = self.console.service.check_attachment(path)
            except ComposeError as error:
                self.post_message(ActionFailed(f"Cannot attach {error}"))
                continue
            self.post_message(AttachmentChecked(checked))

    def action_attach(self) -> None:
        def chosen(path: str | None) -> None:
            if path and path.strip():
                self.check_attachments([path.strip()])

        self.app.push_screen(AttachModal(), chosen)

    def on_attachment_checked(self, message: AttachmentChecked) -> None:
        checked = message.attachment
        if self.query_one(AttachmentList).put(checked):
            self.notify(f"Attached {checked.name} ({human_size(checked.size)})", markup=False)
            self.schedule_save()
            self.schedule_lint()

    def action_detach(self) -> None:
        name = self.query_one(AttachmentList).remove_current()
        if name is None:
            self.notify("No attachment to remove")
            return
        self.notify(f"Removed {name}", markup=False)
        self.schedule_save()
        self.schedule_lint()

    # -- closing -----------------------------------------------------------------
    def action_body(self) -> None:
        """From To, Cc, the subject, the findings or the quote straight to the text."""
        self.query_one(DraftEditor).focus()

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
