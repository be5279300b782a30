"""``agentconsole outbox --deliver``: send the queued replies now, saying what happened.

First it queues the automatic acknowledgements of new tickets, when they are switched on
(``[acknowledge] enabled``), so that they leave in the same run.

Kept apart from the ``outbox`` listing so that listing loads no network code."""

from __future__ import annotations

import sys
import time

import click

from agentconsole.cli import Context
from agentconsole.cli.account_cmd import account_password
from agentconsole.cli.outbox_cmd import existing_conn
from agentconsole.cli.output import counted, fail
from agentconsole.compose.acknowledge import acknowledge_new_tickets, skips_said
from agentconsole.store.accounts import Account, AccountNotFound, get_account, list_accounts
from agentconsole.store.outbox import make_due
from agentconsole.store.tickets import get_ticket
from agentconsole.sync.sent_copy import file_sent_copies
from agentconsole.sync.servers import ServerError
from agentconsole.sync.smtp_out import Delivery, deliver_outbox
from agentconsole.textsafe import safe_line
from agentconsole.timefmt import when


def _account(ctx: Context, name: str | None) -> Account:
    conn = existing_conn(ctx)
    if name is not None:
        try:
            return get_account(conn, name)
        except AccountNotFound as exc:
            fail(str(exc))
    accounts = list_accounts(conn)
    if not accounts:
        fail("no mail account to send with: add one with `agentconsole account add`")
    if len(accounts) > 1:
        names = ", ".join(a.name for a in accounts)
        fail(f"several accounts ({names}): say which with --account NAME", 2)
    return accounts[0]


def ticket_ref_of(ctx: Context, ticket_id: int) -> str:
    return get_ticket(ctx.conn(), ticket_id).ref


def _progress(delivery: Delivery, total: int, done: list[int]) -> None:
    done[0] += 1
    where = delivery.ticket_ref or f"outbox {delivery.outbox_id}"
    line = f"[{done[0]}/{total}] {where} to {', '.join(delivery.recipients)}: {delivery.outcome}"
    if delivery.outcome == "queued" and delivery.next_attempt_at:
        line += f" (retry {when(delivery.next_attempt_at)})"
    if delivery.detail:
        line += f" — {delivery.detail}"
    click.echo(safe_line(line))


def _file_copies(ctx: Context, account: Account, password: str) -> None:
    """Put the sent replies' copies in the Sent folder; a server that cannot take them
    now is a warning (the replies went out; the copies wait for the next run)."""
    try:
        filed = file_sent_copies(ctx.conn(), account, password)
    except ServerError as exc:
        click.echo(f"warning: the copies for the Sent folder wait: {exc}", err=True)
        return
    if filed:
        click.echo(f"copied {counted(filed, 'message')} to the Sent folder")


def deliver_now(ctx: Context, account_name: str | None, *, retry_now: bool) -> None:
    """Deliver the due outbox with the chosen account (with ``retry_now``, also what
    waits out a retry delay); exit 1 if the server could not be used or a reply failed."""
    account = _account(ctx, account_name)
    password = account_password(account)
    if retry_now:
        hurried = make_due(ctx.conn(), now=int(time.time()))
        if hurried:
            click.echo(f"retrying {counted(hurried, 'message')} now, before their retry time")
    acknowledged = acknowledge_new_tickets(ctx.conn(), ctx.config)
    for ticket_id, reason in acknowledged.unsaid:
        click.echo(safe_line(f"not acknowledged: {ticket_ref_of(ctx, ticket_id)}: {reason}"))
    skips_said(ctx.conn(), acknowledged)
    if acknowledged.queued:
        click.echo(f"acknowledged {counted(len(acknowledged.queued), 'new ticket')}")
    done = [0]
    report = deliver_outbox(
        ctx.conn(),
        account,
        password,
        ctx.config,
        progress=lambda delivery, total: _progress(delivery, total, done),
    )
    if report.server_error is not None:
        click.echo(f"error: {report.server_error}", err=True)
    summary = f"sent {report.sent}, failed {report.failed}, still queued {report.still_queued}"
    if report.still_queued:
        due = when(report.next_attempt_at) if report.next_attempt_at else "now"
        summary += f" (next attempt {due})"
    if not report.deliveries and report.server_error is None:
        click.echo(f"nothing due: {counted(report.still_queued, 'message')} queued")
    click.echo(summary)
    _file_copies(ctx, account, password)
    if report.server_error is not None or report.failed:
        sys.exit(1)
