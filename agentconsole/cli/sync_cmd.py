"""``agentconsole sync``: new mail from the accounts' IMAP folders into the store."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.account_cmd import account_password
from agentconsole.cli.import_cmd import _MessagesColumn
from agentconsole.cli.output import console, emit_json, err_console, fail, fail_empty, table
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
from agentconsole.sync.servers import ServerError
from agentconsole.textsafe import safe_line

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


def _sync_one(
    ctx: Context,
    account: Account,
    config: Config,
    *,
    folders: tuple[str, ...],
    since_at: int | None,
    bar: Progress | None,
) -> SyncReport:
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
        )
    except ServerError as exc:
        fail(f"{account.name}: IMAP: {exc}")
    except SyncInputError as exc:
        fail(f"{account.name}: {exc}", 2)
    except SyncError as exc:
        fail(f"{account.name}: {exc}")
    finally:
        session.close()
    if bar is not None and task is not None:
        bar.update(task, completed=bar.tasks[task].total, messages=report.summary.messages_seen)
    return report


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
        f"{report.account}: {s.imported:,} new messages stored, {s.duplicates:,} already"
        f" stored, {s.tickets_created:,} new tickets, {s.followups:,} follow-ups"
    )
    if report.reconnects:
        line += f"; the connection was lost and made again {report.reconnects} times"
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
@pass_context
def sync_command(
    ctx: Context,
    account_name: str | None,
    since: str | None,
    folders: tuple[str, ...],
    as_json: bool,
) -> None:
    """Fetch new mail from the accounts' IMAP folders into the store.

    Sync is an import from the server: the same threading, customers and dedupe,
    so mail also imported from an export is stored once. Each folder remembers how
    far it got (UIDVALIDITY and UID), so the next sync fetches only what is new, and
    a sync that was interrupted simply continues. Folders are opened read-only:
    read/unread flags on the server never change. Exits 1 when a server cannot be
    reached or refuses the login, 2 on a bad option or an unknown folder.

    \b
    Examples:
      agentconsole sync
      agentconsole sync --account support --since 180d
      agentconsole sync --folder INBOX --folder Support/VIP --json
    """
    since_at = parse_since(since, dt.datetime.now(dt.UTC).date()) if since else None
    conn = ctx.conn()
    accounts = _accounts(conn, account_name)
    show = not as_json and err_console.is_terminal
    reports: list[SyncReport] = []
    columns = [
        TextColumn("[bold]syncing {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        _MessagesColumn(),
        TimeElapsedColumn(),
    ]
    bar = Progress(*columns, console=err_console, transient=False) if show else None
    try:
        if bar is not None:
            bar.start()
        for account in accounts:
            reports.append(
                _sync_one(ctx, account, ctx.config, folders=folders, since_at=since_at, bar=bar)
            )
    finally:
        if bar is not None:
            bar.stop()
    if as_json:
        emit_json({"accounts": [r.as_dict() for r in reports]})
        return
    for report in reports:
        _print(report)
