"""What the console asks of the core, in one object safe to call from worker threads.

A thin adapter: reads go to the store, every change to the domain layer
(:mod:`agentconsole.domain`), which owns the rules and records the events. The console
never runs SQL itself: its workers call this service and post the results back as
messages. Each thread gets its own SQLite connection (a connection must not be
used by two threads at once), all on the same WAL database, so a slow page load never
blocks a write. Changes return a :class:`Change` that knows how to undo itself.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from agentconsole.attachments import save_all
from agentconsole.compose import drafts as draft_store
from agentconsole.compose.build import new_draft, template_inputs
from agentconsole.compose.checks import SendResult, lint_draft, send_draft
from agentconsole.compose.mime import AttachmentFile, check_attachment
from agentconsole.compose.traffic import Meanwhile, meanwhile
from agentconsole.config import Config
from agentconsole.domain import customers as customer_rules
from agentconsole.domain import tickets as ticket_rules
from agentconsole.domain.claim_view import ClaimView, claim_view, toggle_claim
from agentconsole.domain.tickets import Change
from agentconsole.drilldown import PeriodPick
from agentconsole.lint import Finding, RuleSet, load_rules
from agentconsole.mail.parse import attachment_payloads
from agentconsole.models import Customer, Event, Message, Ticket
from agentconsole.periods import Period, local_midnight, today
from agentconsole.store import open_db
from agentconsole.store.accounts import Account, list_accounts
from agentconsole.store.customers import (
    CustomerStats,
    customer_stats,
    find_customers,
    get_customer,
)
from agentconsole.store.dashboard_rows import (
    NowFigures,
    change_stamp,
    now_figures,
    only_ids,
    period_ticket_ids,
    replied_refs,
)
from agentconsole.store.db import connect
from agentconsole.store.drafts import Draft
from agentconsole.store.events import ticket_events
from agentconsole.store.message_rows import has_messages
from agentconsole.store.messages import raw_message, ticket_messages
from agentconsole.store.outbox import OutboxEntry, ticket_outbox
from agentconsole.store.query import TicketQuery, compile_query
from agentconsole.store.ticket_rows import assignees
from agentconsole.store.tickets import count_tickets, get_ticket, list_tickets
from agentconsole.store.txn import set_cache_size

if TYPE_CHECKING:
    from agentconsole.canned import Library
    from agentconsole.domain.sla_reload import PolicyCheck, PolicyWatch
    from agentconsole.sla.report import Report
    from agentconsole.sync.round_result import RoundResult

__all__ = ["Change", "ConsoleService", "CustomerCard", "TicketDetail"]

P = ParamSpec("P")
R = TypeVar("R")


def _with_connection(method: Callable[P, R]) -> Callable[P, R]:
    """Run a service method with a pooled connection borrowed for the call."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        service = args[0]
        assert isinstance(service, ConsoleService)
        with service._borrow():
            return method(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    messages: list[Message]
    events: list[Event]
    deliveries: dict[int, OutboxEntry] = field(default_factory=dict)
    """The outbox entry of each outgoing message (by message id): queued, sent, failed."""
    claim: ClaimView = ClaimView(None)
    """Who holds the ticket in the team's log, and this agent's request still queued."""


@dataclass(frozen=True)
class CustomerCard:
    customer: Customer
    stats: CustomerStats
    tickets: list[Ticket] = field(default_factory=list)


class ConsoleService:
    """The console's access to the store."""

    def __init__(self, db_path: Path, config: Config) -> None:
        self.db_path = db_path
        self.config = config
        self.me = config.agent
        self._lock = threading.Lock()
        self._shared: sqlite3.Connection | None = None
        self._local = threading.local()
        self._rules: RuleSet | None = None
        self._canned: Library | None = None
        self._canned_lock = threading.Lock()
        self._policy_watch: PolicyWatch | None = None
        self._lists: dict[str, tuple[int, ...]] = {}
        """Ticket lists the dashboard's period numbers opened, by name."""
        self._watch_lock = threading.Lock()

    @property
    def policy_watch(self) -> PolicyWatch:
        """The SLA policy file in force, read again when it changes. Made (and the
        policy code imported, ~0.2 s) on first use, in a worker: not at start."""
        with self._watch_lock:
            if self._policy_watch is None:
                from agentconsole.domain.sla_reload import PolicyWatch
                from agentconsole.sla.policies import config_folder

                self._policy_watch = PolicyWatch(
                    self.config.sla_policies or None, config_dir=config_folder()
                )
            return self._policy_watch

    def load_policies(self) -> PolicyCheck:
        """Look at the SLA policy file in force and read it if it is new or changed
        (:class:`~agentconsole.domain.sla_reload.PolicyWatch`: one ``stat`` when it is
        not). A broken file never raises: the last good policies stay in force and the
        outcome says what is wrong. The console calls it on a timer, in a worker."""
        return self.policy_watch.check()

    def _policies_ready(self) -> None:
        """Before a change's write transaction: the policy file read once, if the
        watcher has not yet (read inside, it (~0.3 s) would hold the write lock an
        import or sync is waiting for). Never raises: see :meth:`load_policies`."""
        if not self.policy_watch.checked:
            self.policy_watch.check()

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        """The connection, for this thread, for the duration of one call.

        Workers are short-lived threads, and every query the console makes takes
        milliseconds, so calls take turns on one long-lived connection whose page
        cache stays warm (a connection per worker starts cold every time and made
        filters several times slower). Nested calls on the same thread re-enter."""
        held: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        with self._lock:
            if self._shared is None:
                self._shared = open_db(self.db_path).conn
                set_cache_size(self._shared, 131072)  # 128 MiB at most
            self._local.conn = self._shared
            try:
                yield self._shared
            finally:
                self._local.conn = None

    def conn(self) -> sqlite3.Connection:
        """The connection borrowed by the current call (see :meth:`_borrow`)."""
        held: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if held is None:
            raise RuntimeError("ConsoleService.conn() outside a service call")
        return held

    # -- reading -------------------------------------------------------------
    @_with_connection
    def is_empty(self) -> bool:
        return not has_messages(self.conn())

    def compile(self, query: str) -> TicketQuery:
        """``query`` compiled; one that starts with the name of a ticket list the
        dashboard made (:meth:`period_list`) is the rest narrowed to that list."""
        head, _, rest = query.partition(" ")
        listed = self._lists.get(head)
        if listed is None:
            return compile_query(query, me=self.me)
        return only_ids(compile_query(rest, me=self.me), listed)

    @_with_connection
    def queue_count(self, query: str) -> int:
        return count_tickets(self.conn(), self.compile(query))

    @_with_connection
    def queue_page(
        self, query: str, sort: str, offset: int, limit: int, total: int | None = None
    ) -> list[Ticket]:
        compiled = self.compile(query)
        return list_tickets(
            self.conn(), compiled, sort=sort, offset=offset, limit=limit, total=total
        )

    @_with_connection
    def ticket_detail(self, ticket_id: int) -> TicketDetail:
        conn = self.conn()
        return TicketDetail(
            get_ticket(conn, ticket_id),
            ticket_messages(conn, ticket_id),
            ticket_events(conn, ticket_id),
            {entry.message_id: entry for entry in ticket_outbox(conn, ticket_id)},
            claim_view(conn, ticket_id, self.me),
        )

    @_with_connection
    def agents(self) -> list[str]:
        names = [self.me, *assignees(self.conn())]
        return list(dict.fromkeys(names))

    @_with_connection
    def find_customers(self, query: str) -> list[Customer]:
        return find_customers(self.conn(), query, limit=50)

    @_with_connection
    def customer_card(self, customer_id: int) -> CustomerCard:
        conn = self.conn()
        customer = get_customer(conn, customer_id)
        compiled = compile_query("")
        where = compiled.where + " AND t.customer_id = ?"
        tickets = list_tickets(
            conn, type(compiled)(text="", where=where, params=(customer_id,)), limit=200
        )
        return CustomerCard(customer, customer_stats(conn, customer_id), tickets)

    # -- the dashboard (agentconsole.store.dashboard_rows) ----------------------------
    @_with_connection
    def dashboard_now(self) -> NowFigures:
        """The "now" figures; replies are counted since local midnight."""
        now = int(time.time())
        day_start = local_midnight(today(now))
        return now_figures(self.conn(), now=now, day_start=day_start, me=self.me)

    @_with_connection
    def dashboard_period(self, period: Period) -> Report:
        """The SLA report over the period's local days (``agentconsole sla report``'s
        figures), days counted at the local offset of its first day."""
        from agentconsole.sla.report import build_report

        since = period.day_starts()[0]
        offset = datetime.fromtimestamp(since).astimezone().utcoffset() or timedelta()
        return build_report(
            self.conn(),
            since,
            period.until(),
            now=int(time.time()),
            utc_offset=int(offset.total_seconds()),
        )

    def calendar_warnings(self, period: Period) -> list[str]:
        """A line per calendar of the policies in force that has no holiday data for
        this year or a year of ``period`` (its days off would be guessed), or why the
        policy file cannot be read."""
        from agentconsole.domain.sla import active_policy_set
        from agentconsole.sla.policies import PolicyError

        try:
            policy_set = active_policy_set()
        except PolicyError as exc:
            return [f"SLA policies: {exc}"]
        years = sorted({today().year, *range(period.first.year, period.last.year + 1)})
        lines = []
        for name, calendar in sorted(policy_set.calendars.items()):
            missing = [str(year) for year in years if not calendar.has_data_for(year)]
            if missing:
                lines.append(
                    f"calendar {name}: no official {calendar.country} holiday data for"
                    f" {', '.join(missing)}: days off and make-up working days are guessed"
                    f" (agentconsole sla check {' '.join('--year ' + y for y in missing)}"
                    " says what to add)"
                )
        return lines

    @_with_connection
    def period_list(self, report: Report, period: Period, pick: PeriodPick) -> tuple[str, int]:
        """The tickets one number of the period's ``report`` counted, as a list the
        queue shows by name (the first word of its query, see :meth:`compile`), and
        how many: the figures are the report's own, at its ``now``."""
        ids = period_ticket_ids(
            self.conn(),
            pick.figure,
            since=report.since,
            until=report.until,
            now=report.now,
            offset=report.utc_offset,
            day=pick.day,
        )
        span = pick.day or f"{period.first.isoformat()}..{period.last.isoformat()}"
        name = f"#{pick.figure.replace('_', '-')}@{span}"
        self._lists[name] = tuple(ids)
        return name, len(ids)

    @_with_connection
    def replied_today(self, agent: str, limit: int) -> list[str]:
        """The refs of the tickets ``agent`` replied to today (newest first)."""
        since = local_midnight(today())
        return replied_refs(self.conn(), agent, since, limit)

    @_with_connection
    def change_stamp(self) -> tuple[int, int]:
        """Changes when anything (this console or another process) wrote to the store
        since the last call: the dashboard polls it to refresh."""
        return change_stamp(self.conn())

    # -- the SLA clocks (agentconsole.domain.sla), each on a connection of its own --
    def recompute_sla(
        self, progress: Callable[[int, int], None], stop: Callable[[], bool] | None = None
    ) -> int:
        """Every ticket's due times under the policies in force (after the file
        changed); ``progress(done, total)`` after each batch; how many changed. On a
        connection of its own, in the domain's short transactions: the console's reads
        and an agent's changes take turns with it for the seconds it runs. ``stop()``
        true ends it between two batches (the console quitting)."""
        from agentconsole.domain import sla

        conn = connect(self.db_path)
        try:
            return sla.recompute_all(conn, sla.active_policy_set(), progress=progress, stop=stop)
        finally:
            conn.close()

    def sla_sweep(self, now: int) -> int:
        """Record the at-risk and breach instants that came by ``now`` on tickets nobody
        touched (and apply the escalation rules); how many tickets it visited. Nothing
        when the policy file cannot be read and none was read before."""
        from agentconsole.domain import sla

        self._policies_ready()
        policy_set = sla.policy_set_for_changes()
        if policy_set is None:
            return 0
        conn = connect(self.db_path)
        try:
            return sla.sweep(conn, policy_set, now=now)
        finally:
            conn.close()

    # -- changing (the domain's rules, on this thread's connection) -----------
    @_with_connection
    def change(self, ticket_ids: list[int], field_name: str, value: str | None) -> Change:
        self._policies_ready()  # before the write lock, not inside it
        return ticket_rules.change_field(self.conn(), ticket_ids, field_name, value, actor=self.me)

    @_with_connection
    def change_tags(self, ticket_ids: list[int], add: list[str], remove: list[str]) -> Change:
        self._policies_ready()  # before the write lock, not inside it
        return ticket_rules.change_tags(self.conn(), ticket_ids, add, remove, actor=self.me)

    @_with_connection
    def escalate(self, ticket_ids: list[int]) -> Change:
        self._policies_ready()  # before the write lock, not inside it
        return ticket_rules.escalate(self.conn(), ticket_ids, actor=self.me)

    @_with_connection
    def undo(self, change: Change) -> None:
        self._policies_ready()  # before the write lock, not inside it
        ticket_rules.undo(self.conn(), change, actor=self.me)

    @_with_connection
    def merge_customers(self, keep: int, merge: int) -> None:
        customer_rules.merge_customers(self.conn(), keep, merge, actor=self.me)

    @_with_connection
    def record_reveal(self, ticket_id: int, message_id: int) -> None:
        """Showing masked data is allowed, and always on the record."""
        ticket_rules.record_reveal(self.conn(), ticket_id, [message_id], actor=self.me)

    @_with_connection
    def save_attachments(self, message_id: int, folder: Path) -> list[Path]:
        """Write a message's attachments into ``folder``; never overwrite a file or
        follow a link already there."""
        payloads = attachment_payloads(raw_message(self.conn(), message_id))
        return save_all(folder, ((item.filename, content) for item, content in payloads))

    # -- composing (agentconsole.compose; sending records through the domain) -----
    @_with_connection
    def new_draft(self, ticket_id: int, mode: str, canned_text: str | None = None) -> Draft:
        """A reply, reply-all, forward or note filled in from the thread (not saved)."""
        return new_draft(self.conn(), ticket_id, mode, self.config, canned_text=canned_text)

    @_with_connection
    def save_draft(self, draft: Draft) -> Draft:
        """Store the draft as typed so far; returns it with its id."""
        return draft_store.save_draft(self.conn(), draft)

    @_with_connection
    def drafts_for(self, ticket_id: int) -> list[Draft]:
        return draft_store.drafts_for(self.conn(), ticket_id)

    @_with_connection
    def discard_draft(self, draft_id: int) -> bool:
        return draft_store.discard_draft(self.conn(), draft_id)

    @_with_connection
    def outbox_for(self, ticket_id: int) -> list[OutboxEntry]:
        """The ticket's mail in the outbox (the ticket view says what still waits)."""
        return ticket_outbox(self.conn(), ticket_id)

    def lint_rules(self) -> RuleSet:
        """The linter's rules, read from their files once (drafts are linted as the
        agent types)."""
        if self._rules is None:
            self._rules = load_rules(self.config)
        return self._rules

    @_with_connection
    def lint_draft(self, draft: Draft) -> list[Finding]:
        """The etiquette linter's findings on the part of the draft the agent wrote."""
        return lint_draft(draft, self.conn(), self.config, self.lint_rules())

    @_with_connection
    def send_draft(self, draft: Draft, override_reason: str | None = None) -> SendResult:
        """Lint and send: a reply is stored and queued, a note stored, in one
        transaction; blocked (nothing written) when an error finding is not overridden
        with a reason."""
        self._policies_ready()
        return send_draft(
            self.conn(),
            draft,
            self.config,
            actor=self.me,
            override_reason=override_reason,
            rules=self.lint_rules(),
        )

    def check_attachment(self, path: str) -> AttachmentFile:
        """The file at ``path`` with its size, if it can be attached; ComposeError
        naming it when it is missing, unreadable or too large (never a silent skip)."""
        return check_attachment(path)

    # -- canned responses (agentconsole.canned) ----------------------------------------
    def canned_library(self) -> Library:
        """The canned responses, loaded once (the first call, in a worker) and kept.
        Imported here: the search's pinyin tables cost the console's start nothing."""
        from agentconsole.canned import load_library

        with self._canned_lock:
            if self._canned is None:
                self._canned = load_library(self.config)
            return self._canned

    @_with_connection
    def canned_values(self, ticket_id: int) -> tuple[Ticket, dict[str, object]]:
        """The ticket and what a canned response may say about it (its variables)."""
        from agentconsole.canned import template_values

        conn = self.conn()
        ticket = get_ticket(conn, ticket_id)
        customer = get_customer(conn, ticket.customer_id) if ticket.customer_id else None
        return ticket, template_values(*template_inputs(ticket, customer), self.config)

    # -- background sync and claims (agentconsole.sync.round, domain.claim_view) -------
    @_with_connection
    def sync_accounts(self) -> list[Account]:
        """The accounts the console syncs (every one, by name); none: no sync."""
        return list_accounts(self.conn())

    def sync_round(
        self, accounts: list[Account], should_stop: Callable[[], bool] = lambda: False
    ) -> RoundResult:
        """One round of mail in, the team's log and mail out for each account, on a
        connection of its own: a round takes seconds in many short transactions, and
        the console's reads and an agent's changes go on meanwhile through the shared
        connection. Imported here: the network code costs the console's start nothing.
        ``should_stop`` (the console quitting) ends the round between FETCH batches."""
        from agentconsole.sync.round import run_round
        from agentconsole.sync.round_result import combined

        conn = connect(self.db_path)
        try:
            results = []
            for account in accounts:
                results.append(run_round(conn, account, self.config, should_stop=should_stop))
                if should_stop():
                    break
            return combined(results)
        finally:
            conn.close()

    def watch_mail(
        self, account: Account, on_new: Callable[[], None], stop: threading.Event
    ) -> str:
        """Hold IMAP IDLE on the account's first followed folder until ``stop`` is set,
        calling ``on_new`` when mail arrives (:func:`agentconsole.sync.imap_watch.
        watch_folder`); how it ended. No database: only the keyring and the server."""
        from agentconsole.sync.imap_watch import GAVE_UP, watch_folder
        from agentconsole.sync.secrets import SecretError, read_password

        try:
            password = read_password(account.secret_key)
        except SecretError:
            return GAVE_UP  # the round says why
        if password is None:
            return GAVE_UP
        folder = self.config.sync_folders[0] if self.config.sync_folders else "INBOX"
        return watch_folder(account, password, folder, on_new, stop)

    @_with_connection
    def toggle_claim(self, ticket_id: int) -> str:
        """Claim the ticket, or release this agent's claim: queued for the next round
        (ClaimRefused when there is nothing to ask)."""
        return toggle_claim(self.conn(), ticket_id, self.me)

    @_with_connection
    def meanwhile(self, ticket_id: int, since: int) -> list[Meanwhile]:
        """What others did to the ticket after ``since`` (Traffic Cop, before sending)."""
        conn = self.conn()
        return meanwhile(
            ticket_messages(conn, ticket_id),
            ticket_events(conn, ticket_id),
            {entry.message_id for entry in ticket_outbox(conn, ticket_id)},
            claim_view(conn, ticket_id, self.me).holder,
            since=since,
            me=self.me,
        )
