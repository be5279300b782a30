"""The ticket actions shared by the queue and the ticket view.

A screen that mixes this in says which tickets an action applies to
(:meth:`TicketActions.target_ids`); the action asks for a value in a small modal, then
a thread worker writes the change through the service and posts
:class:`~agentconsole.screens.events.TicketsChanged` back (a failure goes to the app's
one handler, see :mod:`agentconsole.screens.workers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from agentconsole.models import CATEGORIES, PRIORITIES, STATUSES
from agentconsole.screens.events import ActionFailed, TicketsChanged
from agentconsole.screens.pickers import ChoiceModal, PromptModal
from agentconsole.screens.workers import console_worker
from agentconsole.service import Change

if TYPE_CHECKING:
    from agentconsole.app import AgentConsole

ACTION_BINDINGS: list[BindingType] = [
    Binding("a", "assign", "Assign", id="ticket.assign", tooltip="Assign to me or another agent"),
    Binding("s", "status", "Status", id="ticket.status", tooltip="Set the status"),
    Binding("p", "priority", "Priority", id="ticket.priority", tooltip="Set the priority"),
    Binding("c", "category", "Category", id="ticket.category", tooltip="Set the category"),
    Binding("t", "tags", "Tags", id="ticket.tags", tooltip="Add (+tag) or remove (-tag) tags"),
    Binding(
        "e",
        "escalate",
        "Escalate",
        id="ticket.escalate",
        tooltip="Pass to a senior agent: priority high, tag escalated",
    ),
    Binding("u", "undo", "Undo", id="ticket.undo", tooltip="Undo the last change"),
]


class ConsoleScreen(Screen[None]):
    """A screen of the console: gives typed access to the app (its service, config)."""

    @property
    def console(self) -> AgentConsole:
        from agentconsole.app import AgentConsole

        assert isinstance(self.app, AgentConsole)
        return self.app

    def on_action_failed(self, message: ActionFailed) -> None:
        """A worker could not do what was asked: say why, never crash."""
        self.notify(message.error, title="Not done", severity="error", markup=False)


class TicketActions(ConsoleScreen):
    """Base for screens that act on tickets."""

    BINDINGS: ClassVar[list[BindingType]] = ACTION_BINDINGS

    def target_ids(self) -> list[int]:
        """The tickets an action applies to (selection, or the one under the cursor)."""
        raise NotImplementedError

    def current_value(self, field: str) -> str | None:
        """The value of ``field`` on the ticket under the cursor, to preselect it."""
        return None

    def _pick(self, field: str, title: str, choices: list[tuple[str, str]]) -> None:
        ids = self.target_ids()
        if not ids:
            self.notify("No ticket to change", severity="warning")
            return

        def chosen(value: str | None) -> None:
            if value is not None:
                self.apply_change(ids, field, value)

        label = f"{title} ({len(ids)} tickets)" if len(ids) > 1 else title
        self.app.push_screen(ChoiceModal(label, choices, self.current_value(field)), chosen)

    def action_status(self) -> None:
        self._pick("status", "Status", [(s, s) for s in STATUSES])

    def action_priority(self) -> None:
        self._pick("priority", "Priority", [(p, p) for p in PRIORITIES])

    def action_category(self) -> None:
        self._pick("category", "Category", [(c, c.replace("_", " ")) for c in CATEGORIES])

    def action_assign(self) -> None:
        ids = self.target_ids()
        if not ids:
            self.notify("No ticket to assign", severity="warning")
            return
        me = self.console.service.me
        others = [a for a in self.console.agent_names if a != me]
        choices = [
            (me, f"me ({me})"),
            *((a, a) for a in others),
            ("", "nobody"),
            ("?", "someone else…"),
        ]

        def chosen(value: str | None) -> None:
            if value == "?":
                self.app.push_screen(PromptModal("Assign to", placeholder="agent name"), typed)
            elif value is not None:
                self.apply_change(ids, "assignee", value or None)

        def typed(value: str | None) -> None:
            if value and value.strip():
                self.apply_change(ids, "assignee", value.strip())

        self.app.push_screen(
            ChoiceModal("Assign to", choices, self.current_value("assignee")), chosen
        )

    def action_tags(self) -> None:
        ids = self.target_ids()
        if not ids:
            return

        def typed(value: str | None) -> None:
            if not value:
                return
            words = value.replace(",", " ").split()
            add = [w.lstrip("+") for w in words if not w.startswith("-")]
            remove = [w[1:] for w in words if w.startswith("-") and len(w) > 1]
            self.apply_tags(ids, add, remove)

        self.app.push_screen(
            PromptModal(
                "Tags", placeholder="vip +refund -spam", help_text="words to add; -word removes"
            ),
            typed,
        )

    def action_escalate(self) -> None:
        ids = self.target_ids()
        if ids:
            self.run_escalate(ids)

    def action_undo(self) -> None:
        if not self.console.undo_stack:
            self.notify("Nothing to undo")
            return
        self.run_undo(self.console.undo_stack.pop())

    @console_worker("save the change", group="changes")
    def apply_change(self, ids: list[int], field: str, value: str | None) -> None:
        self.post_message(TicketsChanged(self.console.service.change(ids, field, value)))

    @console_worker("change the tags", group="changes")
    def apply_tags(self, ids: list[int], add: list[str], remove: list[str]) -> None:
        self.post_message(TicketsChanged(self.console.service.change_tags(ids, add, remove)))

    @console_worker("escalate", group="changes")
    def run_escalate(self, ids: list[int]) -> None:
        self.post_message(TicketsChanged(self.console.service.escalate(ids)))

    @console_worker("undo the change", group="changes")
    def run_undo(self, change: Change) -> None:
        self.console.service.undo(change)
        self.post_message(TicketsChanged(change, undone=True))
