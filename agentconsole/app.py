"""The console application: screens, global keys, keymap, command palette.

``make_app`` is the one factory shared by the CLI and the tests, so what the tests
drive is exactly what agents run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from agentconsole.config import Config
from agentconsole.screens.background_sync import SyncingApp
from agentconsole.screens.events import TicketsChanged, WorkerFailed
from agentconsole.screens.sla_watch import SlaWatchingApp
from agentconsole.screens.workers import LOG_NAME, console_worker, failure_notice
from agentconsole.service import Change, ConsoleService

UNDO_DEPTH = 50


class AgentConsole(SlaWatchingApp, SyncingApp):
    """Keyboard-driven triage of a support mailbox."""

    CSS_PATH = "app.tcss"
    TITLE = "agentconsole"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "customers",
            "Customers",
            id="app.customers",
            tooltip="Find a customer by address, name, phone or id",
        ),
        Binding("question_mark", "keys", "Keys", id="app.help", tooltip="Show every key"),
        Binding(
            "ctrl+r",
            "sync_now",
            "Sync now",
            show=False,
            id="app.sync",
            tooltip="Sync the mailbox and the team's log now (else every [sync] interval)",
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit", priority=True),
    ]

    def __init__(self, config: Config, service: ConsoleService) -> None:
        super().__init__()
        self.config = config
        self.service = service
        self.undo_stack: list[Change] = []
        self.agent_names: list[str] = [service.me]
        self.failure_log = service.db_path.parent / LOG_NAME
        """Where every worker failure is written with its traceback (next to the
        database, so each store keeps its own)."""
        self.init_sync()
        self.init_sla_watch()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notice is plain text, whatever the caller says (a widget's ``notify``
        passes Textual's default, markup on): notices carry names, tags and server
        replies that came from mail or from teammates, and ``[/]`` in an assignee's
        name must show as typed, not end a style (or crash the console)."""
        del markup
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        from agentconsole.screens.queue import QueueScreen

        self.push_screen(QueueScreen())
        self.load_agents()
        self.start_sla_watch()
        self.start_sync()

    @console_worker("list the agents", group="agents")
    def load_agents(self) -> None:
        names = self.service.agents()
        self.call_from_thread(setattr, self, "agent_names", names)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """The one place a worker's failure lands: told (logged by the worker), and the
        app goes on."""
        notice = failure_notice(message.what, message.error, self.failure_log, message.logged)
        self.notify(notice, title="Not done", severity="error", markup=False, timeout=10)

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        if not message.undone:
            self.undo_stack.append(message.change)
            del self.undo_stack[:-UNDO_DEPTH]
        if message.change.field == "assignee":
            self.load_agents()

    async def action_quit(self) -> None:
        """Quit, after every reply being written is saved: quitting never loses one."""
        from agentconsole.screens.compose import ComposeScreen

        for screen in self.screen_stack:
            if isinstance(screen, ComposeScreen):
                await screen.flush()
        self.exit()

    def action_customers(self) -> None:
        from agentconsole.screens.customers import CustomerScreen

        if not isinstance(self.screen, CustomerScreen):
            self.push_screen(CustomerScreen())

    def action_keys(self) -> None:
        from agentconsole.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action of the current screen, with its key."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            name = binding.id or binding.action
            if name in seen or not binding.description:
                continue
            seen.add(name)
            title = f"{binding.description} ({self.get_key_display(binding)})"
            action = binding.action
            node = active.node

            def run(action: str = action, node: object = node) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(title, binding.tooltip or binding.description, run)
        yield from super().get_system_commands(screen)


def make_app(config: Config, db_path: Path) -> AgentConsole:
    """The console on the database at ``db_path`` (created if missing)."""
    return AgentConsole(config, ConsoleService(db_path, config))
