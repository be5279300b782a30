"""A team of databases sharing an event log that is a plain list (tests only).

The list stands for the Events folder: publishing appends the messages
:func:`~agentconsole.sync.team_log.take_batches` gives, reading applies the entries
after a machine's checkpoint with :func:`~agentconsole.sync.team_log.apply_message`,
UID = index + 1. The IMAP tests move the same bytes through Dovecot instead."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from agentconsole.domain.remote import Applied
from agentconsole.store import open_db
from agentconsole.store.remote_events import log_cursor
from agentconsole.store.tickets import get_ticket, resolve_ref
from agentconsole.sync.event_codec import Refused
from agentconsole.sync.team_log import appended, apply_message, take_batches
from tests.mailfactory import ingest, mail

ACCOUNT, FOLDER, UIDVALIDITY = "team", "AgentConsole/Events", 7


@dataclass
class ListLog:
    entries: list[bytes] = field(default_factory=list)

    def publish(self, conn: sqlite3.Connection) -> int:
        count = 0
        for batch in take_batches(conn):
            self.entries.append(batch.message)
            appended(conn, batch)
            count += len(batch.event_ids)
        return count

    def fetch(self, conn: sqlite3.Connection) -> list[Applied]:
        cursor = log_cursor(conn, ACCOUNT, FOLDER)
        last = cursor[1] if cursor else 0
        done: list[Applied] = []
        for uid in range(last + 1, len(self.entries) + 1):
            outcome = apply_message(
                conn,
                self.entries[uid - 1],
                uid,
                account=ACCOUNT,
                folder=FOLDER,
                uidvalidity=UIDVALIDITY,
                now=1_800_000_000,
            )
            assert not isinstance(outcome, Refused), outcome
            done += outcome
        return done

    def sync(self, conn: sqlite3.Connection) -> list[Applied]:
        """What ``sync`` does: read, publish, read again."""
        done = self.fetch(conn)
        self.publish(conn)
        return done + self.fetch(conn)


def ticket_mail(number: int) -> bytes:
    return mail(
        msgid=f"<team{number}@example.com>",
        subject=f"Question {number}",
        date=f"Mon, 05 Oct 2026 1{number % 10}:00:00 +0800",
    )


def machine(tickets: int = 2) -> sqlite3.Connection:
    """A database of its own (its own machine id) holding the same tickets as every
    other made here."""
    conn = open_db(memory=True).conn
    ingest(conn, [ticket_mail(n) for n in range(tickets)])
    return conn


def ticket_id(conn: sqlite3.Connection, number: int) -> int:
    from agentconsole.refs import message_ref

    (found,) = resolve_ref(conn, message_ref(f"<team{number}@example.com>", b""))
    return found


def state(conn: sqlite3.Connection, number: int) -> tuple[object, ...]:
    """What an agent sees of a ticket: the fields agents change, and its tags."""
    ticket = get_ticket(conn, ticket_id(conn, number))
    return (ticket.status, ticket.priority, ticket.category, ticket.assignee, ticket.tags)
