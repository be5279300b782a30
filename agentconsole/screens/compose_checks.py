"""The compose pane's checks, sending and canned responses (a part of ComposeScreen).

The reply is checked shortly after typing pauses, in a worker (the newest check
wins; typing never waits for one): findings are marked in the editor and listed below
it, F8 / shift+F8 go from one to the next, ctrl+f applies the current one's fix.
Sending checks again in the core: error findings block it until the agent gives a
reason, which the core records. A canned response is inserted at the cursor with its
first blank selected.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from textual.timer import Timer
from textual.widgets import Input, OptionList
from textual.worker import Worker

from agentconsole.canned import CannedError, CannedResponse, Rendered, render
from agentconsole.compose.build import written_part
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.traffic import question
from agentconsole.lint import Finding
from agentconsole.models import Ticket
from agentconsole.screens.actions import ConsoleScreen
from agentconsole.screens.canned_picker import CannedPicker
from agentconsole.screens.compose_events import (
    CannedRendered,
    Linted,
    OthersMeanwhile,
    SendDone,
    SendRefused,
)
from agentconsole.screens.events import ActionFailed
from agentconsole.screens.pickers import ChoiceModal, PromptModal
from agentconsole.screens.workers import console_worker
from agentconsole.store.drafts import Draft
from agentconsole.widgets.draft_editor import DraftEditor, Mark
from agentconsole.widgets.findings import FindingsList, summary

LINT_DELAY = 0.2
"""Seconds after the last keystroke before the reply is checked again."""


class CheckedSending(ConsoleScreen):
    """Checking, sending and canned insertion, on the draft the pane holds."""

    ticket: Ticket
    draft: Draft
    quote: str
    closed: bool
    sent: bool
    _timer: Timer | None
    _save_lock: threading.Lock
    _draft_id: int | None
    _sent: bool
    started: int

    def __init__(self) -> None:
        super().__init__()
        self._send_worker: Worker[None] | None = None
        self._lint_timer: Timer | None = None
        self._lint_seq = 0
        self.linted: tuple[str, str] | None = None
        """(body, subject) the findings shown were computed on."""
        self._queued_ok = False
        """The agent chose to send although a reply was queued since the draft began."""

    def current(self) -> Draft:
        """The draft as the pane shows it now."""
        raise NotImplementedError

    def set_status(self, part: str, text: str) -> None:
        raise NotImplementedError

    # -- checking as the agent types ---------------------------------------------
    def schedule_lint(self, delay: float = LINT_DELAY) -> None:
        """Check the reply shortly after typing pauses (a note is never checked)."""
        if self.draft.mode == "note" or self.closed or not self.is_mounted:
            return
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.set_timer(delay, self.lint_now)

    def lint_now(self) -> None:
        self._lint_seq += 1
        self.run_lint(self._lint_seq, self.current())

    @console_worker("check the reply", group="lint", exclusive=True)
    def run_lint(self, seq: int, draft: Draft) -> None:
        findings = self.console.service.lint_draft(draft)
        self.post_message(Linted(seq, draft, findings))

    def on_linted(self, message: Linted) -> None:
        shown = (self.query_one(DraftEditor).text, self.query_one("#subject", Input).value)
        if message.seq != self._lint_seq or shown != self._checked_fields(message.draft):
            return  # typed on meanwhile: the check of the newer text is on its way
        self.show_findings(message.findings, message.draft)

    @staticmethod
    def _checked_fields(draft: Draft) -> tuple[str, str]:
        return written_part(draft.body), draft.subject

    def show_findings(self, findings: list[Finding], draft: Draft) -> None:
        self.linted = self._checked_fields(draft)
        text = self.linted[0]
        listed = self.query_one(FindingsList)
        listed.show(findings, text)
        self.mark_findings()
        self.set_status("checked", summary(findings))

    def mark_findings(self) -> None:
        listed = self.query_one(FindingsList)
        marks: list[Mark] = [
            (f.start, f.end, f.severity) for f in listed.findings if f.target == "body"
        ]
        current = listed.current
        if current is not None and current.target == "body":
            marks.append((current.start, current.end, "current"))
        self.query_one(DraftEditor).set_marks(marks)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, FindingsList):
            self.mark_findings()

    def action_finding(self, by: int) -> None:
        finding = self.query_one(FindingsList).step(by)
        if finding is None:
            self.notify("No findings")
            return
        if finding.target == "subject":
            self.query_one("#subject", Input).focus()
        else:
            editor = self.query_one(DraftEditor)
            editor.move_cursor(editor.location_of(finding.start))
            editor.focus()
        self.mark_findings()

    def action_fix(self) -> None:
        finding = self.query_one(FindingsList).current
        if finding is None:
            self.notify("No finding to fix")
            return
        if finding.fix is None:
            self.notify(f"{finding.code} has no fix to apply: change the text", markup=False)
            return
        editor = self.query_one(DraftEditor)
        subject = self.query_one("#subject", Input)
        if self.linted != (editor.text, subject.value):
            self.notify("The reply changed since it was checked: try again in a moment")
            self.schedule_lint(0)
            return
        fix = finding.fix
        if finding.target == "subject":
            subject.value = fix.apply(subject.value)
        else:
            editor.replace(
                fix.replacement, editor.location_of(fix.start), editor.location_of(fix.end)
            )
        self.notify(f"Fixed {finding.code}: {fix.label}", markup=False)

    # -- sending -------------------------------------------------------------------
    def action_send(self, reason: str | None = None) -> None:
        if self._send_worker is not None and self._send_worker.is_running:
            return
        for timer in (self._timer, self._lint_timer):
            if timer is not None:
                timer.stop()
        self._send_worker = self.send(self.current(), reason)

    @console_worker("send the reply", group="send")
    def send(self, draft: Draft, reason: str | None) -> None:
        if draft.mode != "note" and not self._queued_ok:
            found = self.console.service.meanwhile(self.ticket.id, self.started)
            if found:  # a teammate or another pane answered or claimed meanwhile
                self.post_message(OthersMeanwhile(found, reason))
                return
        with self._save_lock:  # after any save under way, with the id it gave
            try:
                result = self.console.service.send_draft(
                    replace(draft, id=self._draft_id), override_reason=reason
                )
            except ComposeError as error:
                self.post_message(SendRefused(str(error)))
                return
            if result.stored_id is not None:
                self._sent = True
                self._draft_id = None
        self.post_message(SendDone(draft, result))

    def on_others_meanwhile(self, message: OthersMeanwhile) -> None:
        """Traffic Cop: say who did what and when, and send only when asked to."""

        def chosen(answer: str | None) -> None:
            if answer == "yes":
                self._queued_ok = True
                self.action_send(message.reason)
            else:
                self.notify("Not sent: the draft is kept")

        self.app.push_screen(
            ChoiceModal(question(message.found), [("no", "keep the draft"), ("yes", "send it")]),
            chosen,
        )

    def on_send_refused(self, message: SendRefused) -> None:
        self.notify(f"Not sent: {message.error}", severity="error", markup=False, timeout=8)

    def on_send_done(self, message: SendDone) -> None:
        result = message.result
        if result.stored_id is None:  # blocked by error findings
            self.show_findings(result.findings, message.draft)
            self.ask_override(result.findings)
            return
        self.closed = self.sent = True
        if message.draft.mode == "note":
            self.notify(f"Note added to {self.ticket.ref}", markup=False)
        else:
            self.notify(
                f"Queued {self.ticket.ref} reply {result.message_id} — waits in the outbox"
                " until a mail account is set up",
                markup=False,
                timeout=8,
            )
        self.dismiss(None)

    def ask_override(self, findings: list[Finding]) -> None:
        codes = ", ".join(dict.fromkeys(f.code for f in findings if f.severity == "error"))

        def answered(reason: str | None) -> None:
            if reason and reason.strip():
                self.action_send(reason.strip())
            else:
                self.notify("Not sent: fix the errors, or give a reason to send anyway")

        self.app.push_screen(
            PromptModal(
                f"Not sent: errors {codes}. Send anyway?",
                placeholder="the reason (recorded on the ticket)",
                help_text="Enter with a reason sends anyway; Escape goes back to fix them",
            ),
            answered,
        )

    # -- canned responses ------------------------------------------------------------
    def action_canned(self) -> None:
        customer_text = self.quote if self.draft.mode != "forward" else ""
        picker = CannedPicker(self.ticket.id, customer_text)
        self.app.push_screen(picker, self.insert_rendered)

    def insert_canned(self, response: CannedResponse) -> None:
        """Insert a response picked in the command palette (rendered in a worker)."""
        self.render_canned(response)

    @console_worker("render the canned response", group="canned")
    def render_canned(self, response: CannedResponse) -> None:
        _ticket, values = self.console.service.canned_values(self.ticket.id)
        try:
            rendered = render(response, values)
        except CannedError as error:
            self.post_message(ActionFailed(f"Cannot insert {response.id}: {error}"))
            return
        self.post_message(CannedRendered(rendered))

    def on_canned_rendered(self, message: CannedRendered) -> None:
        self.insert_rendered(message.rendered)

    def insert_rendered(self, rendered: Rendered | None) -> None:
        """Put the text at the cursor; its first blank selected, so typing fills it."""
        if rendered is None:
            return
        editor = self.query_one(DraftEditor)
        start = editor.insert_at_cursor(rendered.text)
        if rendered.blanks:
            first, end, _label = rendered.blanks[0]
            editor.select_span(start + first, start + end)
        editor.focus()
