"""``agentconsole outbox`` and ``agentconsole drafts``: mail waiting to leave, replies
still being written. Read commands: they load neither the console nor the import."""

from __future__ import annotations

import sqlite3
import time

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import age, cell, counted, emit_json, fail, fail_empty, table
from agentconsole.config import default_db_path
from agentconsole.store.accounts import list_accounts
from agentconsole.store.drafts import Draft, all_drafts
from agentconsole.store.outbox import OutboxEntry, list_outbox
from agentconsole.store.tickets import ticket_refs
from agentconsole.timefmt import when

DELIVER = "`agentconsole outbox --deliver`"
ADD_ACCOUNT = (
    f"no mail account to send with: add one with `agentconsole account add`, then {DELIVER}"
)


def waits(conn: sqlite3.Connection) -> str:
    """What ``reply`` says of the mail it just queued: what it waits for."""
    if list_accounts(conn):
        return f"waits in the outbox: send it with {DELIVER}"
    return f"waits in the outbox: {ADD_ACCOUNT}"


def _state(entry: OutboxEntry, now: float, has_account: bool) -> str:
    """The status cell: the entry's state and the actual reason it has not left."""
    error = f" ({entry.last_error})" if entry.last_error else ""
    if entry.status == "sent":
        return "sent"
    if entry.status == "failed":
        return f"failed permanently: {entry.last_error or '?'}"
    if entry.status != "queued":
        return entry.status
    if not has_account:
        return "queued: needs an account"
    if entry.next_attempt_at and entry.next_attempt_at > now:
        return f"queued: next retry at {when(entry.next_attempt_at)}{error}"
    return f"queued: due now{error}"


def _summary(entries: list[OutboxEntry], now: float, has_account: bool) -> list[str]:
    """One line per reason mail has not left, each with what to do about it."""
    queued = [e for e in entries if e.status == "queued"]
    later = [e.next_attempt_at for e in queued if e.next_attempt_at and e.next_attempt_at > now]
    failed = sum(1 for e in entries if e.status == "failed")
    lines = []
    if queued and not has_account:
        lines.append(f"{counted(len(queued), 'message')} waiting: {ADD_ACCOUNT}")
    elif queued:
        if len(queued) > len(later):
            lines.append(
                f"{counted(len(queued) - len(later), 'message')} due now: send with {DELIVER}"
            )
        if later:
            lines.append(
                f"{counted(len(later), 'message')} waiting to retry after a temporary failure,"
                f" the next at {when(min(later))}: `agentconsole outbox --deliver --now`"
                " tries them now"
            )
    if failed:
        lines.append(
            f"{failed} failed permanently: not sent again (the reason is above and on the ticket)"
        )
    return lines


def existing_conn(ctx: Context) -> sqlite3.Connection:
    """The database, which must exist: a mistyped --db names no mail to list or answer,
    and must not leave an empty store behind. (Only the default location is created
    on first use, as for every command.)"""
    path = ctx.db_path
    if not path.exists() and path != default_db_path():
        fail(f"{path}: no such database", 2)
    return ctx.conn()


def _entry_json(entry: OutboxEntry, state: str) -> dict[str, object]:
    return {
        "id": entry.id,
        "ticket": entry.ticket_ref,
        "to": list(entry.to),
        "subject": entry.subject,
        "status": entry.status,
        "state": state,
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "queued_at": entry.queued_at,
        "sent_at": entry.sent_at,
        "next_attempt_at": entry.next_attempt_at,
        "message_id": entry.rfc_message_id,
    }


@cli.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--deliver", is_flag=True, help="Send the queued mail that is due now (SMTP).")
@click.option(
    "--now",
    "retry_now",
    is_flag=True,
    help="With --deliver: also retry at once the mail waiting out a retry delay"
    " (never mail that failed permanently).",
)
@click.option("--account", "account_name", metavar="NAME", help="Account to send with.")
@pass_context
def outbox_command(
    ctx: Context, as_json: bool, deliver: bool, retry_now: bool, account_name: str | None
) -> None:
    """List mail in the outbox: queued, sending, sent and failed replies; or deliver it.

    Queued and failed mail first, newest first, each with why it has not left: no
    account yet, due now, the time of its next retry (after a temporary failure), or
    failed permanently with the server's words. Exits 1 when the outbox is empty.

    With --deliver, sends every queued reply that is due through the account's SMTP
    server (--account NAME, needed when there are several), one line per reply and a
    summary. A temporary failure (4xx, server down) stays queued and is retried later
    with backoff; a permanent one (5xx) is marked failed and shown on the ticket.
    --now retries the mail waiting out its backoff at once, too; mail that failed
    permanently is never sent again.
    When [acknowledge] enabled = true in the config, new tickets are first given
    their automatic acknowledgement (see the README), sent in the same run.
    Exits 1 when no account is set up, the server cannot be used, or a reply failed.

    \b
    Examples:
      agentconsole outbox
      agentconsole outbox --json
      agentconsole outbox --deliver --account support
      agentconsole outbox --deliver --now
    """
    if deliver:
        from agentconsole.cli.deliver import deliver_now

        if as_json:
            fail("--deliver prints lines, not JSON: list with `agentconsole outbox --json`", 2)

        deliver_now(ctx, account_name, retry_now=retry_now)
        return
    for flag, given in (("--account", account_name is not None), ("--now", retry_now)):
        if given:
            fail(f"{flag} goes with --deliver", 2)
    conn = existing_conn(ctx)
    entries = list_outbox(conn)
    has_account = bool(list_accounts(conn))
    now = time.time()
    states = [_state(e, now, has_account) for e in entries]
    waiting = sum(1 for e in entries if e.status == "queued")
    if as_json:
        emit_json(
            {
                "outbox": [_entry_json(e, s) for e, s in zip(entries, states, strict=True)],
                "waiting": waiting,
            }
        )
    if not entries:
        fail_empty("the outbox is empty")
    if as_json:
        return
    rows = [
        (
            e.id,
            e.ticket_ref or "",
            cell(", ".join(e.to), 40),
            cell(e.subject, 60),
            state,
            age(e.queued_at, now),
        )
        for e, state in zip(entries, states, strict=True)
    ]
    table(
        ("id", "ticket", "to", "subject", "status", "age"),
        rows,
        title=f"{counted(len(entries), 'message')} in the outbox",
    )
    for line in _summary(entries, now, has_account):
        click.echo(line)


def _draft_json(draft: Draft, ref: str) -> dict[str, object]:
    return {
        "id": draft.id,
        "ticket": ref,
        "mode": draft.mode,
        "to": list(draft.to),
        "cc": list(draft.cc),
        "subject": draft.subject,
        "attachments": list(draft.attachments),
        "author": draft.author,
        "updated_at": draft.updated_at,
    }


@cli.command("drafts")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def drafts_command(ctx: Context, as_json: bool) -> None:
    """List saved drafts (replies and notes not sent yet), the newest first.

    Exits 1 when there is none. The console offers a ticket's draft back when the
    ticket is opened.

    \b
    Examples:
      agentconsole drafts
      agentconsole drafts --json
    """
    drafts = all_drafts(existing_conn(ctx))
    refs = ticket_refs(ctx.conn(), {d.ticket_id for d in drafts})
    if as_json:
        emit_json({"drafts": [_draft_json(d, refs.get(d.ticket_id, "")) for d in drafts]})
    if not drafts:
        fail_empty("no drafts")
    if as_json:
        return
    now = time.time()
    rows = [
        (
            d.id,
            refs.get(d.ticket_id, ""),
            d.mode,
            cell(", ".join(d.to), 40),
            cell(d.subject, 60),
            cell(d.author, 12),
            age(d.updated_at, now),
        )
        for d in drafts
    ]
    table(
        ("id", "ticket", "mode", "to", "subject", "author", "saved"),
        rows,
        title=counted(len(drafts), "draft"),
    )
