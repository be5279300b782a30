"""Stores with replies waiting in the outbox, made the way an agent makes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agentconsole.compose.build import new_draft
from agentconsole.compose.send import record_draft
from agentconsole.store import open_db
from agentconsole.store.accounts import Account
from tests.mailfactory import ingest, mail, make_config


def customer_mail(n: int) -> bytes:
    """Customer ``n``'s question: its own sender, subject and Message-ID."""
    return mail(
        sender=f"Customer {n} <c{n}@example.org>",
        subject=f"Question number {n}",
        body=f"Hello, this is question {n}.",
        msgid=f"<q{n}@example.org>",
    )


def queue_replies(conn: sqlite3.Connection, count: int) -> list[int]:
    """Import ``count`` customer mails and queue one reply to each; their ticket ids."""
    config = make_config(from_address="support@okwallet.example", agent_name="Lin")
    ingest(conn, [customer_mail(n) for n in range(1, count + 1)], config)
    tickets = [int(r[0]) for r in conn.execute("SELECT id FROM tickets ORDER BY id")]
    for ticket in tickets:
        draft = new_draft(conn, ticket, "reply", config, canned_text="It is on its way.")
        record_draft(conn, draft, config, actor="lin")
    return tickets


def store_with_replies(path: Path, count: int) -> None:
    """A database file at ``path`` with ``count`` queued replies."""
    conn = open_db(path).conn
    queue_replies(conn, count)
    conn.close()


def loopback_account(port: int, **over: object) -> Account:
    """An account sending through 127.0.0.1:``port`` without TLS (tests only)."""
    values: dict[str, object] = {
        "name": "support",
        "imap_host": "127.0.0.1",
        "imap_port": 1,
        "imap_security": "plain",
        "user": "agent@okwallet.example",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "plain",
        "smtp_user": "agent@okwallet.example",
        "from_address": "support@okwallet.example",
    }
    values.update(over)
    return Account(**values)  # type: ignore[arg-type]
