"""``agentconsole lint``: check a reply with the etiquette linter before it leaves."""

from __future__ import annotations

import dataclasses
import sys

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import emit_json, fail
from agentconsole.config import ConfigError
from agentconsole.files import FileRefused, read_limited, read_stream
from agentconsole.limits import MAX_TEXT_BYTES
from agentconsole.lint import (
    Finding,
    LintContext,
    detect_language,
    has_blocking,
    lint_text,
    load_rules,
)
from agentconsole.textsafe import safe_line

_SNIPPET = 60


def _read(source: str) -> str:
    """The reply's text from FILE or standard input (``-``); a missing or unreadable
    file, or one that is not UTF-8, is bad input (exit 2)."""
    name = "standard input" if source == "-" else source
    try:
        data = (
            read_stream(sys.stdin.buffer, MAX_TEXT_BYTES, "a reply's text")
            if source == "-"
            else read_limited(source, MAX_TEXT_BYTES, "a reply's text")
        )
    except FileRefused as exc:
        fail(str(exc), 2)
    except FileNotFoundError:
        fail(f"{source}: no such file", 2)
    except IsADirectoryError:
        fail(f"{source}: is a folder, not a file", 2)
    except OSError as exc:
        fail(f"{source}: cannot be read ({exc.strerror})", 2)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{name}: not UTF-8 text (byte {exc.start})", 2)


def _ticket_context(ctx: Context, ref: str, subject: str | None, attachments: bool) -> LintContext:
    from agentconsole.cli.ticket_arg import ticket_id_of
    from agentconsole.lint.context import ticket_context
    from agentconsole.store.compose_reads import message_to_answer
    from agentconsole.store.tickets import TicketNotFound, get_ticket

    conn = ctx.conn()
    try:
        ticket = get_ticket(conn, ticket_id_of(conn, ref, missing=2))
    except TicketNotFound as exc:
        fail(str(exc), 2)
    answered = message_to_answer(conn, ticket.id)
    return ticket_context(
        ticket, answered, ctx.config, subject=subject, has_attachments=attachments
    )


def _where(text: str, finding: Finding, subject: str | None) -> tuple[str, str]:
    """``LINE:COL`` (1-based) of a finding, and the text it points at."""
    if finding.target == "subject":
        shown = subject or ""
        return f"subject:{finding.start + 1}", shown[finding.start : finding.end] or shown
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    return f"{line}:{column}", text[finding.start : finding.end]


@cli.command("lint")
@click.argument("source", metavar="[FILE|-]", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--customer-name", metavar="NAME", help="Whom the reply must greet (王小明).")
@click.option("--lang", metavar="zh|en", help="The customer's language.")
@click.option("--ticket", "ref", metavar="REF", help="Take name, language, ref from a ticket.")
@click.option("--subject", metavar="S", help="Check this subject too.")
@click.option("--attachments", is_flag=True, help="The reply has files attached.")
@pass_context
def lint_command(
    ctx: Context,
    source: str,
    as_json: bool,
    customer_name: str | None,
    lang: str | None,
    ref: str | None,
    subject: str | None,
    attachments: bool,
) -> None:
    """Check a reply (FILE, or standard input) with the etiquette linter.

    One line per finding: LINE:COL, the rule's code, its severity, the message
    and the text it is about. Exits 1 when a finding is an error (an error blocks
    sending), 0 otherwise, 2 on bad input. Rules can be switched off or re-graded
    in the config: [lint] rules = {AC104 = "off"} (the README lists every rule).

    \b
    Examples:
      agentconsole lint reply.txt --customer-name 王小明 --lang zh
      agentconsole lint reply.txt --ticket T-QFMX95MZ --subject "Re: 提现未到账"
      echo "请提供验证码" | agentconsole lint - --json
    """
    if lang is not None and lang not in ("zh", "en"):
        fail(f"--lang must be zh or en, not {lang!r}", 2)
    text = _read(source)
    if ref is not None:
        context = _ticket_context(ctx, ref, subject, attachments)
    else:
        context = LintContext(
            subject=subject,
            has_attachments=attachments,
            first_response_hours=float(ctx.config.reply_target_hours),
            allowed_domains=ctx.config.allowed_domains,
        )
    if customer_name is not None:
        context = dataclasses.replace(context, customer_name=customer_name)
    if lang is not None:
        context = dataclasses.replace(context, customer_lang=lang)
    try:
        rules = load_rules(ctx.config)
    except ConfigError as exc:
        fail(str(exc), 2)
    findings = lint_text(text, context, rules)
    if as_json:
        emit_json({"findings": [f.to_json() for f in findings], "language": detect_language(text)})
    else:
        for finding in findings:
            where, said = _where(text, finding, context.subject)
            click.echo(
                f"{where}  {finding.code}  {finding.severity}  {safe_line(finding.message)}"
                f'  "{safe_line(said, _SNIPPET)}"'
            )
        errors = sum(f.severity == "error" for f in findings)
        summary = f"{len(findings)} finding{'s' * (len(findings) != 1)}, {errors} error"
        click.echo(summary + "s" * (errors != 1) if findings else "no findings", err=True)
    sys.exit(1 if has_blocking(findings) else 0)
