"""``agentconsole claim`` and ``release``: "I'm answering this ticket", decided by the
team's shared event log (docs/design/team-log.md, "Claims").

Nothing is decided on this machine alone: the command reads the log, publishes the
claim, and reads the log again; the first claim in the log's order holds the ticket on
every machine. Exit 0: this agent holds it; 1: another agent does (named); 2: bad
input, or the mailbox could not be reached (then nothing was claimed or released).
"""

from __future__ import annotations

import sys

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import fail
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.domain import claims
from agentconsole.store.accounts import Account, AccountNotFound, get_account, list_accounts
from agentconsole.store.tickets import get_ticket
from agentconsole.sync.secrets import SecretError, read_password
from agentconsole.sync.team_log import LogSession, LogUnavailable, log_session
from agentconsole.textsafe import safe_line

_AGENT_HELP = "Claim as this agent (default: `agent` in the config)."
_ACCOUNT_HELP = "The mail account whose mailbox the team shares (needed with several)."


def _account(ctx: Context, name: str | None) -> Account:
    conn = ctx.conn()
    if name is not None:
        try:
            return get_account(conn, name)
        except AccountNotFound as exc:
            fail(str(exc), 2)
    accounts = list_accounts(conn)
    if not accounts:
        fail("no mail account: claims go through the shared mailbox (agentconsole account add)", 2)
    if len(accounts) > 1:
        fail(f"several accounts ({', '.join(a.name for a in accounts)}): add --account NAME", 2)
    return accounts[0]


def _password(account: Account) -> str:
    try:
        password = read_password(account.secret_key)
    except SecretError as exc:
        fail(str(exc), 2)
    if password is None:
        fail(f"no password for account {account.name} in the keyring: add the account again", 2)
    return password


def _target(ctx: Context, ref: str, agent: str | None) -> tuple[int, str, str]:
    """(ticket id, its shared ref, the agent's name), or exit 2."""
    conn = ctx.conn()
    ticket_id = ticket_id_of(conn, ref, missing=2)
    shared = get_ticket(conn, ticket_id).derived_ref
    if shared is None:
        fail(f"{ref} has no mail yet, so no ref the team shares: it cannot be claimed", 2)
    try:
        name = claims.clean_agent(agent if agent is not None else ctx.config.agent)
    except ValueError as exc:
        fail(f"--agent: {exc}", 2)
    return ticket_id, shared, name


def _in_session(
    ctx: Context, account_name: str | None, kind: str, ref: str, agent: str | None
) -> None:
    ticket_id, shared, name = _target(ctx, ref, agent)
    account = _account(ctx, account_name)
    password = _password(account)
    conn = ctx.conn()
    asked: list[bool] = []
    try:
        with log_session(conn, account, password) as session:
            _decide(session, kind, ticket_id, shared, name, asked)
    except LogUnavailable as exc:
        if asked:
            fail(f"{exc}; the {kind} is queued and is decided at the next sync", 2)
        fail(f"cannot reach the team's mailbox, nothing was done: {exc}", 2)


def _decide(
    session: LogSession, kind: str, ticket_id: int, ref: str, agent: str, asked: list[bool]
) -> None:
    """Read the log, ask if there is anything to ask, read again, say who holds it.
    ``asked`` gets an entry once the claim or release is recorded (then it is queued
    even if the server goes away)."""
    session.read()
    holder = claims.holder(session.conn, ticket_id)
    if kind == claims.CLAIM:
        if holder is None:
            claims.ask(session.conn, ticket_id, claims.CLAIM, agent)
            asked.append(True)
            session.sync()
            holder = claims.holder(session.conn, ticket_id)
        if holder == agent:
            click.echo(safe_line(f"{ref}: claimed by {agent} (you)"))
            return
        if holder is None:
            fail(f"{ref}: the claim was published but not read back yet: run claim again", 2)
        click.echo(safe_line(f"{ref} is claimed by {holder}"), err=True)
        sys.exit(1)
    if holder is None:
        click.echo(safe_line(f"{ref} is not claimed: nothing to release"))
        return
    if holder != agent:
        click.echo(
            safe_line(f"{ref} is claimed by {holder}, not by {agent}: nothing released"), err=True
        )
        sys.exit(1)
    claims.ask(session.conn, ticket_id, claims.RELEASE, agent)
    asked.append(True)
    session.sync()
    now = claims.holder(session.conn, ticket_id)
    after = f" (now claimed by {now})" if now not in (None, agent) else ""
    click.echo(safe_line(f"{ref}: released by {agent}{after}"))


@cli.command("claim")
@click.argument("ref")
@click.option("--agent", metavar="NAME", help=_AGENT_HELP)
@click.option("--account", "account_name", metavar="NAME", help=_ACCOUNT_HELP)
@pass_context
def claim_command(ctx: Context, ref: str, agent: str | None, account_name: str | None) -> None:
    """Claim a ticket for yourself ("I'm answering this"), decided by the team's log.

    Reads the shared events folder, publishes the claim and reads it back: the first
    claim in the folder's order wins on every machine. Exits 0 when you hold the
    ticket, 1 when another agent does (named on standard error), 2 on bad input or
    when the mailbox cannot be reached (nothing is claimed then).

    \b
    Examples:
      agentconsole claim T-7K3QX9PA
      agentconsole claim T-7K3QX9PA --agent lin --account support
    """
    _in_session(ctx, account_name, claims.CLAIM, ref, agent)


@cli.command("release")
@click.argument("ref")
@click.option("--agent", metavar="NAME", help=_AGENT_HELP)
@click.option("--account", "account_name", metavar="NAME", help=_ACCOUNT_HELP)
@pass_context
def release_command(ctx: Context, ref: str, agent: str | None, account_name: str | None) -> None:
    """Give up your claim on a ticket, so a teammate can take it.

    Exits 0 when released (or not claimed at all), 1 when another agent holds it
    (only the holder can release), 2 on bad input or an unreachable mailbox.

    \b
    Example:
      agentconsole release T-7K3QX9PA
    """
    _in_session(ctx, account_name, claims.RELEASE, ref, agent)
