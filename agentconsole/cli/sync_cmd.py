"""``agentconsole sync``: new mail from the accounts' IMAP folders into the store."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

import click
from imapclient.exceptions import IMAPClientError
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.account_cmd import account_password
from agentconsole.cli.deliver import ticket_ref_of
from agentconsole.cli.import_cmd import _MessagesColumn
from agentconsole.cli.output import (
    console,
    counted,
    emit_json,
    err_console,
    fail,
    fail_empty,
    table,
)
from agentconsole.compose.acknowledge import AckReport, acknowledge_new_tickets, skips_said
from agentconsole.config import Config
from agentconsole.store.accounts import Account, AccountNotFound, get_account, list_accounts
from agentconsole.sync.imap_session import ImapSession
from agentconsole.sync.imap_sync import (
    SyncError,
    SyncInputError,
    SyncReport,
    day_start,
    sync_account,
)
from agentconsole.sync.imap_watch import wait_for_mail
from agentconsole.sync.servers import ServerError
from agentconsole.sync.team_log import team_lines, team_round
from agentconsole.textsafe import safe_line

RETRY_SECONDS = 10.0
"""How soon --watch tries again after losing the server while waiting for mail."""
INTERVAL_RANGE = (1.0, 1740.0)
"""--interval bounds: a faster poll only hammers the server; an IDLE must be renewed
before the 29 minutes after which servers may drop it (RFC 2177)."""
_SINCE = re.compile(r"(\d{1,5})([dw])")


def parse_since(value: str, today: dt.date) -> int:
    """``180d``, ``12w`` or ``2026-05-01`` as the first second of that day (UTC)."""
    found = _SINCE.fullmatch(value.strip())
    try:
        if found:
            days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
            return day_start(today - dt.timedelta(days=days))
        return day_start(dt.date.fromisoformat(value.strip()))
    except (ValueError, OverflowError):
        pass
    fail(f"--since {value!r}: give days (180d), weeks (12w) or a date (2026-05-01)", 2)


def _accounts(conn: sqlite3.Connection, name: str | None) -> list[Account]:
    if name is not None:
        try:
            return [get_account(conn, name)]
        except AccountNotFound as exc:
            fail(str(exc), 2)
    accounts = list_accounts(conn)
    if not accounts:
        fail_empty("no mail accounts: add one with `agentconsole account add`")
    return accounts


class _Failed(Exception):
    """One account's sync failed; ``code`` is the exit status a single sync ends with."""

    def __init__(self, message: str, code: int, offline: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.offline = offline
        """The server could not be reached: --watch waits and tries again."""


def _sync_one(
    ctx: Context,
    account: Account,
    config: Config,
    *,
    folders: tuple[str, ...],
    since_at: int | None,
    bar: Progress | None,
    should_stop: Callable[[], bool],
) -> SyncReport:
    """Sync one account; :class:`_Failed` saying why it could not."""
    session = ImapSession(account, account_password(account))
    task: TaskID | None = None
    advance: Callable[[int, int], None] | None = None

    def planned(total: int) -> None:
        nonlocal task
        if bar is not None:
            task = bar.add_task(account.name, total=max(total, 1), messages=0)

    if bar is not None:

        def advance(done: int, messages: int) -> None:
            if task is not None and messages % 20 == 0:
                bar.update(task, completed=done, messages=messages)

    try:
        report = sync_account(
            ctx.conn(),
            session,
            config,
            folders=folders,
            since_at=since_at,
            progress=advance,
            on_plan=planned,
            should_stop=should_stop,
        )
        if not report.stopped:
            _team_round(ctx, session)
    except ServerError as exc:
        raise _Failed(f"{account.name}: IMAP: {exc}", 1, exc.kind != "auth") from None
    except SyncInputError as exc:
        raise _Failed(f"{account.name}: {exc}", 2) from None
    except SyncError as exc:
        raise _Failed(f"{account.name}: {exc}", 1, True) from None
    finally:
        session.close()
    if bar is not None and task is not None and not report.stopped:
        bar.update(task, completed=bar.tasks[task].total, messages=report.summary.messages_seen)
    return report


def _team_round(ctx: Context, session: ImapSession) -> None:
    """Publish this machine's ticket changes and apply the team's (the Events folder,
    docs/design/team-log.md); on stderr when anything moved, with each skip's reason."""
    for line in team_lines(team_round(ctx.conn(), session)):
        err_console.print(Text(f"{session.account.name}: {line}"))


def _print(report: SyncReport) -> None:
    rows = [
        (
            f.folder,
            f"{f.fetched:,}",
            str(f.last_uid),
            str(f.uidvalidity),
            "all"
            if f.since_at is None
            else dt.datetime.fromtimestamp(f.since_at, dt.UTC).date().isoformat(),
            "yes" if f.remapped else "",
        )
        for f in report.folders
    ]
    table(
        ("folder", "fetched", "up to UID", "UIDVALIDITY", "since", "re-mapped"),
        [tuple(safe_line(c) for c in row) for row in rows],
        title=f"Sync of {report.account}",
    )
    s = report.summary
    line = (
        f"{report.account}: {counted(s.imported, 'new message')} stored, {s.duplicates:,}"
        f" already stored, {counted(s.tickets_created, 'new ticket')},"
        f" {counted(s.followups, 'follow-up')}"
    )
    if report.reconnects:
        line += f"; the connection was lost and made again {counted(report.reconnects, 'time')}"
    console.print(Text(line))
    for error in s.errors[:20]:
        err_console.print(Text("warning: ", style="yellow") + Text(safe_line(error)))


@cli.command("sync")
@click.option("--account", "account_name", metavar="NAME", help="Sync only this account.")
@click.option(
    "--since",
    metavar="WHEN",
    help="First sync: only mail that arrived since (180d, 12w, 2026-05-01); later syncs"
    " without it fetch the rest.",
)
@click.option(
    "--folder",
    "folders",
    multiple=True,
    metavar="F",
    help="A folder to sync (repeat for more; default: [sync] folders, else INBOX and Sent).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option(
    "--watch",
    is_flag=True,
    help="Keep syncing: new mail arrives within seconds (IDLE), until Ctrl-C.",
)
@click.option(
    "--interval",
    type=float,
    default=300.0,
    show_default=True,
    help=f"With --watch: seconds between syncs without IDLE, and the longest IDLE"
    f" ({INTERVAL_RANGE[0]:g} to {INTERVAL_RANGE[1]:g}).",
)
@pass_context
def sync_command(
    ctx: Context,
    account_name: str | None,
    since: str | None,
    folders: tuple[str, ...],
    as_json: bool,
    watch: bool,
    interval: float,
) -> None:
    """Fetch new mail from the accounts' IMAP folders into the store.

    Sync is an import from the server: the same threading, customers and dedupe,
    so mail also imported from an export is stored once. Each folder remembers how
    far it got (UIDVALIDITY and UID), so the next sync fetches only what is new, and
    a sync that was interrupted simply continues. Folders are opened read-only:
    read/unread flags on the server never change. With [acknowledge] enabled, new
    tickets get their automatic acknowledgement queued (outbox --deliver sends it).
    Each account syncs on its own: the ones that fail are said after the others'
    results. Exits 1 when a server cannot be reached or refuses the login, 2 on a bad
    option or an unknown folder; Ctrl-C or SIGTERM stops between batches (what was
    stored stays), prints what was done and `sync stopped`, and exits 130 (0 with
    --watch, which runs until stopped).

    \b
    Examples:
      agentconsole sync
      agentconsole sync --account support --since 180d
      agentconsole sync --folder INBOX --folder Support/VIP --json
      agentconsole sync --watch          (one JSON line per round with --json)
    """
    low, high = INTERVAL_RANGE
    if not low <= interval <= high:
        fail(f"--interval {interval:g}: give at least {low:g} and at most {high:g} seconds", 2)
    today = dt.datetime.now(dt.UTC).date()
    since_at = parse_since(since, today) if since is not None else None
    accounts = _accounts(ctx.conn(), account_name)
    if watch:
        _watch(
            ctx, accounts, folders=folders, since_at=since_at, interval=interval, as_json=as_json
        )
        return
    stop = _Stop()
    stop.install()
    show = not as_json and err_console.is_terminal
    done: list[SyncReport | _AccountError] = []
    bar = Progress(*_COLUMNS, console=err_console, transient=False) if show else None
    try:
        if bar is not None:
            bar.start()
        for account in accounts:
            if stop():
                break
            try:
                done.append(
                    _sync_one(
                        ctx,
                        account,
                        ctx.config,
                        folders=folders,
                        since_at=since_at,
                        bar=bar,
                        should_stop=stop,
                    )
                )
            except _Failed as exc:
                done.append(_AccountError(account.name, str(exc), exc.code))
    finally:
        if bar is not None:
            bar.stop()
    failures = [d for d in done if isinstance(d, _AccountError)]
    try:
        if as_json:
            acks = _acknowledge(ctx, say_skipped=False)
            emit_json(
                {
                    "accounts": [d.as_dict() for d in done],
                    "acknowledged": len(acks.queued),
                    "not_acknowledged": [
                        {"ticket": ticket_ref_of(ctx, ticket_id), "reason": reason}
                        for ticket_id, reason in acks.skipped
                    ],
                    "stopped": stop(),
                }
            )
        else:
            for item in done:
                if isinstance(item, SyncReport):
                    _print(item)
            _acknowledge(ctx, say_skipped=True)
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (`| head`): the sync itself is stored
    for failure in failures:
        err_console.print(Text("error: ", style="bold red") + Text(safe_line(failure.message)))
    if stop():
        err_console.print(Text("sync stopped"))
        sys.exit(INTERRUPTED)
    if failures:
        sys.exit(max(f.code for f in failures))


@dataclass(frozen=True)
class _AccountError:
    """An account whose sync failed, in the output beside those that worked."""

    account: str
    message: str
    code: int

    def as_dict(self) -> dict[str, object]:
        return {"account": self.account, "error": self.message}


def _acknowledge(ctx: Context, *, say_skipped: bool) -> AckReport:
    """Queue the automatic acknowledgements of the new tickets (when ``[acknowledge]
    enabled``; ``agentconsole outbox --deliver`` sends them). A skip is said once per
    ticket (each pass skips it again for a day); JSON lists every one."""
    acknowledged = acknowledge_new_tickets(ctx.conn(), ctx.config)
    if say_skipped:
        for ticket_id, reason in acknowledged.unsaid:
            ref = ticket_ref_of(ctx, ticket_id)
            err_console.print(Text(safe_line(f"not acknowledged: {ref}: {reason}")))
        skips_said(ctx.conn(), acknowledged)
    if acknowledged.queued:
        count = counted(len(acknowledged.queued), "new ticket")
        err_console.print(
            Text(f"acknowledged {count}: queued, sent by `agentconsole outbox --deliver`")
        )
    return acknowledged


_COLUMNS = [
    TextColumn("[bold]syncing {task.description}"),
    BarColumn(),
    TextColumn("{task.percentage:>3.0f}%"),
    _MessagesColumn(),
    TimeElapsedColumn(),
]


INTERRUPTED = 130
"""The exit status of a one-off sync stopped by Ctrl-C or SIGTERM (128 + SIGINT, as
shells report an interrupted command)."""


class _Stop:
    """Ctrl-C, and the SIGTERM a service manager (or ``timeout``) sends, stop a sync
    cleanly, also when it was started from a shell that ignores SIGINT for the jobs it
    runs in the background (a non-interactive ``&``), which Python would inherit.

    The handler only raises a flag that the sync asks between FETCH batches (it
    stores what it read, so the checkpoint covers exactly that): raising
    KeyboardInterrupt wherever the signal lands could leave a lock of the parse pool
    or the fetch thread held, and the process waiting on it for ever. While --watch
    waits for mail nothing is held, so there it ends at once (``waiting``). A second
    signal while a batch is being finished ends the process at once: SQLite rolls the
    unfinished transaction back, the checkpoint stays as committed."""

    def __init__(self) -> None:
        self.asked = False
        self.waiting = False

    def __call__(self) -> bool:
        return self.asked

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.waiting:
            self.asked = True
            raise KeyboardInterrupt
        if self.asked:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        self.asked = True


def _quiet_stdout() -> None:
    """Send what is still written to stdout (and Python's flush at exit) nowhere: its
    reader closed the pipe, which is how ``| head`` says it has enough."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _watch(
    ctx: Context,
    accounts: list[Account],
    *,
    folders: tuple[str, ...],
    since_at: int | None,
    interval: float,
    as_json: bool,
) -> None:
    """Sync, wait for new mail (IDLE on the first account's first folder, else a
    pause of ``interval``), and again, until interrupted. A server out of reach is
    said once per attempt and tried again; a refused login or a bad folder ends it."""
    stop = _Stop()
    stop.install()
    try:
        while not stop():
            reports: list[SyncReport] = []
            for account in accounts:
                if stop():
                    break
                try:
                    reports.append(
                        _sync_one(
                            ctx,
                            account,
                            ctx.config,
                            folders=folders,
                            since_at=since_at,
                            bar=None,
                            should_stop=stop,
                        )
                    )
                except _Failed as exc:
                    if not exc.offline:
                        fail(str(exc), exc.code)
                    err_console.print(
                        Text(f"offline: {safe_line(str(exc))}; trying again in {interval:g} s")
                    )
            for report in reports:
                _report_round(report, as_json)
            acknowledged = len(_acknowledge(ctx, say_skipped=False).queued)
            if as_json and acknowledged:
                click.echo(json.dumps({"acknowledged": acknowledged}))
            if stop():
                break
            stop.waiting = True
            try:
                _wait(accounts, reports, interval)
            finally:
                stop.waiting = False
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (`| head`): nobody to sync for
    err_console.print(Text("sync stopped"))


def _report_round(report: SyncReport, as_json: bool) -> None:
    """One line per account and round: JSON, or a sentence when mail came in."""
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False), nl=True)
        return
    if report.summary.messages_seen:
        when = dt.datetime.now().strftime("%H:%M:%S")
        parts = ", ".join(f"{f.folder} {f.fetched}" for f in report.folders if f.fetched)
        console.print(
            Text(
                f"{when} {report.account}: {counted(report.summary.imported, 'new message')}"
                " stored"
                f" ({safe_line(parts)})"
            )
        )


def _wait(accounts: list[Account], reports: list[SyncReport], interval: float) -> None:
    """IDLE on the first synced folder of a lone account, else sleep ``interval``."""
    if len(accounts) != 1 or not reports or not reports[0].folders:
        time.sleep(interval)
        return
    first = reports[0].folders[0]
    try:
        wait_for_mail(
            accounts[0], account_password(accounts[0]), first.folder, first.last_uid, interval
        )
    except (ServerError, OSError, IMAPClientError) as exc:
        # the connection dropped or the server is away: try again soon, not only after
        # a whole --interval (the sync's own reconnects back off from there)
        pause = min(interval, RETRY_SECONDS)
        # imaplib's own words ("socket error: EOF") say nothing to a person
        why = str(exc) if isinstance(exc, ServerError) else "the server closed the connection"
        line = f"offline: {accounts[0].name}: IMAP: {why}; trying again in {pause:g} s"
        err_console.print(Text(safe_line(line)))
        time.sleep(pause)
