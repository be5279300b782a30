"""``agentconsole reply``: answer a ticket from a script or from ``$EDITOR``.

The same core as the console's compose pane builds the reply (greeting, signature,
quote: :mod:`agentconsole.compose.build`) and checks it (the etiquette linter); error
findings stop it unless ``--override-lint`` gives a reason. A reply that passes is
stored on the ticket and queued in the outbox in one transaction.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.outbox_cmd import existing_conn, waits
from agentconsole.cli.output import counted, emit_json, fail
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.compose.addresses import parse_addresses
from agentconsole.compose.build import new_draft, template_inputs
from agentconsole.compose.checks import SendResult, send_draft
from agentconsole.compose.errors import ComposeError, DuplicateReply
from agentconsole.compose.mime import check_attachment, human_size
from agentconsole.config import Config
from agentconsole.files import FileRefused, read_limited, read_stream
from agentconsole.limits import MAX_TEXT_BYTES
from agentconsole.lint import Finding
from agentconsole.store.drafts import Draft
from agentconsole.store.tickets import TicketNotFound, get_ticket
from agentconsole.textsafe import safe_line


def _read_text(source: str) -> str:
    """The reply's text from a file, or from standard input for ``-``."""
    try:
        if source == "-":
            data = read_stream(sys.stdin.buffer, MAX_TEXT_BYTES, "a reply's text")
        else:
            data = read_limited(Path(source).expanduser(), MAX_TEXT_BYTES, "a reply's text")
    except FileRefused as exc:
        fail(str(exc), 2)
    except IsADirectoryError:
        fail(f"{source}: is a directory, not a text file", 2)
    except OSError as exc:
        fail(f"{source}: cannot be read ({exc.strerror or exc})", 2)
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        where = "standard input" if source == "-" else source
        fail(f"{where}: not UTF-8 text (byte {exc.start})", 2)


def _canned_text(ctx: Context, ticket_id: int, canned_id: str) -> str:
    """The canned response ``canned_id`` rendered for the ticket."""
    from agentconsole.canned import CannedError, load_library, render, template_values
    from agentconsole.store.customers import CustomerNotFound, get_customer

    conn = ctx.conn()
    ticket = get_ticket(conn, ticket_id)
    customer = None
    if ticket.customer_id is not None:
        try:
            customer = get_customer(conn, ticket.customer_id)
        except CustomerNotFound:
            customer = None
    try:
        response = load_library(ctx.config).get(canned_id)
    except CannedError as exc:
        fail(str(exc), 2)
    try:  # the response file's fault, not the command's: exit 1, as canned render
        values = template_values(*template_inputs(ticket, customer), ctx.config)
        return render(response, values).text
    except CannedError as exc:
        fail(str(exc))


def _finding_line(finding: Finding, draft: Draft) -> str:
    """``error AC201 line 3: message «the words»``: the line in the reply as built
    (the greeting is line 1), or ``subject`` for a finding on the subject."""
    if finding.target == "subject":
        text, where = draft.subject, "subject"
    else:
        text = draft.body
        where = f"line {text.count(chr(10), 0, finding.start) + 1}"
    excerpt = safe_line(text[finding.start : finding.end], 40)
    shown = f" «{excerpt}»" if excerpt else ""
    return f"{finding.severity} {finding.code} {where}: {safe_line(finding.message)}{shown}"


def _report(result: SendResult, draft: Draft, ref: str, as_json: bool, waiting: str) -> None:
    if as_json:
        emit_json(
            {
                "ticket": ref,
                "mode": draft.mode,
                "queued": result.queued,
                "stored": result.stored_id is not None,
                "message_id": result.message_id,
                "outbox_id": result.outbox_id,
                "findings": [f.to_json() for f in result.findings],
                "body": draft.body,
            }
        )
    else:
        for finding in result.findings:
            click.echo(_finding_line(finding, draft))
    if result.stored_id is None:
        errors = sum(1 for f in result.findings if f.severity == "error")
        fail(
            f"not queued: {counted(errors, 'error finding')};"
            " fix the text or send anyway with --override-lint REASON"
        )
    if as_json:
        return
    if draft.mode == "note":
        click.echo(f"note added to {ref}")
    else:
        click.echo(f"queued {result.message_id} for {ref}")
        click.echo(f"it {waiting}")


def _attachments(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The files, checked now (bad input, exit 2) rather than when the mail is built."""
    checked = []
    for path in paths:
        try:
            found = check_attachment(path)
        except ComposeError as exc:
            fail(str(exc), 2)
        click.echo(f"attaching {safe_line(found.name)} ({human_size(found.size)})", err=True)
        checked.append(str(found.path))
    return tuple(checked)


def _text(ctx: Context, ticket_id: int, source: str | None, canned: str | None) -> str:
    parts = []
    if canned is not None:
        parts.append(_canned_text(ctx, ticket_id, canned))
    if source is not None:
        parts.append(_read_text(source))
    if not parts:
        fail("nothing to send: give --file F, - (standard input) or --canned ID", 2)
    return "\n\n".join(part.strip("\n") for part in parts)


def _draft(
    ctx: Context, ticket_id: int, text: str, note: bool, cc: tuple[str, ...], files: tuple[str, ...]
) -> Draft:
    config: Config = ctx.config
    try:
        for address in cc:
            parse_addresses(address)
        draft = new_draft(
            ctx.conn(), ticket_id, "note" if note else "reply", config, canned_text=text
        )
    except ComposeError as exc:
        fail(str(exc), 2)
    return replace(draft, cc=tuple(dict.fromkeys([*draft.cc, *cc])), attachments=files)


@cli.command("reply")
@click.argument("ref")
@click.argument("stdin_dash", metavar="[-]", required=False)
@click.option(
    "--file", "file_", metavar="F", help="Read the reply's text from F ('-': standard input)."
)
@click.option(
    "--canned", metavar="ID", help="Start from canned response ID (agentconsole canned list)."
)
@click.option("--note", is_flag=True, help="An internal note: stored on the ticket, never sent.")
@click.option("--cc", multiple=True, metavar="ADDR", help="Copy to ADDR (repeatable).")
@click.option("--attach", multiple=True, metavar="PATH", help="Attach the file PATH (repeatable).")
@click.option(
    "--override-lint",
    metavar="REASON",
    help="Send despite error findings; REASON is recorded on the ticket.",
)
@click.option(
    "--again", is_flag=True, help="Queue it even if the same reply was queued minutes ago."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_context
def reply_command(
    ctx: Context,
    ref: str,
    stdin_dash: str | None,
    file_: str | None,
    canned: str | None,
    note: bool,
    cc: tuple[str, ...],
    attach: tuple[str, ...],
    override_lint: str | None,
    again: bool,
    as_json: bool,
) -> None:
    """Reply to ticket REF: the text from --file, standard input (-) or --canned,
    with the greeting, your signature and the customer's last message quoted (masked)
    added as the console adds them.

    The reply is linted first: it prints every finding and exits 1 without queueing
    when one is an error, unless --override-lint REASON says why it must go anyway.
    Otherwise it is stored on the ticket, queued in the outbox, and its Message-ID
    printed. --note adds an internal note instead (never sent, not linted).
    The same words queued on the ticket in the last 10 minutes are refused (exit 1)
    unless --again says they must go twice.
    Exits 2 on bad input (unknown ticket, unreadable file, bad address, unknown
    canned response, an empty reply or override reason, a mail over 25 MB or 50
    recipients).

    \b
    Examples:
      agentconsole reply T-7K3QX9PA --file answer.txt
      $EDITOR answer.txt && agentconsole reply T-7K3QX9PA - < answer.txt
      agentconsole reply T-7K3QX9PA --canned withdrawal-delayed-zh --cc finance@okwallet.example
      agentconsole reply T-7K3QX9PA --note --file findings.txt
      agentconsole reply T-7K3QX9PA --file a.txt --override-lint "they asked for the format"
    """
    if stdin_dash is not None and stdin_dash != "-":
        fail(f"{stdin_dash}: only - (read standard input) may follow the ticket", 2)
    if stdin_dash is not None and file_ is not None:
        fail("give --file F or -, not both", 2)
    if note and cc:
        fail("a note is never sent: --cc does not go with --note", 2)
    conn = existing_conn(ctx)
    ticket_id = ticket_id_of(conn, ref, missing=2)
    try:
        ticket = get_ticket(conn, ticket_id)
    except TicketNotFound as exc:
        fail(str(exc), 2)
    files = _attachments(attach)
    text = _text(ctx, ticket_id, file_ or stdin_dash, canned)
    draft = _draft(ctx, ticket_id, text, note, cc, files)
    try:
        result = send_draft(
            conn,
            draft,
            ctx.config,
            actor=ctx.config.agent,
            override_reason=override_lint,
            again=again,
        )
    except DuplicateReply as exc:
        fail(str(exc), 1)
    except ComposeError as exc:
        fail(str(exc), 2)
    _report(result, draft, ticket.ref, as_json, waits(ctx.conn()))
