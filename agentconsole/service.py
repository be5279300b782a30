"""What the console asks of the store, in one object safe to call from worker threads.

The console never runs SQL itself: its workers call this service and post the results
back as messages. Each thread gets its own SQLite connection (a connection must not be
used by two threads at once), all on the same WAL database, so a slow page load never
blocks a write. Changes return a :class:`Change` that knows how to undo itself.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from agentconsole.attachments import save_all
from agentconsole.config import Config
from agentconsole.mail.parse import attachment_payloads
from agentconsole.models import Customer, Event, Message, Ticket
from agentconsole.store import open_db, write_txn
from agentconsole.store.customers import (
    CustomerStats,
    customer_stats,
    find_customers,
    get_customer,
    merge_customers,
)
from agentconsole.store.events import record_event, ticket_events
from agentconsole.store.messages import raw_message, ticket_messages
from agentconsole.store.query import compile_query
from agentconsole.store.tickets import (
    count_tickets,
    get_ticket,
    list_tickets,
    set_tags,
    update_ticket,
)

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
class Change:
    """One console action, as much as is needed to undo it."""

    label: str
    field: str | None = None
    previous: tuple[tuple[int, str | None], ...] = ()
    tags_added: tuple[tuple[int, str], ...] = ()
    tags_removed: tuple[tuple[int, str], ...] = ()
    extra: tuple[Change, ...] = ()

    @property
    def ticket_ids(self) -> list[int]:
        ids = [i for i, _ in self.previous] + [i for i, _ in self.tags_added]
        ids += [i for i, _ in self.tags_removed]
        for change in self.extra:
            ids += change.ticket_ids
        return sorted(set(ids))


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    messages: list[Message]
    events: list[Event]


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
                self._shared.execute("PRAGMA cache_size=-131072")  # 128 MiB at most
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
        return self.conn().execute("SELECT 1 FROM messages LIMIT 1").fetchone() is None

    @_with_connection
    def queue_count(self, query: str) -> int:
        return count_tickets(self.conn(), compile_query(query, me=self.me))

    @_with_connection
    def queue_page(
        self, query: str, sort: str, offset: int, limit: int, total: int | None = None
    ) -> list[Ticket]:
        compiled = compile_query(query, me=self.me)
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
        )

    @_with_connection
    def agents(self) -> list[str]:
        rows = self.conn().execute(
            "SELECT DISTINCT assignee FROM tickets WHERE assignee IS NOT NULL ORDER BY 1"
        )
        names = [self.me, *(row[0] for row in rows)]
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

    # -- changing ------------------------------------------------------------
    @_with_connection
    def change(self, ticket_ids: list[int], field_name: str, value: str | None) -> Change:
        previous = update_ticket(self.conn(), ticket_ids, field_name, value, actor=self.me)
        return Change(f"{field_name} → {value or 'nobody'}", field_name, tuple(previous))

    @_with_connection
    def change_tags(self, ticket_ids: list[int], add: list[str], remove: list[str]) -> Change:
        added, removed = set_tags(self.conn(), ticket_ids, add, remove, actor=self.me)
        return Change("tags", tags_added=tuple(added), tags_removed=tuple(removed))

    @_with_connection
    def escalate(self, ticket_ids: list[int]) -> Change:
        """Pass to a senior agent: priority at least high, tag ``escalated``, an event;
        all of it in one transaction."""
        conn = self.conn()
        with write_txn(conn):
            marks = ",".join("?" * len(ticket_ids))
            raise_ids = [
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM tickets WHERE id IN ({marks})"
                    " AND priority IN ('normal', 'low')",
                    ticket_ids,
                )
            ]
            priority = self.change(raise_ids, "priority", "high") if raise_ids else Change("")
            tags = self.change_tags(ticket_ids, ["escalated"], [])
            for ticket_id in ticket_ids:
                record_event(conn, "escalated", actor=self.me, ticket_id=ticket_id)
        return Change("escalated", extra=(priority, tags))

    @_with_connection
    def undo(self, change: Change) -> None:
        """Put back what ``change`` changed in one transaction, recording events as any
        change does."""
        conn = self.conn()
        with write_txn(conn):
            for inner in reversed(change.extra):
                self.undo(inner)
            if change.field:
                by_value: dict[str | None, list[int]] = {}
                for ticket_id, old in change.previous:
                    by_value.setdefault(old, []).append(ticket_id)
                for old, ids in by_value.items():
                    update_ticket(conn, ids, change.field, old, actor=self.me)
            for ticket_id, tag in change.tags_added:
                set_tags(conn, [ticket_id], [], [tag], actor=self.me)
            for ticket_id, tag in change.tags_removed:
                set_tags(conn, [ticket_id], [tag], [], actor=self.me)

    @_with_connection
    def merge_customers(self, keep: int, merge: int) -> None:
        merge_customers(self.conn(), keep, merge, actor=self.me)

    @_with_connection
    def record_reveal(self, ticket_id: int, message_id: int) -> None:
        """Showing masked data is allowed, and always on the record."""
        conn = self.conn()
        with write_txn(conn):
            record_event(
                conn,
                "sensitive_revealed",
                actor=self.me,
                ticket_id=ticket_id,
                message_id=message_id,
                data={"message": message_id},
            )

    @_with_connection
    def save_attachments(self, message_id: int, folder: Path) -> list[Path]:
        """Write a message's attachments into ``folder``; never overwrite a file or
        follow a link already there."""
        payloads = attachment_payloads(raw_message(self.conn(), message_id))
        return save_all(folder, ((item.filename, content) for item, content in payloads))
