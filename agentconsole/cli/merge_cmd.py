"""``agentconsole merge``: two tickets that are one conversation become one ticket."""

from __future__ import annotations

import sqlite3

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import fail
from agentconsole.domain.merge import MergeError, by_first_message, merge_tickets
from agentconsole.models import parse_ticket_ref
from agentconsole.refs import parse_ref
from agentconsole.store.tickets import TicketNotFound, resolve_ref


def _ticket_id(conn: sqlite3.Connection, ref: str) -> int:
    """The ticket a typed ref names: a derived ref (a merged ticket's leads to the one
    it was merged into) or a local ``T-42``."""
    derived = parse_ref(ref)
    if derived is not None:
        ids = resolve_ref(conn, derived)
        if not ids:
            fail(f"no ticket {derived}")
        if len(ids) > 1:
            fail(f"{derived} is ambiguous: it names tickets " + ", ".join(f"T-{i}" for i in ids))
        return ids[0]
    ticket_id = parse_ticket_ref(ref)
    if ticket_id is None:
        fail(f"{ref}: a ticket reference looks like T-F23Q0GER or T-42", 2)
    return ticket_id


@cli.command("merge")
@click.argument("first")
@click.argument("second")
@pass_context
def merge_command(ctx: Context, first: str, second: str) -> None:
    """Merge two tickets that are one conversation into one.

    The ticket whose first message is older survives, whichever is named first, so
    every machine merging the same two keeps the same one. Messages, participants,
    tags and history move to it; the other is closed and its ref leads to the
    survivor. Recorded as a ticket_merged event on both.

    \b
    Example:
      agentconsole merge T-1 T-2
    """
    conn = ctx.conn()
    ids = [_ticket_id(conn, first), _ticket_id(conn, second)]
    if ids[0] == ids[1]:
        fail(f"{first} and {second} are the same ticket: nothing to merge")
    try:
        survivor, absorbed = by_first_message(conn, ids)
        merged = merge_tickets(
            conn, survivor, absorbed, actor=ctx.config.agent, reason="merged by an agent"
        )
    except (MergeError, TicketNotFound) as exc:
        fail(str(exc))
    moved = f"{merged.messages} message{'s' if merged.messages != 1 else ''}"
    click.echo(f"merged {merged.absorbed_ref} into {merged.survivor_ref} ({moved} moved)")
