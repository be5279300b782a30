"""``agentconsole outbox`` and ``agentconsole drafts``: mail waiting to leave, replies
still being written. Read commands: they load neither the console nor the import."""

from __future__ import annotations

import sqlite3
import time

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import age, cell, counted, emit_json, fail, fail_empty, table
from agentconsole.config import default_db_path
from agentconsole.store.drafts import Draft, all_drafts
from agentconsole.store.outbox import OutboxEntry, list_outbox
from agentconsole.store.tickets import ticket_refs

WAITS = "waits in the outbox: send it with `agentconsole outbox --deliver` (needs an account)"
"""What ``outbox`` and ``reply`` say of queued mail."""


def existing_conn(ctx: Context) -> sqlite3.Connection:
    """The database, which must exist: a mistyped --db names no mail to list or answer,
    and must not leave an empty store behind. (Only the default location is created
    on first use, as for every command.)"""
    path = ctx.db_path
    if not path.exists() and path != default_db_path():
        fail(f"{path}: no such database", 2)
    return ctx.conn()


def _entry_json(entry: OutboxEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "ticket": entry.ticket_ref,
        "to": list(entry.to),
        "subject": entry.subject,
        "status": entry.status,
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "queued_at": entry.queued_at,
        "sent_at": entry.sent_at,
        "next_attempt_at": entry.next_attempt_at,
        "message_id": entry.rfc_message_id,
    }


@cli.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--deliver", is_flag=True, help="Send the queued mail now (SMTP).")
@click.option("--account", "account_name", metavar="NAME", help="Account to send with.")
@pass_context
def outbox_command(ctx: Context, as_json: bool, deliver: bool, account_name: str | None) -> None:
    """List mail in the outbox: queued, sending, sent and failed replies; or deliver it.

    Queued and failed mail first, newest first. Exits 1 when the outbox is empty.

    With --deliver, sends every queued reply that is due through the account's SMTP
    server (--account NAME, needed when there are several), one line per reply and a
    summary. A temporary failure (4xx, server down) stays queued and is retried later
    with backoff; a permanent one (5xx) is marked failed and shown on the ticket.
    When [acknowledge] enabled = true in the config, new tickets are first given
    their automatic acknowledgement (see the README), sent in the same run.
    Exits 1 when no account is set up, the server cannot be used, or a reply failed.

    \b
    Examples:
      agentconsole outbox
      agentconsole outbox --json
      agentconsole outbox --deliver --account support
    """
    if deliver:
        from agentconsole.cli.deliver import deliver_now

        if as_json:
            fail("--deliver prints lines, not JSON: list with `agentconsole outbox --json`", 2)

        deliver_now(ctx, account_name)
        return
    if account_name is not None:
        fail("--account goes with --deliver", 2)
    entries = list_outbox(existing_conn(ctx))
    waiting = sum(1 for e in entries if e.status == "queued")
    if as_json:
        emit_json({"outbox": [_entry_json(e) for e in entries], "waiting": waiting})
    if not entries:
        fail_empty("the outbox is empty")
    if as_json:
        return
    now = time.time()
    rows = [
        (
            e.id,
            e.ticket_ref or "",
            cell(", ".join(e.to), 40),
            cell(e.subject, 60),
            e.status if e.status == "sent" else e.describe(),
            age(e.queued_at, now),
        )
        for e in entries
    ]
    table(
        ("id", "ticket", "to", "subject", "status", "age"),
        rows,
        title=f"{counted(len(entries), 'message')} in the outbox",
    )
    if waiting:
        click.echo(f"{counted(waiting, 'message')} waiting: queued mail {WAITS}")


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
