"""The console's background sync, claims and Traffic Cop against real servers: a
private Dovecot (tests/dovecot.py) holds the shared mailbox and the team's log, an
aiosmtpd server takes the outbox. A teammate is a second database doing what
``agentconsole claim`` does (the team log's functions) on the same mailbox."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path

import keyring
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from agentconsole.app import AgentConsole
from agentconsole.config import Config
from agentconsole.domain import claims
from agentconsole.screens.background_sync import WATCH_GROUP
from agentconsole.screens.compose import ComposeScreen
from agentconsole.screens.pickers import ChoiceModal
from agentconsole.screens.ticket import TicketScreen
from agentconsole.service import ConsoleService
from agentconsole.store import open_db
from agentconsole.store.accounts import Account, add_account
from agentconsole.sync.round import run_round
from agentconsole.sync.round_result import RoundResult
from agentconsole.sync.secrets import store_password
from agentconsole.sync.team_log import log_session
from agentconsole.widgets.sync_status import SyncStatus
from agentconsole.widgets.ticket_table import TicketTable
from tests.dovecot import Dovecot
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, filter_queue, settle, text_of
from tests.functional.test_console_compose import notices
from tests.integration.test_sync import NO_IDLE
from tests.keyring_backend import MemoryKeyring
from tests.mailfactory import SUPPORT, mail, make_config
from tests.outboxfactory import loopback_account, queue_replies
from tests.smtpserver import SmtpServer

CUSTOMER_ID = "<refund-77@example.org>"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def account(dovecot: Dovecot, smtp: SmtpServer, memory_keyring: MemoryKeyring) -> Account:
    """The shared mailbox's account, its password in the (test's) keyring."""
    shared = loopback_account(
        smtp.port, imap_host=dovecot.host, imap_port=dovecot.port, user=dovecot.user
    )
    store_password(shared.secret_key, dovecot.password)
    return shared


def with_account(db: Path, account: Account) -> Path:
    conn = open_db(db).conn
    add_account(conn, account)
    conn.close()
    return db


def customer_mail(subject: str = "Refund 77 still missing", msgid: str = CUSTOMER_ID) -> bytes:
    return mail(
        sender="Zhao Lei <zhao@example.org>",
        subject=subject,
        body="Where is my refund?",
        msgid=msgid,
        date=formatdate(time.time() - 60),
    )


def status_line(app: AgentConsole) -> str:
    return app.screen_stack[1].query_one(SyncStatus).text


async def sync_now(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)


def teammate(tmp_path: Path, account: Account, dovecot: Dovecot) -> sqlite3.Connection:
    """Ana's own database, synced with the mailbox."""
    conn = open_db(tmp_path / "ana.db").conn
    result = run_round(conn, account, make_config(agent="ana"), password=dovecot.password)
    assert (result.offline, result.error) == ("", "")
    return conn


def claim_as_ana(conn: sqlite3.Connection, account: Account, dovecot: Dovecot) -> None:
    """What ``agentconsole claim REF --agent ana`` does on ana's machine."""
    [(ticket_id,)] = conn.execute("SELECT id FROM tickets").fetchall()
    claims.ask(conn, ticket_id, claims.CLAIM, "ana")
    with log_session(conn, account, dovecot.password) as session:
        session.sync()
    assert claims.holder(conn, ticket_id) == "ana"


def pause_dovecot(server: Dovecot) -> None:
    """Stop the master by its pid, keeping its folder, so that it can start again."""
    pid = int((server.root / "run" / "master.pid").read_text().strip())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("dovecot did not stop")


def config_for(interval: int = 0, **over: object) -> Config:
    return make_config(sync_interval=interval, from_address=SUPPORT, **over)


async def open_refund_ticket(pilot: Pilot[None]) -> TicketScreen:
    table = await filter_queue(pilot, "Refund 77")
    assert table.total == 1
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    return screen


def facts(screen: TicketScreen) -> str:
    return text_of(screen.query_one("#facts", Static))


async def test_new_mail_shows_in_the_queue_after_a_round(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the first round runs at start: nothing new on the server
        assert status_line(app).startswith("synced ")
        assert status_line(app).endswith(" · 0 new")
        table = await filter_queue(pilot, "Refund 77")
        assert table.total == 0
        dovecot.deliver("INBOX", customer_mail())
        await sync_now(pilot)
        assert status_line(app).endswith(" · 1 new"), status_line(app)
        assert app.screen.query_one(TicketTable).total == 1  # the queue reloaded itself
        row = app.screen.query_one(TicketTable).ticket_at(0)
        assert row is not None and row.subject == "Refund 77 still missing"


async def test_offline_when_the_server_stops_and_synced_when_it_is_back(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    app = console(config_for(interval=60), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert status_line(app).startswith("synced ")
        pause_dovecot(dovecot)
        await sync_now(pilot)
        line = status_line(app)
        assert line == (
            "offline (retry in 60 s): IMAP: connection refused by the IMAP server"
            f" 127.0.0.1:{dovecot.port} (nothing listens)"
        )
        assert app.screen_stack[1].query_one(SyncStatus).has_class("offline")
        dovecot.start()
        dovecot.deliver("INBOX", customer_mail())
        await sync_now(pilot)
        # ctrl+r's round or the IDLE watch's, back on the server too, stored it
        assert status_line(app).startswith("synced "), status_line(app)
        assert not app.screen_stack[1].query_one(SyncStatus).has_class("offline")
        table = await filter_queue(pilot, "Refund 77")
        assert table.total == 1


async def test_a_refused_login_is_an_error_and_the_password_is_never_shown(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    account: Account,
    memory_keyring: MemoryKeyring,
) -> None:
    store_password(account.secret_key, "[bold]wrong-secret[/bold]")
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = status_line(app)
        assert line == f"error: IMAP: IMAP login refused for {account.user!r}", line
        assert "wrong-secret" not in line


async def test_a_teammates_claim_shows_in_the_queue_and_the_ticket_view(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    tmp_path: Path,
    account: Account,
    dovecot: Dovecot,
) -> None:
    dovecot.deliver("INBOX", customer_mail())
    ana = teammate(tmp_path, account, dovecot)
    claim_as_ana(ana, account, dovecot)
    ana.close()
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the first round brings the mail and ana's claim
        table = await filter_queue(pilot, "Refund 77")
        row = "".join(segment.text for segment in table.render_line(0))
        assert "⚑ ana · Refund 77 still missing" in row, row
        screen = await open_refund_ticket(pilot)
        assert "claim      claimed by ana" in facts(screen)
        await pilot.press("h")
        await settle(pilot)
        ref = screen.detail.ticket.ref if screen.detail else ""
        assert f"{ref}: ana holds it" in notices(app)


async def test_a_claim_is_queued_then_decided_and_released(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    dovecot.deliver("INBOX", customer_mail())
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_refund_ticket(pilot)
        assert "claim      not claimed" in facts(screen)
        ref = screen.detail.ticket.ref if screen.detail else ""
        await pilot.press("h")  # queued, and a round started at once publishes it
        await settle(pilot)
        assert "Claim queued: the team's log decides" in notices(app)
        assert f"{ref}: you hold it" in notices(app)
        await settle(pilot)
        assert "claim      you hold it" in facts(screen)
        await pilot.press("h")
        await settle(pilot)
        assert "Release queued: the team's log decides" in notices(app)
        await settle(pilot)
        assert "claim      not claimed" in facts(screen)


async def test_the_loser_of_a_claim_is_told_at_once(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    tmp_path: Path,
    account: Account,
    dovecot: Dovecot,
) -> None:
    dovecot.deliver("INBOX", customer_mail())
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_refund_ticket(pilot)
        ref = screen.detail.ticket.ref if screen.detail else ""
        # ana claims first; this console has not read the log since
        ana = teammate(tmp_path, account, dovecot)
        claim_as_ana(ana, account, dovecot)
        ana.close()
        await pilot.press("h")
        await settle(pilot)
        assert "Claim queued: the team's log decides" in notices(app)
        assert f"{ref}: ana holds it (claimed before you)" in notices(app)
        await settle(pilot)
        assert "claim      claimed by ana" in facts(screen)


async def test_traffic_cop_names_who_replied_and_claimed_since_the_draft_began(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    tmp_path: Path,
    account: Account,
    dovecot: Dovecot,
    smtp: SmtpServer,
) -> None:
    dovecot.deliver("INBOX", customer_mail())
    ana = teammate(tmp_path, account, dovecot)
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_refund_ticket(pilot)
        await pilot.press("R")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        await pilot.press(*"It is on its way.")
        await pilot.pause(1.1)  # then ana claims the ticket and answers from her mail app
        claim_as_ana(ana, account, dovecot)
        ana.close()
        dovecot.deliver(
            "Sent",
            mail(
                sender=f"Ana Li <{SUPPORT}>",
                to="zhao@example.org",
                subject="Re: Refund 77 still missing",
                body="We sent it today.",
                msgid="<ana-reply-1@okwallet.example>",
                in_reply_to=CUSTOMER_ID,
                date=formatdate(time.time() + 1),
            ),
        )
        app.action_sync_now()  # the round the interval would start
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        title = modal.title_text
        assert title.startswith("Since you started: ana claimed the ticket at "), title
        assert "; Ana Li replied at " in title and title.endswith(". Send anyway?")
        await pilot.press("1")  # no: keep the draft
        await settle(pilot)
        assert app.screen is compose and "Not sent: the draft is kept" in notices(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("2")  # yes: send it
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        app.action_sync_now()  # the next round delivers it
        await settle(pilot)
    assert [r.rcpt_tos for r in smtp.received] == [("zhao@example.org",)]


def test_an_agents_change_commits_while_a_round_runs(
    demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    """Writers take turns: the console's changes (the same service call the status key
    makes) commit quickly while a round stores 300 new messages."""
    dovecot.deliver_many(
        "INBOX",
        [customer_mail(f"Bulk question {n}", f"<bulk-{n}@example.org>") for n in range(300)],
    )
    service = ConsoleService(with_account(demo_db, account), config_for())
    ticket = service.queue_page("", "created", 0, 1)[0].id
    results: list[RoundResult] = []
    running = threading.Thread(target=lambda: results.append(service.sync_round([account])))
    running.start()
    took: list[float] = []
    value = "pending"
    while running.is_alive():
        start = time.perf_counter()
        service.change([ticket], "status", value)
        took.append(time.perf_counter() - start)
        value = "open" if value == "pending" else "pending"
        time.sleep(0.02)
    running.join()
    [result] = results
    assert (result.new_messages, result.error, result.offline) == (300, "", "")
    assert len(took) >= 5, took
    assert max(took) < 0.5, sorted(took)[-5:]
    assert service.queue_count("Bulk question") == 300


async def test_without_an_account_a_claim_waits_queued_and_the_keys_are_listed(
    console: Callable[..., AgentConsole],
) -> None:
    app = console(config_for())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(SyncStatus).display  # no account: no sync line
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        await pilot.press("h")
        await settle(pilot)
        assert (
            "Claim queued: the team's log decides once a mail account syncs"
            " (agentconsole account add)"
        ) in notices(app)
        assert "claim      claim queued" in facts(screen)
        await pilot.press("question_mark")
        await settle(pilot)
        keys = text_of(app.screen.query(Static)[-1])
        assert "ticket.claim" in keys and "app.sync" in keys


async def test_a_round_that_fails_is_told_logged_and_ends_syncing(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    app = console(config_for(), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with store(demo_db) as conn:
            conn.execute("DROP TABLE sync_checkpoints")
        await sync_now(pilot)
        assert status_line(app) == "error: OperationalError: no such table: sync_checkpoints"
        log = demo_db.parent / "agentconsole.log"
        assert [n for n in notices(app) if n.startswith("Could not sync the mailbox: ")] == [
            f"Could not sync the mailbox: no such table: sync_checkpoints (details in {log})"
        ]
        assert "could not sync the mailbox" in log.read_text(encoding="utf-8")


def test_with_the_imap_server_down_a_round_still_delivers_the_outbox(
    tmp_path: Path, account: Account, dovecot: Dovecot, smtp: SmtpServer
) -> None:
    conn = open_db(tmp_path / "store.db").conn
    queue_replies(conn, 1)
    pause_dovecot(dovecot)
    result = run_round(conn, account, config_for())
    conn.close()
    assert result.offline == (
        f"IMAP: connection refused by the IMAP server 127.0.0.1:{dovecot.port} (nothing listens)"
    )
    assert (result.error, result.sent, result.new_messages) == ("", 1, 0)
    assert [r.rcpt_tos for r in smtp.received] == [("c1@example.org",)]


def imap_sessions(server: Dovecot) -> int:
    """How many IMAP connections the server holds for its user (``doveadm who``)."""
    lines = server.doveadm("who", "-1", ok=(0, 68)).splitlines()[1:]
    return sum(1 for line in lines if " imap " in f" {line} ")


async def until(pilot: Pilot[None], done: Callable[[], bool], seconds: float) -> float:
    """Let the console run until ``done()``; how long it took (fails after ``seconds``)."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        await pilot.pause(0.05)
    return time.monotonic() - started


async def test_with_idle_new_mail_is_in_the_queue_within_seconds(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    """No ctrl+r, and the next timed round an hour away: the console's IDLE watch."""
    app = console(config_for(interval=3600), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: imap_sessions(dovecot) == 1, 5)  # the watch, held
        table = await filter_queue(pilot, "Refund 77")
        assert table.total == 0
        for n in range(2):  # and again: the watch goes on after the first
            dovecot.deliver("INBOX", customer_mail(f"Refund 77 still missing {n}", f"<r{n}@x>"))
            await until(pilot, lambda n=n: app.screen.query_one(TicketTable).total == n + 1, 5)
        assert status_line(app).endswith(" · 1 new"), status_line(app)
        rows = [app.screen.query_one(TicketTable).ticket_at(i) for i in range(2)]
        assert {row.subject for row in rows if row} == {
            "Refund 77 still missing 0",
            "Refund 77 still missing 1",
        }


async def test_the_console_quits_at_once_while_idle_is_held(
    console: Callable[..., AgentConsole], demo_db: Path, account: Account, dovecot: Dovecot
) -> None:
    app = console(config_for(interval=3600), with_account(demo_db, account))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: imap_sessions(dovecot) == 1, 5)
        watches = [w for w in app.workers if w.group == WATCH_GROUP]
        assert [w.name for w in watches] == ["watch the mailbox for new mail"]
        started = time.monotonic()
        await pilot.press("ctrl+q")
    assert time.monotonic() - started < 1.5
    deadline = time.monotonic() + 2  # the watch's thread drops its connection and ends
    while imap_sessions(dovecot) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert imap_sessions(dovecot) == 0


async def test_without_idle_on_the_server_the_console_polls(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    dovecot_factory: Callable[..., Dovecot],
    smtp: SmtpServer,
    memory_keyring: MemoryKeyring,
) -> None:
    server = dovecot_factory(extra=NO_IDLE)
    plain = loopback_account(
        smtp.port, imap_host=server.host, imap_port=server.port, user=server.user
    )
    store_password(plain.secret_key, server.password)
    app = console(config_for(interval=1), with_account(demo_db, plain))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # no IDLE: the watch ended at once, and holds no connection
        await until(pilot, lambda: not [w for w in app.workers if w.group == WATCH_GROUP], 5)
        assert imap_sessions(server) == 0
        table = await filter_queue(pilot, "Refund 77")
        assert table.total == 0
        server.deliver("INBOX", customer_mail())
        await until(pilot, lambda: app.screen.query_one(TicketTable).total == 1, 5)


async def test_every_account_is_synced_by_a_round(
    console: Callable[..., AgentConsole],
    demo_db: Path,
    account: Account,
    dovecot: Dovecot,
    dovecot_factory: Callable[..., Dovecot],
    smtp: SmtpServer,
) -> None:
    other = dovecot_factory()
    sales = loopback_account(
        smtp.port, name="sales", imap_host=other.host, imap_port=other.port, user=other.user
    )
    store_password(sales.secret_key, other.password)
    dovecot.deliver("INBOX", customer_mail())
    other.deliver("INBOX", customer_mail("Refund 77 for sales", "<refund-78@example.org>"))
    app = console(config_for(), with_account(with_account(demo_db, account), sales))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert status_line(app).endswith(" · 2 new"), status_line(app)
        table = await filter_queue(pilot, "Refund 77")
        assert table.total == 2
        pause_dovecot(other)
        await sync_now(pilot)
        assert status_line(app) == (
            "offline (ctrl+r retries): sales: IMAP: connection refused by the IMAP server"
            f" 127.0.0.1:{other.port} (nothing listens)"
        )
