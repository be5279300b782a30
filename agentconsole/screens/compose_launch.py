"""Starting to write from the ticket view: the draft that waits, or a new one.

One draft per mode and ticket: a reply and a note can be under way at once, and
pressing R again continues the reply rather than starting a second one. Opening a
ticket says which drafts wait for it, so a reply begun before a crash or a quit is
found again.
"""

from __future__ import annotations

import time

from agentconsole.models import Ticket
from agentconsole.screens.actions import ConsoleScreen
from agentconsole.screens.compose import MODE_TITLES, ComposeScreen
from agentconsole.screens.compose_events import DraftOpened, DraftsFound
from agentconsole.screens.workers import console_worker
from agentconsole.service import TicketDetail
from agentconsole.store.drafts import Draft
from agentconsole.textsafe import safe_line

MODE_KEYS = {"reply": "R", "reply_all": "A", "forward": "F", "note": "I"}


def describe(draft: Draft) -> str:
    """ "reply, saved 14:11 by lin": what a waiting draft is, when and by whom it was
    last saved (another console or agent may have written it)."""
    kind = MODE_TITLES.get(draft.mode, draft.mode).split(" (")[0].lower()
    saved = time.strftime("%H:%M", time.localtime(draft.updated_at))
    return f"{kind}, saved {saved}" + (f" by {draft.author}" if draft.author else "")


class ComposeLauncher(ConsoleScreen):
    """What the ticket view needs to start writing: open the draft waiting for a mode
        (one per mode and ticket: a reply and a note can be under way at once) or a new
        one, and say when a ticket is opened that a draft waits for it, or a reply that has
    not left yet."""

    ticket_id: int
    detail: TicketDetail | None

    def action_compose(self, mode: str) -> None:
        if self.detail is None:
            return
        self.open_draft(self.detail.ticket, mode)

    @console_worker("start the reply", group="compose", exclusive=True)
    def open_draft(self, ticket: Ticket, mode: str) -> None:
        service = self.console.service
        drafts = service.drafts_for(ticket.id)
        waiting = [d for d in drafts if d.mode == mode]
        draft = waiting[0] if waiting else service.new_draft(ticket.id, mode)
        # A reply, reply-all and forward all write to someone: two of them would send
        # twice. A note sits beside them, and is told only of other notes.
        others = [d for d in drafts if d.id != draft.id and (d.mode == "note") == (mode == "note")]
        self.post_message(DraftOpened(ticket, draft, resumed=bool(waiting), others=others))

    def on_draft_opened(self, message: DraftOpened) -> None:
        if message.resumed:
            saved = time.strftime("%H:%M", time.localtime(message.draft.updated_at))
            self.notify(f"Your draft of {saved} is back", markup=False)
        for other in message.others:
            self.notify(
                safe_line(f"Another draft of this ticket ({describe(other)}) waits"),
                title="Draft",
                severity="warning",
                markup=False,
                timeout=8,
            )
        pane = ComposeScreen(message.ticket, message.draft)
        self.app.push_screen(pane, lambda _: self.composed(pane.sent))

    def composed(self, sent: bool) -> None:
        """Back from the pane: a draft kept waits for the ticket; a reply or note sent
        is on it now (the thread is drawn again to show it)."""
        self.look_for_drafts(self.ticket_id, outbox=False)  # a send said so itself
        if sent:
            self.detail = None
            self.reload_ticket()

    def reload_ticket(self) -> None:
        """Show the ticket as it is now (the screen's own loading)."""
        raise NotImplementedError

    @console_worker("look for drafts", group="drafts", exclusive=True)
    def look_for_drafts(self, ticket_id: int, outbox: bool = True) -> None:
        service = self.console.service
        undelivered = (
            [e for e in service.outbox_for(ticket_id) if e.status != "sent"] if outbox else []
        )
        self.post_message(DraftsFound(service.drafts_for(ticket_id), undelivered))

    def on_drafts_found(self, message: DraftsFound) -> None:
        for draft in message.drafts:
            self.notify(
                safe_line(
                    f"A draft ({describe(draft)}) waits: {MODE_KEYS[draft.mode]} continues it"
                ),
                title="Draft",
                markup=False,
            )
        for entry in message.undelivered:
            queued = time.strftime("%H:%M", time.localtime(entry.queued_at))
            state = (
                "waits in the outbox until a mail account is set up"
                if entry.status == "queued" and not entry.next_attempt_at
                else entry.describe()
            )
            self.notify(
                safe_line(f"The reply queued {queued} {state}"),
                title="Outbox",
                severity="error" if entry.status == "failed" else "information",
                markup=False,
            )
