"""The ticket view: the whole thread, the ticket's facts and its history."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TextualMessage
from textual.widgets import Footer, Static

from agentconsole.domain.claim_view import ClaimRefused
from agentconsole.mail.quoting import split_quotes
from agentconsole.mask import mask_sensitive
from agentconsole.models import Message
from agentconsole.screens.actions import TicketActions
from agentconsole.screens.background_sync import SyncUpdated
from agentconsole.screens.compose_launch import ComposeLauncher
from agentconsole.screens.events import ActionFailed, AttachmentsSaved, TicketLoaded, TicketsChanged
from agentconsole.screens.pickers import PromptModal
from agentconsole.screens.workers import console_worker
from agentconsole.service import TicketDetail
from agentconsole.store.outbox import OutboxEntry
from agentconsole.timefmt import countdown, when
from agentconsole.widgets.safe import mail_block, mail_line

FIRST_BATCH = 8
"""Messages shown when a ticket opens (the newest); older ones mount on demand, so a
50-message thread opens as fast as a short one."""
EARLIER_BATCH = 20
_LABELS = {
    "in": ("customer", "cyan"),
    "out": ("agent", "green"),
    "note": ("internal note", "yellow"),
}


class MessageView(Static, can_focus=True):
    """One message: who, when, attachments, and the body with quotes folded and
    sensitive data masked until revealed."""

    def __init__(self, message: Message, delivery: OutboxEntry | None = None) -> None:
        self.message = message
        self.delivery = delivery
        self.unfolded = False
        self.revealed = False
        label, colour = _LABELS.get(message.direction, ("message", "white"))
        if message.auto_kind:
            label, colour = message.auto_kind.replace("_", "-"), "bright_black"
        classes = f"message {message.direction}" + (" auto" if message.auto_kind else "")
        super().__init__(classes=classes)
        self.label_text = label
        self.colour = colour
        self.masked = mask_sensitive(message.body_text)
        self.update(self.build())

    def build(self) -> RenderableType:
        message = self.message
        head = Text()
        head.append(f" {self.label_text} ", style=f"bold reverse {self.colour}")
        head.append(" ")
        head.append_text(mail_line(message.from_name or message.from_addr, style="bold", limit=40))
        head.append(" ")
        head.append_text(mail_line(f"<{message.from_addr}>", style="dim"))
        head.append(f"  {when(message.date)}  M-{message.id}", style="dim")
        parts: list[RenderableType] = [head]
        if self.delivery is not None:
            parts.append(delivery_line(self.delivery))
        if message.status != "ok":
            parts.append(
                mail_line(f"{message.status}: " + "; ".join(message.problems), style="yellow")
            )
        for item in message.attachments:
            parts.append(
                mail_line(
                    f"📎 {item.filename} ({item.content_type}, {item.size:,} bytes)",
                    style="magenta",
                )
            )
        if self.masked.found and not self.revealed:
            kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.masked.found.items())
            parts.append(Text(f"🔒 masked: {kinds} (r reveals, and is recorded)", style="yellow"))
        body = self.message.body_text if self.revealed else self.masked.text
        for block in split_quotes(body):
            if block.kind == "text" or self.unfolded:
                style = "" if block.kind == "text" else "dim"
                parts.append(mail_block(block.text, style=style))
            else:
                parts.append(
                    Text(
                        f"┆ {block.lines} {block.kind} lines folded (z unfolds)", style="dim italic"
                    )
                )
        return Group(*parts)

    def toggle_fold(self) -> None:
        self.unfolded = not self.unfolded
        self.update(self.build())

    def reveal(self) -> None:
        self.revealed = True
        self.update(self.build())


def delivery_line(entry: OutboxEntry) -> Text:
    """Where an outgoing message is on its way: a refused one in red with the server's
    words (shown as text, never markup), a waiting one with its next try."""
    if entry.status == "failed":
        return mail_line(f"✗ not delivered — {entry.describe()}", style="bold bright_red")
    if entry.status == "sent":
        return mail_line(f"✉ {entry.describe()}", style="dim")
    if entry.status == "queued" and not entry.attempts:
        return mail_line("✉ queued: waits in the outbox until it is delivered", style="yellow")
    return mail_line(f"✉ {entry.describe()}", style="yellow")


class Navigated(TextualMessage):
    """n/N found the neighbouring ticket in the queue."""

    def __init__(self, index: int, detail: TicketDetail) -> None:
        self.index = index
        self.detail = detail
        super().__init__()


class ClaimQueued(TextualMessage):
    """The agent's claim or release was recorded (``said``: ``claim queued``);
    ``syncing``: the store has a mail account to publish it with."""

    def __init__(self, said: str, syncing: bool) -> None:
        self.said = said
        self.syncing = syncing
        super().__init__()


class TicketScreen(ComposeLauncher, TicketActions):
    """One ticket, its thread oldest first, its facts and events."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="ticket.back", tooltip="Back to the queue"),
        Binding("n", "neighbour(1)", "Next", id="ticket.next", tooltip="Next ticket of the queue"),
        Binding(
            "N",
            "neighbour(-1)",
            "Previous",
            id="ticket.previous",
            tooltip="Previous ticket of the queue",
        ),
        Binding(
            "j",
            "focus_message(1)",
            "Next message",
            show=False,
            id="ticket.message_down",
            tooltip="Next message of the thread",
        ),
        Binding(
            "k",
            "focus_message(-1)",
            "Previous message",
            show=False,
            id="ticket.message_up",
            tooltip="Previous message (loads older ones at the top)",
        ),
        Binding(
            "g",
            "first_message",
            "First message",
            show=False,
            id="ticket.first",
            tooltip="Load the whole thread and go to its first message",
        ),
        Binding(
            "G",
            "last_message",
            "Last message",
            show=False,
            id="ticket.last",
            tooltip="The newest message",
        ),
        Binding(
            "z", "fold", "Unfold", id="ticket.fold", tooltip="Fold or unfold quotes and signatures"
        ),
        Binding(
            "r",
            "reveal",
            "Reveal",
            id="ticket.reveal",
            tooltip="Reveal masked data in this message (recorded)",
        ),
        Binding(
            "S",
            "save_attachments",
            "Save files",
            id="ticket.save",
            tooltip="Save this message's attachments to a folder",
        ),
        Binding(
            "C", "customer", "Customer", id="ticket.customer", tooltip="Open the customer's card"
        ),
        Binding(
            "R", "compose('reply')", "Reply", id="ticket.reply", tooltip="Reply to the customer"
        ),
        Binding(
            "A",
            "compose('reply_all')",
            "Reply all",
            show=False,
            id="ticket.reply_all",
            tooltip="Reply to the customer and everyone else on the thread",
        ),
        Binding(
            "F",
            "compose('forward')",
            "Forward",
            show=False,
            id="ticket.forward",
            tooltip="Forward the customer's last message to another address",
        ),
        Binding(
            "h",
            "claim",
            "Claim",
            id="ticket.claim",
            tooltip='Claim the ticket ("I\'m answering this"), or release your claim;'
            " the team's log decides at the next sync",
        ),
        Binding(
            "I",
            "compose('note')",
            "Note",
            id="ticket.note",
            tooltip="Write an internal note (stays on the ticket, never sent)",
        ),
    ]

    def __init__(self, ticket_id: int, index: int, query: str, sort: str, total: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.index = index
        self.query_text = query
        self.sort = sort
        self.total = total
        self.detail: TicketDetail | None = None
        self.deliveries: dict[int, OutboxEntry] = {}
        self.hidden: list[Message] = []
        """Older messages not mounted yet, oldest first."""

    def compose(self) -> ComposeResult:
        yield Static(id="ticket-title")
        with Horizontal():
            yield VerticalScroll(id="thread")
            with Vertical(id="side"):
                yield Static(id="facts")
                yield VerticalScroll(Static(id="history"), id="history-scroll")
        yield Footer()

    def on_mount(self) -> None:
        self.load_ticket(self.ticket_id)

    @console_worker("open the ticket", group="ticket", exclusive=True)
    def load_ticket(self, ticket_id: int) -> None:
        self.post_message(TicketLoaded(self.console.service.ticket_detail(ticket_id)))

    def on_ticket_loaded(self, message: TicketLoaded) -> None:
        self.show(message.detail)

    def show(self, detail: TicketDetail) -> None:
        old = self.detail
        # the thread is rebuilt only when it changed (a message or a delivery state):
        # a refresh after a status change keeps the agent's scroll and folds
        same = (
            old is not None
            and old.ticket.id == detail.ticket.id
            and [m.id for m in old.messages] == [m.id for m in detail.messages]
            and old.deliveries == detail.deliveries
        )
        self.detail = detail
        self.ticket_id = detail.ticket.id
        ticket = detail.ticket
        title = Text()
        title.append(f" {ticket.ref} ", style="bold reverse")
        title.append(" ")
        title.append_text(mail_line(ticket.subject or "(no subject)", style="bold"))
        title.append(f"   {self.index + 1} of {self.total}", style="dim")
        self.query_one("#ticket-title", Static).update(title)
        self.query_one("#facts", Static).update(self.facts(detail))
        history = Text()
        for event in detail.events[-40:]:
            history.append(f"{when(event.at)} ", style="dim")
            history.append(f"{event.actor} ", style="magenta")
            history.append(event.kind.replace("_", " "))
            change = event.data.get("to")
            if change is not None or "tag" in event.data:
                history.append_text(
                    mail_line(f" → {change if change is not None else event.data['tag']}")
                )
            history.append("\n")
        self.query_one("#history", Static).update(history)
        if same:
            return
        self.look_for_drafts(ticket.id)
        thread = self.query_one("#thread", VerticalScroll)
        thread.remove_children()
        self.hidden = list(detail.messages[:-FIRST_BATCH])
        self.deliveries = detail.deliveries
        views = [
            MessageView(m, detail.deliveries.get(m.id)) for m in detail.messages[-FIRST_BATCH:]
        ]
        if self.hidden:
            thread.mount(Static(id="earlier", markup=False))
            self.update_earlier()
        thread.mount_all(views)
        if views:
            self.call_after_refresh(views[-1].focus)
            self.call_after_refresh(thread.scroll_end, animate=False)

    def facts(self, detail: TicketDetail) -> Text:
        ticket = detail.ticket
        due_text, due_state = countdown(ticket.due_at)
        text = Text()

        def row(label: str, value: Text | str, style: str = "") -> None:
            text.append(f"{label:<11}", style="dim")
            text.append_text(value if isinstance(value, Text) else Text(value, style=style))
            text.append("\n")

        row("status", ticket.status, "bold")
        row("priority", ticket.priority, "bold red" if ticket.priority == "urgent" else "")
        row("category", ticket.category.replace("_", " "))
        row("assignee", mail_line(ticket.assignee or "nobody", style="magenta"))
        claim = detail.claim.line(self.console.service.me)
        mine = detail.claim.holder == self.console.service.me
        row("claim", mail_line(claim, style="bold green" if mine else "bold yellow"))
        row("tags", mail_line(", ".join(ticket.tags) or "-"))
        row("customer", mail_line(ticket.customer_name or "-", style="bold"))
        row("", mail_line(ticket.customer_address or ""))
        row("created", when(ticket.created_at))
        row("1st reply", when(ticket.first_response_at) or "not yet")
        row("customer", when(ticket.last_customer_at))
        row(
            "SLA due",
            due_text or "(no SLA yet)",
            {"breached": "bold red", "risk": "yellow"}.get(due_state, "dim"),
        )
        row("messages", str(ticket.message_count))
        return text

    # -- actions ---------------------------------------------------------------
    def target_ids(self) -> list[int]:
        return [self.ticket_id] if self.detail else []

    def current_value(self, field: str) -> str | None:
        value = getattr(self.detail.ticket, field, None) if self.detail else None
        return value if isinstance(value, str) else None

    def reload_ticket(self) -> None:
        self.load_ticket(self.ticket_id)

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        verb = "Undone" if message.undone else "Saved"
        self.notify(f"{verb}: {message.change.label}")
        self.load_ticket(self.ticket_id)

    def on_sync_updated(self, message: SyncUpdated) -> None:
        if message.result is not None and message.result.stored:
            self.load_ticket(self.ticket_id)

    def action_claim(self) -> None:
        if self.detail is not None:
            self.ask_claim(self.ticket_id)

    @console_worker("claim the ticket", group="claim")
    def ask_claim(self, ticket_id: int) -> None:
        try:
            said = self.console.service.toggle_claim(ticket_id)
        except ClaimRefused as refused:
            self.post_message(ActionFailed(str(refused)))
            return
        self.post_message(ClaimQueued(said, bool(self.console.service.sync_accounts())))

    def on_claim_queued(self, message: ClaimQueued) -> None:
        """Said, shown, and published by a round started now (when there is an
        account: without one the claim waits in the queue, and the agent is told)."""
        if message.syncing:
            self.notify(f"{message.said.capitalize()}: the team's log decides", markup=False)
            self.console.action_sync_now(quiet=True)
        else:
            self.notify(
                f"{message.said.capitalize()}: the team's log decides once a mail account"
                " syncs (agentconsole account add)",
                markup=False,
            )
        self.load_ticket(self.ticket_id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_neighbour(self, step: int) -> None:
        target = self.index + step
        if not 0 <= target < self.total:
            self.notify("No more tickets in this view")
            return
        self.load_neighbour(target)

    @console_worker("open the next ticket", group="ticket", exclusive=True)
    def load_neighbour(self, index: int) -> None:
        service = self.console.service
        page = service.queue_page(self.query_text, self.sort, index, 1)
        if not page:
            self.post_message(ActionFailed("No more tickets in this view"))
            return
        self.post_message(Navigated(index, service.ticket_detail(page[0].id)))

    def on_navigated(self, message: Navigated) -> None:
        self.index = message.index
        self.detail = None
        self.show(message.detail)

    def update_earlier(self) -> None:
        marker = self.query_one("#earlier", Static)
        if not self.hidden:
            marker.remove()
            return
        marker.update(
            Text(
                f"⋯ {len(self.hidden)} earlier messages (k at the top loads more, g loads all)",
                style="dim italic",
            )
        )

    def load_earlier(self, count: int) -> list[MessageView]:
        """Mount up to ``count`` more of the older messages above the shown ones."""
        if not self.hidden:
            return []
        batch, self.hidden = self.hidden[-count:], self.hidden[:-count]
        views = [MessageView(m, self.deliveries.get(m.id)) for m in batch]
        self.query_one("#thread", VerticalScroll).mount_all(views, after="#earlier")
        self.update_earlier()
        return views

    def action_first_message(self) -> None:
        views = self.load_earlier(len(self.hidden)) or self._messages()[:1]
        if views:
            self.call_after_refresh(views[0].focus)
            self.call_after_refresh(views[0].scroll_visible, animate=False)

    def action_last_message(self) -> None:
        views = self._messages()
        if views:
            views[-1].focus()
            views[-1].scroll_visible(animate=False)

    def _messages(self) -> list[MessageView]:
        return list(self.query(MessageView))

    def _focused_message(self) -> MessageView | None:
        focused = self.focused
        if isinstance(focused, MessageView):
            return focused
        views = self._messages()
        return views[-1] if views else None

    def action_focus_message(self, step: int) -> None:
        views = self._messages()
        if not views:
            return
        current = self._focused_message()
        index = views.index(current) if current in views else len(views) - 1
        if index + step < 0 and self.hidden:
            earlier = self.load_earlier(EARLIER_BATCH)
            self.call_after_refresh(earlier[-1].focus)
            self.call_after_refresh(earlier[-1].scroll_visible, animate=False)
            return
        target = views[max(0, min(len(views) - 1, index + step))]
        target.focus()
        target.scroll_visible(animate=False)

    def action_fold(self) -> None:
        view = self._focused_message()
        if view:
            view.toggle_fold()

    def action_reveal(self) -> None:
        view = self._focused_message()
        if view is None or not view.masked.found or view.revealed:
            self.notify("Nothing masked in this message")
            return
        self.record_reveal(view)

    @console_worker("reveal the masked data", group="reveal")
    def record_reveal(self, view: MessageView) -> None:
        self.console.service.record_reveal(self.ticket_id, view.message.id)
        self.app.call_from_thread(view.reveal)
        self.app.call_from_thread(self.load_ticket, self.ticket_id)

    def action_save_attachments(self) -> None:
        view = self._focused_message()
        if view is None or not view.message.attachments:
            self.notify("This message has no attachments")
            return
        default = str(
            Path("~/Downloads/agentconsole") / (self.detail.ticket.ref if self.detail else "")
        )

        def chosen(folder: str | None) -> None:
            if folder:
                self.save_files(view.message.id, Path(folder))

        self.app.push_screen(PromptModal("Save attachments to folder", value=default), chosen)

    @console_worker("save the attachments", group="save")
    def save_files(self, message_id: int, folder: Path) -> None:
        paths = self.console.service.save_attachments(message_id, folder)
        self.post_message(AttachmentsSaved([str(p) for p in paths]))

    def on_attachments_saved(self, message: AttachmentsSaved) -> None:
        self.notify("Saved " + ", ".join(message.paths), markup=False)

    def action_customer(self) -> None:
        if self.detail and self.detail.ticket.customer_id is not None:
            from agentconsole.screens.customers import CustomerScreen

            self.app.push_screen(CustomerScreen(customer_id=self.detail.ticket.customer_id))
