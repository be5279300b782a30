"""A sync with nothing new asks the server for no SEARCH and no FETCH: EXAMINE's UIDNEXT
against the stored checkpoint says every folder (and the team's log) is read to its
end. Counted on the wire by a thin IMAPClient that records each command it sends to a
real Dovecot."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from agentconsole.store import open_db
from agentconsole.store.accounts import Account
from agentconsole.sync import imap_session
from agentconsole.sync.round import run_round
from tests.dovecot import Dovecot
from tests.mailfactory import SUPPORT, mail, make_config
from tests.outboxfactory import loopback_account

SENT: list[bytes] = []
"""Every command line the sync sent, while the counting client is in place."""


class CountingClient(IMAPClient):
    """A real IMAPClient that also notes each command line it writes."""

    def _create_IMAP4(self) -> Any:  # noqa: N802 - imapclient's name
        imap = super()._create_IMAP4()
        send = imap.send

        def noted(data: bytes) -> None:
            SENT.append(bytes(data))
            send(data)

        imap.send = noted
        return imap


def commands() -> list[str]:
    """The IMAP command of each tagged line sent (``UID SEARCH`` counts as SEARCH)."""
    names = []
    for line in b"".join(SENT).split(b"\r\n"):
        words = line.split()
        if len(words) >= 2 and words[0].isalnum() and words[1].isalpha():
            verb = words[2] if words[1].upper() == b"UID" and len(words) > 2 else words[1]
            names.append(verb.decode().upper())
    return names


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    SENT.clear()
    monkeypatch.setattr(imap_session, "IMAPClient", CountingClient)
    yield SENT
    SENT.clear()


def customer(n: int) -> bytes:
    return mail(
        sender=f"Customer {n} <c{n}@example.org>",
        subject=f"Question {n} about my card",
        body="Hello",
        msgid=f"<question-{n}@example.org>",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_db(tmp_path / "store.db").conn
    yield conn
    conn.close()


def account_of(server: Dovecot) -> Account:
    return loopback_account(1, imap_host=server.host, imap_port=server.port, user=server.user)


def test_nothing_new_sends_no_search_or_fetch_and_new_mail_still_comes(
    store: sqlite3.Connection, dovecot: Dovecot, counting: list[bytes]
) -> None:
    dovecot.deliver_many("INBOX", [customer(n) for n in range(3)])
    dovecot.create_folder("Sent")
    config = make_config(from_address=SUPPORT)
    account = account_of(dovecot)
    first = run_round(store, account, config, password=dovecot.password)
    assert (first.new_messages, first.error, first.offline) == (3, "", "")
    assert "FETCH" in commands()  # the counting client sees what the sync sends

    SENT.clear()
    again = run_round(store, account, config, password=dovecot.password)
    assert (again.new_messages, again.error, again.offline) == (0, "", "")
    sent = commands()
    assert sent.count("EXAMINE") >= 3, sent  # INBOX, Sent and the team's log
    assert [c for c in sent if c in ("SEARCH", "FETCH")] == [], sent

    dovecot.deliver("INBOX", customer(3))
    SENT.clear()
    later = run_round(store, account, config, password=dovecot.password)
    assert (later.new_messages, later.new_tickets) == (1, 1)
    assert "FETCH" in commands()
    [(count,)] = store.execute("SELECT count(*) FROM messages").fetchall()
    assert count == 4


def test_a_sync_asked_for_older_mail_still_searches(
    store: sqlite3.Connection, dovecot: Dovecot, counting: list[bytes]
) -> None:
    """Nothing new above the checkpoint, but a first ``--since`` sync left older mail
    unread: widening it must search, not skip."""
    import datetime as dt

    from agentconsole.sync.imap_session import ImapSession
    from agentconsole.sync.imap_sync import day_start, sync_account

    old = dt.datetime(2024, 1, 5, tzinfo=dt.UTC)
    dovecot.deliver("INBOX", customer(0), when=old)
    dovecot.deliver("INBOX", customer(1))
    config = make_config(from_address=SUPPORT, sync_folders=("INBOX",))
    session = ImapSession(account_of(dovecot), dovecot.password)
    try:
        since = day_start(dt.date.today() - dt.timedelta(days=30))
        first = sync_account(store, session, config, since_at=since)
        assert first.summary.imported == 1
        SENT.clear()
        wider = sync_account(store, session, config)
        assert wider.summary.imported == 1
        assert "SEARCH" in commands()
    finally:
        session.close()
