"""The team event log on a real Dovecot: consoles with their own databases and their
own IMAP connections, racing for the same tickets at the same moment."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from agentconsole.domain import claims
from agentconsole.domain.tickets import set_tags, update_ticket
from agentconsole.store.accounts import Account
from agentconsole.store.db import connect
from agentconsole.store.events import ticket_events
from agentconsole.store.remote_events import log_cursor, queued_count
from agentconsole.sync.team_log import LogSession, LogUnavailable, log_session
from tests.conftest import ROOT
from tests.dovecot import Dovecot
from tests.mailfactory import ingest
from tests.smtpserver import free_port
from tests.teamlog import machine, state, ticket_id, ticket_mail

ROUNDS = 20


def account_of(server: Dovecot) -> Account:
    return Account(
        name="support",
        imap_host=server.host,
        imap_port=server.port,
        imap_security="plain",
        user=server.user,
        smtp_host=server.host,
        smtp_port=25,
        smtp_security="plain",
        smtp_user=server.user,
        from_address=server.user,
    )


def in_parallel(count: int, work: Callable[[int], object]) -> list[object]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


class Console:
    """One agent's machine: its own database and its own IMAP session."""

    def __init__(self, server: Dovecot, tickets: int) -> None:
        self.conn: sqlite3.Connection = machine(tickets)
        self._session = log_session(self.conn, account_of(server), server.password)
        self.log: LogSession = self._session.__enter__()

    def close(self) -> None:
        self._session.__exit__(None, None, None)


@pytest.mark.parametrize("consoles", [2, 20])
def test_consoles_claiming_at_once_give_one_winner_everywhere_every_round(
    dovecot: Dovecot, consoles: int
) -> None:
    team = in_parallel(consoles, lambda _: Console(dovecot, ROUNDS))
    try:
        for number in range(ROUNDS):
            start = threading.Barrier(consoles, timeout=120)

            def claim(index: int, number: int = number, start: threading.Barrier = start) -> str:
                console = team[index]
                ticket = ticket_id(console.conn, number)
                start.wait()
                claims.ask(console.conn, ticket, claims.CLAIM, f"agent-{index}")
                console.log.sync()
                return claims.holder(console.conn, ticket) or ""

            told = in_parallel(consoles, claim)
            winners = [f"agent-{i}" for i, holder in enumerate(told) if holder == f"agent-{i}"]
            assert len(winners) == 1, (number, told)
            # every loser was told who won, at once: its own sync decided its claim
            assert told == winners * consoles, (number, told)
        for console in team:
            console.log.read()
        holders = [
            [claims.holder(c.conn, ticket_id(c.conn, n)) for n in range(ROUNDS)] for c in team
        ]
        assert all(h == holders[0] for h in holders)
        assert all(queued_count(c.conn) == 0 for c in team)
        (uids,) = {log_cursor(c.conn, "support", "AgentConsole/Events") for c in team}
        assert uids is not None and uids[1] == consoles * ROUNDS  # one message per claim
    finally:
        for console in team:
            console.close()


def test_two_consoles_assigning_and_tagging_at_once_converge(dovecot: Dovecot) -> None:
    team = [Console(dovecot, 3), Console(dovecot, 3)]
    start = threading.Barrier(2, timeout=120)

    def work(index: int) -> None:
        console, rng = team[index], random.Random(index)
        start.wait()
        for step in range(40):
            ids = [ticket_id(console.conn, rng.randrange(3))]
            choice = rng.randrange(4)
            if choice == 0:
                update_ticket(
                    console.conn, ids, "assignee", rng.choice("xyz") + str(index), actor=f"a{index}"
                )
            elif choice == 1:
                update_ticket(
                    console.conn,
                    ids,
                    "status",
                    rng.choice(["open", "pending", "solved"]),
                    actor=f"a{index}",
                )
            else:
                tag = rng.choice(["vip", "kyc", "refund"])
                add, remove = ([tag], []) if choice == 2 else ([], [tag])
                set_tags(console.conn, ids, add, remove, actor=f"a{index}")
            if step % 3 == 0:
                console.log.sync()

    try:
        in_parallel(2, work)
        for _ in range(2):
            for console in team:
                console.log.sync()
        for number in range(3):
            assert state(team[0].conn, number) == state(team[1].conn, number)
        assert [queued_count(c.conn) for c in team] == [0, 0]
    finally:
        for console in team:
            console.close()


def test_a_foreign_message_in_the_folder_is_skipped_with_its_reason(dovecot: Dovecot) -> None:
    dovecot.create_folder("AgentConsole/Events")
    dovecot.deliver("AgentConsole/Events", ticket_mail(0))
    console = Console(dovecot, 1)
    try:
        update_ticket(console.conn, [ticket_id(console.conn, 0)], "priority", "high", actor="li")
        report = console.log.sync()
        assert report.refused == [(1, "not an agentconsole event (Content-Type text/plain)")]
        assert report.published == 1
        assert [(a.kind, a.outcome) for a in report.applied] == [("priority", "own")]
        other = Console(dovecot, 1)
        try:
            assert [(a.kind, a.outcome) for a in other.log.read().applied] == [
                ("priority", "applied")
            ]
            assert state(other.conn, 0) == state(console.conn, 0)
        finally:
            other.close()
    finally:
        console.close()


def test_changes_made_while_the_server_is_gone_are_published_on_reconnect(
    dovecot: Dovecot,
) -> None:
    offline = machine(1)
    update_ticket(offline, [ticket_id(offline, 0)], "assignee", "lin", actor="lin")
    gone = replace(account_of(dovecot), imap_port=free_port())  # nothing listens there
    with pytest.raises(LogUnavailable, match="connection refused"):
        with log_session(offline, gone, dovecot.password):
            pass
    assert queued_count(offline) == 1
    with log_session(offline, account_of(dovecot), dovecot.password) as session:
        assert session.sync().published == 1
    assert queued_count(offline) == 0
    other = Console(dovecot, 1)
    try:
        other.log.read()
        assert state(other.conn, 0)[3] == "lin"
    finally:
        other.close()


def test_a_new_uidvalidity_reads_the_folder_again_without_applying_twice(
    dovecot: Dovecot,
) -> None:
    writer, reader = Console(dovecot, 1), Console(dovecot, 1)
    try:
        set_tags(writer.conn, [ticket_id(writer.conn, 0)], ["vip"], [], actor="ana")
        update_ticket(writer.conn, [ticket_id(writer.conn, 0)], "assignee", "ana", actor="ana")
        writer.log.sync()
        assert [a.outcome for a in reader.log.read().applied] == ["applied", "applied"]
        dovecot.set_uidvalidity("AgentConsole/Events", 777)
        again = reader.log.read()
        assert (again.read, [a.outcome for a in again.applied]) == (1, ["duplicate"] * 2)
        assert log_cursor(reader.conn, "support", "AgentConsole/Events") == (777, 1)
        assert state(reader.conn, 0) == state(writer.conn, 0)
        assert reader.log.read().read == 0
    finally:
        writer.close()
        reader.close()


def test_a_dropped_connection_is_reported_and_nothing_is_lost(dovecot: Dovecot) -> None:
    console = machine(1)
    with pytest.raises(LogUnavailable, match="^the connection to the IMAP server .* was lost"):
        with log_session(console, account_of(dovecot), dovecot.password) as session:
            update_ticket(console, [ticket_id(console, 0)], "priority", "low", actor="li")
            dovecot.kick()
            session.sync()
    assert queued_count(console) == 1
    with log_session(console, account_of(dovecot), dovecot.password) as session:
        assert session.sync().published == 1
    assert queued_count(console) == 0


MESSAGES = 300
READER = """
import sys
from agentconsole.store.db import connect
from agentconsole.sync.team_log import log_session
from tests.integration.test_team_log_imap import account_from_argv
conn = connect(sys.argv[1])
with log_session(conn, account_from_argv(), sys.argv[4]) as session:
    print("reading", flush=True)
    session.read()
"""


def account_from_argv() -> Account:
    """The account a reader subprocess is given (db, host, port, password, user)."""
    import sys

    return Account(
        name="support",
        imap_host=sys.argv[2],
        imap_port=int(sys.argv[3]),
        imap_security="plain",
        user=sys.argv[5],
        smtp_host=sys.argv[2],
        smtp_port=25,
        smtp_security="plain",
        smtp_user=sys.argv[5],
        from_address=sys.argv[5],
    )


def test_a_reader_killed_mid_read_three_times_ends_with_every_event_once(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    writer = Console(dovecot, 3)
    try:
        for step in range(MESSAGES):  # one message per change: a long folder to read
            ids = [ticket_id(writer.conn, step % 3)]
            update_ticket(writer.conn, ids, "assignee", f"agent-{step}", actor="ana")
            writer.log.publish()
        writer.log.read()
    finally:
        writer.close()
    db = tmp_path / "reader.db"
    reader = connect(db)
    ingest(reader, [ticket_mail(n) for n in range(3)])
    reader.close()
    args = [str(db), dovecot.host, str(dovecot.port), dovecot.password, dovecot.user]
    cursors: list[int] = []
    for delay in (0.02, 0.1, 0.2):
        child = subprocess.Popen(
            [sys.executable, "-c", READER, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"reading\n"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        check = connect(db)
        cursors.append((log_cursor(check, "support", "AgentConsole/Events") or (0, 0))[1])
        check.close()
    assert cursors[0] < MESSAGES and cursors == sorted(cursors)  # really cut mid-read
    reader = connect(db)
    with log_session(reader, account_of(dovecot), dovecot.password) as session:
        session.read()
    cursor = log_cursor(reader, "support", "AgentConsole/Events")
    assert cursor is not None and cursor[1] == MESSAGES
    logged = [e for n in range(3) for e in ticket_events(reader, ticket_id(reader, n))]
    assert len([e for e in logged if e.kind == "assignee" and e.log_seq]) == MESSAGES
    for number in range(3):
        assert state(reader, number) == state(writer.conn, number)


def test_events_appended_to_a_folder_that_was_replaced_are_appended_again(
    dovecot: Dovecot,
) -> None:
    writer = Console(dovecot, 1)
    try:
        writer.log.sync()
        update_ticket(writer.conn, [ticket_id(writer.conn, 0)], "category", "security", actor="ana")
        assert writer.log.publish() == 1
        assert writer.log.publish() == 0  # appended once, waiting to be read back
        dovecot.delete_folder("AgentConsole/Events")
        time.sleep(1.1)  # Dovecot's UIDVALIDITY is a time in seconds
        dovecot.create_folder("AgentConsole/Events")
        report = writer.log.sync()
        assert (report.published, [a.outcome for a in report.applied]) == (1, ["own"])
        assert queued_count(writer.conn) == 0
    finally:
        writer.close()
    reader = Console(dovecot, 1)
    try:
        reader.log.read()
        assert state(reader.conn, 0)[2] == "security"
    finally:
        reader.close()
