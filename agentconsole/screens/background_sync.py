"""The console's background sync: a round every ``[sync] interval`` seconds, on ctrl+r,
and as soon as the server reports new mail, in thread workers (never on the UI thread).

While the console runs, one more worker per account holds IMAP IDLE on its first
followed folder (:func:`agentconsole.sync.imap_watch.watch_folder`) and posts
:class:`MailArrived` when the server says a message came: a round starts at once (or
right after the one running), so new mail is in the queue within seconds. A server
without IDLE, or a watch that keeps failing, leaves the rounds at the interval
(polling). The watch ends within half a second when the console quits. ``[sync]
interval = 0`` (rounds only on ctrl+r) holds no watch either.

A round (:mod:`agentconsole.sync.round`) brings new mail in, runs the team's log,
queues acknowledgements and delivers the outbox, each in short transactions on a
connection of its own, so the agent keeps working while it runs. Its outcome goes to
every screen on the stack as :class:`SyncUpdated`: the queue shows it in its status
line and reloads when the round stored something, the ticket view reloads its ticket;
a claim the log decided is told at once, won or lost.
"""

from __future__ import annotations

from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from agentconsole.config import Config
from agentconsole.screens.events import WorkerFailed
from agentconsole.screens.workers import console_worker
from agentconsole.service import ConsoleService
from agentconsole.store.accounts import Account
from agentconsole.sync.round_result import ClaimDecided, RoundResult
from agentconsole.textsafe import safe_line
from agentconsole.widgets.sync_status import SYNCING, state_of, status_text


class SyncUpdated(Message):
    """The sync's status line changed (``result`` is None while a round runs)."""

    def __init__(self, line: str, state: str, result: RoundResult | None) -> None:
        self.line = line
        self.state = state
        self.result = result
        super().__init__()


class SyncRoundStarted(Message):
    """A round began (the store has a mail account)."""


class SyncRoundDone(Message):
    """A round ended (``result`` is None: there is no account to sync)."""

    def __init__(self, result: RoundResult | None, accounts: list[Account]) -> None:
        self.result = result
        self.accounts = accounts
        super().__init__()


class MailArrived(Message):
    """The server told an account's watch that new mail came (from its thread)."""

    def __init__(self, account: str) -> None:
        self.account = account
        super().__init__()


def claim_notice(decided: ClaimDecided, me: str) -> tuple[str, SeverityLevel]:
    """What the agent is told when the log decided one of their claims, and how."""
    if decided.holder == me:
        return f"{decided.ticket_ref}: you hold it", "information"
    if decided.holder is None:
        return f"{decided.ticket_ref}: your claim was released meanwhile", "warning"
    holder = safe_line(decided.holder, 40)
    return f"{decided.ticket_ref}: {holder} holds it (claimed before you)", "warning"


SYNC_WHAT = "sync the mailbox"
"""The sync worker's name in a failure notice ("Could not sync the mailbox: ...")."""
WATCH_WHAT = "watch the mailbox for new mail"
WATCH_GROUP = "sync-watch"
"""The watches' worker group: they run until the console quits."""


class SyncingApp(App[None]):
    """The part of the console that runs sync rounds and spreads their outcome."""

    config: Config
    service: ConsoleService

    def init_sync(self) -> None:
        self.sync_line: tuple[str, str] | None = None
        """(line, state) of the status line, for a queue screen mounted later."""
        self._round: Worker[None] | None = None
        self._sync_timer: Timer | None = None
        self._again = False
        """New mail was reported while a round ran: another round follows it."""
        self._watched: set[str] = set()
        """Accounts whose watch was started (once: a server without IDLE is polled)."""

    def start_sync(self) -> None:
        """A first round now, then one every interval (none when it is 0)."""
        self.action_sync_now(quiet=True)
        if self.config.sync_interval:
            self._sync_timer = self.set_interval(
                self.config.sync_interval, lambda: self.action_sync_now(quiet=True)
            )

    def action_sync_now(self, quiet: bool = False) -> None:
        """Start a round unless one is running (then ctrl+r says so)."""
        if self._round is not None and self._round.is_running:
            if not quiet:
                self.notify("A sync is running already")
            return
        self._again = False
        self._round = self.sync_round()

    @console_worker(SYNC_WHAT, group="sync")
    def sync_round(self) -> None:
        accounts = self.service.sync_accounts()
        if not accounts:
            self.post_message(SyncRoundDone(None, accounts))
            return
        self.post_message(SyncRoundStarted())
        worker = get_current_worker()
        # quitting cancels the worker: the round stops between FETCH batches, so the
        # console does not sit blank until a large first sync is done
        result = self.service.sync_round(accounts, should_stop=lambda: worker.is_cancelled)
        self.post_message(SyncRoundDone(result, accounts))

    @console_worker(WATCH_WHAT, group=WATCH_GROUP)
    def watch_mail(self, account: Account) -> None:
        """Hold IDLE until the console quits (its worker is cancelled then)."""
        stop = get_current_worker().cancelled_event

        def arrived() -> None:
            self.post_message(MailArrived(account.name))

        self.service.watch_mail(account, arrived, stop)

    def on_mail_arrived(self, _message: MailArrived) -> None:
        if self._round is not None and self._round.is_running:
            self._again = True  # it may have planned the folder already
        else:
            self.action_sync_now(quiet=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The round ended (its thread too): the one new mail asked for meanwhile."""
        if event.worker is self._round and event.worker.is_finished and self._again:
            self.action_sync_now(quiet=True)

    def on_sync_round_started(self, _message: SyncRoundStarted) -> None:
        self._spread(SYNCING, "syncing", None)

    def on_sync_round_done(self, message: SyncRoundDone) -> None:
        if self.config.sync_interval:
            for account in message.accounts:
                if account.name not in self._watched:
                    self._watched.add(account.name)
                    self.watch_mail(account)
        result = message.result
        if result is None:
            return
        self._spread(status_text(result, self.config.sync_interval), state_of(result), result)
        for decided in result.claims:
            text, severity = claim_notice(decided, self.service.me)
            self.notify(text, title="Claim", severity=severity, markup=False)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """A round that raised (logged and told by the app's own handler) must not
        leave the status line at "syncing…"."""
        if message.what == SYNC_WHAT:
            reason = safe_line(f"{type(message.error).__name__}: {message.error}", 160)
            self._spread(f"error: {reason}", "error", None)

    def _spread(self, line: str, state: str, result: RoundResult | None) -> None:
        self.sync_line = (line, state)
        for screen in self.screen_stack:
            screen.post_message(SyncUpdated(line, state, result))
