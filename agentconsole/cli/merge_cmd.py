"""``agentconsole merge``: two tickets that are one conversation become one ticket."""

from __future__ import annotations

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import counted, fail
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.domain.merge import MergeError, by_first_message, merge_tickets
from agentconsole.store.tickets import TicketNotFound


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
    ids = [ticket_id_of(conn, first), ticket_id_of(conn, second)]
    if ids[0] == ids[1]:
        fail(f"{first} and {second} are the same ticket: nothing to merge")
    try:
        survivor, absorbed = by_first_message(conn, ids)
        merged = merge_tickets(
            conn, survivor, absorbed, actor=ctx.config.agent, reason="merged by an agent"
        )
    except (MergeError, TicketNotFound) as exc:
        fail(str(exc))
    moved = counted(merged.messages, "message")
    click.echo(f"merged {merged.absorbed_ref} into {merged.survivor_ref} ({moved} moved)")
