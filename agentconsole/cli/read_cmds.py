"""Commands that read the store: tickets, search, show, export, customers, messages."""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import (
    age,
    cell,
    console,
    counted,
    emit_json,
    emit_json_stream,
    err_console,
    fail,
    fail_empty,
    stream_table,
    table,
    when,
)
from agentconsole.cli.show_claim import claim_shown
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.domain import customers as customer_rules
from agentconsole.domain import tickets as ticket_rules
from agentconsole.mask import mask_sensitive
from agentconsole.models import Customer, Message, Ticket
from agentconsole.store.customers import (
    CustomerNotFound,
    customer_stats,
    find_customers,
    get_customer,
)
from agentconsole.store.events import ticket_events
from agentconsole.store.messages import (
    RANK_WINDOW,
    MessageNotFound,
    count_matches,
    get_message,
    list_messages,
    raw_message,
    search_messages,
    ticket_messages,
)
from agentconsole.store.outbox import ticket_outbox
from agentconsole.store.query import SORTS, QueryError, TicketQuery, compile_query
from agentconsole.store.tickets import (
    TicketNotFound,
    count_tickets,
    get_ticket,
    iter_tickets,
    list_tickets,
    ticket_refs,
)
from agentconsole.textsafe import safe_line, safe_text
from agentconsole.timefmt import countdown


def _ticket_json(ticket: Ticket) -> dict[str, object]:
    data = dataclasses.asdict(ticket)
    del data["derived_ref"]
    data["ref"] = ticket.ref
    return data


_TICKET_COLUMNS = (
    "ref",
    "status",
    "priority",
    "category",
    "customer",
    "subject",
    "assignee",
    "waiting",
    "msgs",
)
# Widths for a streamed listing (--limit 0), which cannot measure its rows first: the
# longest value each column can hold (the cell limits below).
_TICKET_WIDTHS = (10, 7, 8, 14, 24, 60, 12, 7, 4)


def _ticket_row(t: Ticket) -> tuple[object, ...]:
    return (
        t.ref,
        t.status,
        t.priority,
        t.category,
        cell(t.customer_name or t.customer_address, 24),
        cell(t.subject, 60),
        cell(t.assignee or "", 12),
        age(t.last_customer_at),
        t.message_count,
    )


def _due_row(t: Ticket) -> tuple[object, ...]:
    """A row with the due column: time left to the SLA due time, ``-`` once past
    (``--sort due``, where the order would otherwise be unexplained)."""
    return (*_ticket_row(t), countdown(t.due_at)[0])


def _listing(
    sort: str,
) -> tuple[tuple[str, ...], tuple[int, ...], Callable[[Ticket], tuple[object, ...]]]:
    """Columns, streamed widths and row maker: sorted by due, the due time shows."""
    if sort == "due":
        return (*_TICKET_COLUMNS, "due"), (*_TICKET_WIDTHS, 7), _due_row
    return _TICKET_COLUMNS, _TICKET_WIDTHS, _ticket_row


def _stream_tickets(ctx: Context, compiled: TicketQuery, sort: str, as_json: bool) -> None:
    """Every matching ticket, written as it is read (``--limit 0``)."""
    conn = ctx.conn()
    found = iter_tickets(conn, compiled, sort=sort)
    if as_json:
        total = count_tickets(conn, compiled)
        count = emit_json_stream(
            f'{{"total": {total}, "tickets": [', map(_ticket_json, found), "]}"
        )
    else:
        columns, widths, row = _listing(sort)
        count = stream_table(columns, map(row, found), widths)
    if not count:
        fail_empty("no tickets match")


@cli.command("tickets")
@click.argument("query", nargs=-1)
@click.option("--sort", type=click.Choice(sorted(SORTS)), default="activity", show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="At most this many; 0 means all of them, written as they are read.",
)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (paging).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def tickets_command(
    ctx: Context, query: tuple[str, ...], sort: str, limit: int, offset: int, as_json: bool
) -> None:
    """List tickets matching QUERY (the ticket query language; see README).

    Exits 1 when no ticket matches.

    \b
    Examples:
      agentconsole tickets 'status:open priority:urgent,high'
      agentconsole tickets 'assignee:none -status:solved,closed' --sort waiting
      agentconsole tickets 'category:withdrawal after:7d' 提现
      agentconsole tickets 'from:@example.com tag:vip' --json
      agentconsole tickets --limit 0 --json > all-tickets.json
    """
    text = " ".join(query)
    try:
        compiled = compile_query(text, me=ctx.config.agent)
        if limit == 0:
            if offset:
                fail("--offset pages through a --limit; --limit 0 lists them all", 2)
            _stream_tickets(ctx, compiled, sort, as_json)
            return
        found = list_tickets(ctx.conn(), compiled, sort=sort, limit=limit, offset=offset)
        total = count_tickets(ctx.conn(), compiled)
    except QueryError as exc:
        fail(str(exc), 2)
    if as_json:
        emit_json({"total": total, "tickets": [_ticket_json(t) for t in found]})
    elif found:
        columns, _widths, row = _listing(sort)
        table(columns, [row(t) for t in found], title=f"{len(found)} of {total} tickets")
    if not found:
        if total:
            fail_empty(f"--offset {offset} is past the last of the {counted(total, 'ticket')}")
        fail_empty(f"no tickets match {safe_line(text)!r}" if text else "no tickets yet")


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def search_command(ctx: Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search in subjects, senders and bodies (Chinese and English).

    Words are ANDed, "quoted words" are a phrase, -word excludes. Best matches first,
    newest first among equals. Exits 1 when no message matches.

    \b
    Examples:
      agentconsole search 密码
      agentconsole search App 密码
      agentconsole search -- '"charged twice"' -withdrawal --json
    """
    text = " ".join(query)
    # Snippets are cut from bodies: masked as show masks them (show --reveal shows more).
    hits = [
        dataclasses.replace(h, snippet=mask_sensitive(h.snippet).text)
        for h in search_messages(ctx.conn(), text, limit=limit)
    ]
    refs = ticket_refs(ctx.conn(), (h.ticket_id for h in hits if h.ticket_id))
    if as_json:
        emit_json(
            [
                dataclasses.asdict(h) | {"ticket": refs[h.ticket_id] if h.ticket_id else None}
                for h in hits
            ]
        )
    if not hits:
        fail_empty("no messages match")
    if as_json:
        return
    rows = [
        (
            refs[h.ticket_id] if h.ticket_id else "-",
            when(h.date),
            cell(h.from_name or h.from_addr, 22),
            cell(h.subject, 40),
            cell(h.snippet, 70),
        )
        for h in hits
    ]
    total = count_matches(ctx.conn(), text)
    title = f"{len(hits)} of {total:,} matching messages"
    if total > RANK_WINDOW:
        title += f" (best of the newest {RANK_WINDOW:,}; add words to narrow)"
    table(["ticket", "date", "from", "subject", "text"], rows, title=title)


def _bodies(ctx: Context, ticket: Ticket, reveal: bool) -> list[tuple[Message, str]]:
    """The ticket's messages with the text to show: passwords, codes, card and ID
    numbers masked as the console masks them. ``reveal`` shows them in clear and, as in
    the console, puts each revealed message on the ticket's record."""
    shown: list[tuple[Message, str]] = []
    revealed: list[int] = []
    masked_count = 0
    for message in ticket_messages(ctx.conn(), ticket.id):
        masked = mask_sensitive(message.body_text)
        if masked.found:
            revealed.append(message.id)
            masked_count += sum(masked.found.values())
        shown.append((message, message.body_text if reveal else masked.text))
    if reveal and revealed:
        ticket_rules.record_reveal(
            ctx.conn(), ticket.id, revealed, actor=ctx.config.agent, via="cli"
        )
    elif masked_count:
        from rich.text import Text

        err_console.print(
            Text(
                f"{counted(masked_count, 'sensitive value')} masked; "
                f"--reveal shows them (recorded in {ticket.ref}'s history)",
                style="dim",
            )
        )
    return shown


def _print_thread(ctx: Context, ticket: Ticket, explain: bool, reveal: bool = False) -> None:
    from rich.rule import Rule
    from rich.text import Text

    conn = ctx.conn()
    bodies = _bodies(ctx, ticket, reveal)
    deliveries = {e.message_id: e for e in ticket_outbox(conn, ticket.id)}
    facts = Text()
    facts.append(f"{ticket.ref}  ", style="bold")
    facts.append(safe_line(ticket.subject), style="bold")
    console.print(facts)
    console.print(
        Text(
            f"status {ticket.status} · priority {ticket.priority} · category {ticket.category} · "
            f"assignee {ticket.assignee or '-'} · tags {', '.join(ticket.tags) or '-'}"
        )
    )
    claim = claim_shown(conn, ticket.id, ctx.config.agent)
    if claim is not None:
        console.print(Text(safe_line(claim.line(ctx.config.agent)), style="bold"))
    console.print(
        Text("customer: " + safe_line(f"{ticket.customer_name} <{ticket.customer_address}>"))
    )
    for message, body in bodies:
        label = {"in": "customer", "out": "agent", "note": "note"}[message.direction]
        if message.auto_kind:
            label = message.auto_kind.replace("_", "-")
        console.print(Rule(style="dim"))
        head = Text(f"M-{message.id} {when(message.date)} [{label}] ", style="bold")
        head.append(safe_line(f"{message.from_name} <{message.from_addr}>"))
        console.print(head)
        if explain:
            console.print(
                Text(
                    f"  threaded by {message.thread_rule}: " + safe_line(message.thread_detail),
                    style="cyan",
                )
            )
            console.print(Text(f"  source: {safe_line(message.source)}", style="dim"))
        if message.status != "ok":
            console.print(
                Text(
                    f"  {message.status}: " + safe_line("; ".join(message.problems)), style="yellow"
                )
            )
        if message.id in deliveries:  # a reply: where it is on its way out
            state = deliveries[message.id]
            style = "red" if state.status == "failed" else "dim"
            console.print(Text("  delivery: " + safe_line(state.describe()), style=style))
        for item in message.attachments:
            console.print(
                Text(
                    f"  attachment: {safe_line(item.filename)} "
                    f"({item.content_type}, {item.size:,} bytes)",
                    style="dim",
                )
            )
        console.print(Text(safe_text(body.strip())))
    if explain:
        console.print(Rule("events", style="dim"))
        for event in ticket_events(conn, ticket.id):
            console.print(
                Text(f"{when(event.at)} {event.actor} {event.kind} " + safe_line(str(event.data)))
            )


@cli.command("show")
@click.argument("ref")
@click.option("--explain", is_flag=True, help="Say why each message joined the ticket.")
@click.option(
    "--reveal",
    is_flag=True,
    help="Show passwords, codes, card and ID numbers in clear (recorded in the history).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_context
def show_command(ctx: Context, ref: str, explain: bool, reveal: bool, as_json: bool) -> None:
    """Show ticket REF (e.g. T-QFMX95MZ, any case) with its whole thread, oldest first.

    Passwords, one-time codes, card and ID numbers customers pasted are masked;
    --reveal shows them and records who looked in the ticket's history. A claimed
    ticket says who holds it since when (claim: claimed by ana since ...).

    \b
    Examples:
      agentconsole show T-QFMX95MZ
      agentconsole show qfmx95mz --explain   which threading rule attached each message
      agentconsole show T-QFMX95MZ --reveal  unmasked, and on the record
      agentconsole show T-42                 this machine's row 42 (a local alias)
    """
    conn = ctx.conn()
    try:
        ticket = get_ticket(conn, ticket_id_of(conn, ref))
    except TicketNotFound as exc:
        fail(str(exc))
    if as_json:
        claim = claim_shown(conn, ticket.id, ctx.config.agent)
        emit_json(
            {
                "ticket": _ticket_json(ticket),
                "messages": [
                    dataclasses.asdict(m) | {"body_text": body}
                    for m, body in _bodies(ctx, ticket, reveal)
                ],
                "events": [dataclasses.asdict(e) for e in ticket_events(conn, ticket.id)],
                "claim": None if claim is None else dataclasses.asdict(claim),
            }
        )
        return
    _print_thread(ctx, ticket, explain, reveal)


@cli.command("export")
@click.argument("ref")
@click.option(
    "--raw", "mode", flag_value="raw", default=True, help="The exact bytes as received (default)."
)
@click.option("--text", "mode", flag_value="text", help="The readable thread as text.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="File (a message) or folder (a ticket); default: standard output.",
)
@pass_context
def export_command(ctx: Context, ref: str, mode: str, out: Path | None) -> None:
    """Export a message (M-17) or a ticket (T-QFMX95MZ) exactly as it arrived.

    A message goes to standard output or --out FILE byte for byte. A ticket goes to
    --out FOLDER as one .eml file per message (or, with --text, as readable text).

    \b
    Examples:
      agentconsole export M-17 > original.eml
      agentconsole export T-QFMX95MZ --out ./T-QFMX95MZ/
      agentconsole export T-QFMX95MZ --text
    """
    from rich.text import Text

    conn = ctx.conn()
    upper = ref.strip().upper()
    if upper.startswith("M"):
        digits = upper[1:].removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            fail(f"{ref}: a message reference looks like M-17", 2)
        try:
            data = (
                raw_message(conn, int(digits))
                if mode == "raw"
                else (get_message(conn, int(digits)).body_text.encode("utf-8"))
            )
        except MessageNotFound as exc:
            fail(str(exc))
        if out:
            out.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    try:
        ticket = get_ticket(conn, ticket_id_of(conn, ref))
    except TicketNotFound as exc:
        fail(str(exc))
    if mode == "text":
        _print_thread(ctx, ticket, explain=False)
        return
    if out is None:
        fail("a ticket is exported to a folder: add --out FOLDER (or use --text)", 2)
    out.mkdir(parents=True, exist_ok=True)
    messages = ticket_messages(conn, ticket.id)
    written, kept = _export_raw(conn, [m.id for m in messages], out)
    note = f" ({kept} already there, unchanged)" if kept else ""
    console.print(Text(f"wrote {counted(written, 'message')} of {ticket.ref} to {out}{note}"))


def _export_raw(conn: sqlite3.Connection, message_ids: list[int], out: Path) -> tuple[int, int]:
    """Write each message as ``M-<id>.eml`` in ``out``; (written, already there).

    Never over a file that is there: the same bytes count as already exported, other
    bytes (an agent's edit, another store's M-17) keep their file and the message
    goes next to it as ``M-17 (1).eml``; links are never followed."""
    from agentconsole.attachments import write_new_file

    written = kept = 0
    for message_id in message_ids:
        data = raw_message(conn, message_id)
        target = out / f"M-{message_id}.eml"
        try:
            same = not target.is_symlink() and target.is_file() and target.read_bytes() == data
        except OSError:
            same = False
        if same:
            kept += 1
            continue
        write_new_file(out, target.name, data)
        written += 1
    return written, kept


def _customer_json(ctx: Context, customer: Customer) -> dict[str, object]:
    stats = customer_stats(ctx.conn(), customer.id)
    return dataclasses.asdict(customer) | {"ref": f"C-{customer.id}"} | dataclasses.asdict(stats)


@cli.command("customers")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def customers_command(ctx: Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Find customers by e-mail, name, phone, account, order or transaction id.

    Exits 1 when no customer matches.

    \b
    Examples:
      agentconsole customers user901775@example.com
      agentconsole customers 王娜
      agentconsole customers TXN849334189245
      agentconsole customers 139-4686-2325
    """
    found = find_customers(ctx.conn(), " ".join(query), limit=limit)
    if as_json:
        emit_json([_customer_json(ctx, c) for c in found])
    if not found:
        fail_empty("no customer matches")
    if as_json:
        return
    rows = []
    for customer in found:
        stats = customer_stats(ctx.conn(), customer.id)
        idents = ", ".join(f"{k}:{v}" for k, v in customer.identifiers[:4])
        rows.append(
            (
                f"C-{customer.id}",
                cell(customer.name, 20),
                cell(", ".join(customer.addresses), 36),
                cell(idents, 50),
                f"{stats.open_tickets}/{stats.total_tickets}",
                when(stats.last_contact_at),
            )
        )
    table(["ref", "name", "addresses", "identifiers", "open/all", "last contact"], rows)


def _customer_id(ref: str) -> int:
    text = ref.strip().upper().removeprefix("C").lstrip("-")
    if not text.isdigit():
        fail(f"{ref}: a customer reference looks like C-12", 2)
    return int(text)


@cli.command("merge-customers")
@click.argument("keep")
@click.argument("merge")
@pass_context
def merge_command(ctx: Context, keep: str, merge: str) -> None:
    """Merge customer MERGE into KEEP (addresses, identifiers and tickets move).

    \b
    Example:
      agentconsole merge-customers C-12 C-40
    """
    from rich.text import Text

    try:
        customer_rules.merge_customers(
            ctx.conn(), _customer_id(keep), _customer_id(merge), actor=ctx.config.agent
        )
    except (CustomerNotFound, ValueError) as exc:
        fail(str(exc))
    customer = get_customer(ctx.conn(), _customer_id(keep))
    console.print(
        Text(
            f"merged {merge} into C-{customer.id} ({safe_line(customer.name)}): "
            + safe_line(", ".join(customer.addresses))
        )
    )


@cli.command("messages")
@click.option(
    "--status",
    type=click.Choice(["degraded", "quarantined"]),
    help="Only messages stored with this parse status.",
)
@click.option("--unfiled", is_flag=True, help="Only messages that are in no ticket.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def messages_command(
    ctx: Context, status: str | None, unfiled: bool, limit: int, as_json: bool
) -> None:
    """List messages that need a look: degraded, quarantined or unfiled ones.

    \b
    Examples:
      agentconsole messages --status quarantined
      agentconsole messages --unfiled --json
    """
    found = list_messages(ctx.conn(), status=status, unfiled=unfiled, limit=limit)
    refs = ticket_refs(ctx.conn(), (m.ticket_id for m in found if m.ticket_id))
    if as_json:
        emit_json(
            [
                dataclasses.asdict(m) | {"ticket": refs[m.ticket_id] if m.ticket_id else None}
                for m in found
            ]
        )
        return
    rows = [
        (
            f"M-{m.id}",
            refs[m.ticket_id] if m.ticket_id else "-",
            m.status,
            cell(m.from_addr, 28),
            cell(m.subject, 40),
            cell("; ".join(m.problems), 60),
        )
        for m in found
    ]
    table(
        ["ref", "ticket", "status", "from", "subject", "problems"],
        rows,
        title=f"{len(found)} messages",
    )
