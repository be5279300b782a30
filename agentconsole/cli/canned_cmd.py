"""``agentconsole canned``: list, show, render and check canned responses."""

from __future__ import annotations

import click

from agentconsole.canned import CannedError, CannedResponse, Library, load_library, render
from agentconsole.canned import template_values as values_for
from agentconsole.cli import Context, cli, db_option, pass_context
from agentconsole.cli.output import emit_json, fail, table
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.store.customers import CustomerNotFound, get_customer
from agentconsole.store.tickets import TicketNotFound, get_ticket
from agentconsole.textsafe import safe_line, safe_text


def _library(ctx: Context) -> Library:
    """The library for this run: ours and the config's canned folder."""
    return load_library(ctx.config)


def _response(library: Library, rid: str) -> CannedResponse:
    try:
        return library.get(rid)
    except CannedError as exc:
        fail(f"{exc}: see agentconsole canned list", 2)


def _json(response: CannedResponse) -> dict[str, object]:
    return {
        "id": response.id,
        "title": response.title,
        "lang": response.lang,
        "categories": list(response.categories),
        "tags": list(response.tags),
        "keywords": list(response.keywords),
        "origin": response.origin,
        "path": str(response.path),
    }


@cli.group("canned")
def canned_group() -> None:
    """Canned responses: reply fragments in Chinese and English, with variables.

    Ours ship with agentconsole; yours go in the canned/ folder next to your config
    file (one Markdown file each) and replace ours with the same id. See README,
    "Canned responses".

    \b
    Examples:
      agentconsole canned list --lang zh
      agentconsole canned show refund-status-en
      agentconsole canned render refund-status-zh --ticket T-7K3QX9PA
      agentconsole canned lint
    """


@canned_group.command("list")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only responses in this language.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_context
def list_command(ctx: Context, lang: str | None, as_json: bool) -> None:
    """List canned responses: id, language, categories, title, ours or yours."""
    library = _library(ctx)
    found = [r for r in library.all() if lang is None or r.lang == lang]
    if as_json:
        emit_json(
            {
                "responses": [_json(r) for r in found],
                "problems": [str(problem) for problem in library.problems],
            }
        )
    else:
        table(
            ("id", "lang", "categories", "title", "origin"),
            [(r.id, r.lang, ",".join(r.categories), r.title, r.origin) for r in found],
        )
    if library.problems:
        click.echo(
            f"{len(library.problems)} file(s) could not be loaded: run agentconsole canned lint",
            err=True,
        )


@canned_group.command("show")
@click.argument("rid", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_context
def show_command(ctx: Context, rid: str, as_json: bool) -> None:
    """Show canned response ID: its fields and its template, unrendered."""
    response = _response(_library(ctx), rid)
    if as_json:
        emit_json(_json(response) | {"body": response.body})
        return
    for label, value in (
        ("id", response.id),
        ("title", response.title),
        ("lang", response.lang),
        ("categories", ", ".join(response.categories)),
        ("tags", ", ".join(response.tags)),
        ("keywords", ", ".join(response.keywords)),
        ("file", f"{response.path} ({response.origin})"),
    ):
        click.echo(f"{label + ':':<12}{safe_line(value)}")
    click.echo("")
    click.echo(safe_text(response.body))


@canned_group.command("render")
@click.argument("rid", metavar="ID")
@click.option("--ticket", "ref", required=True, metavar="REF", help="The ticket to render for.")
@click.option("--json", "as_json", is_flag=True, help="Print the text and its blanks as JSON.")
@db_option
@pass_context
def render_command(ctx: Context, rid: str, ref: str, as_json: bool) -> None:
    """Render canned response ID for ticket REF: the text a reply would get.

    Blanks the agent must fill appear as ⟦label⟧; --json lists their offsets.

    \b
    Example:
      agentconsole canned render withdrawal-delayed-zh --ticket T-7K3QX9PA
    """
    response = _response(_library(ctx), rid)
    conn = ctx.conn()
    try:
        ticket = get_ticket(conn, ticket_id_of(conn, ref, missing=2))
    except TicketNotFound as exc:
        fail(str(exc), 2)
    customer = None
    if ticket.customer_id is not None:
        try:
            customer = get_customer(conn, ticket.customer_id)
        except CustomerNotFound:
            customer = None
    try:
        rendered = render(response, values_for(ticket, customer, ctx.config))
    except CannedError as exc:
        fail(str(exc))
    if as_json:
        emit_json(
            {
                "id": response.id,
                "ticket": ticket.ref,
                "text": rendered.text,
                "blanks": [
                    {"start": s, "end": e, "label": label} for s, e, label in rendered.blanks
                ],
            }
        )
    else:
        click.echo(safe_text(rendered.text))


@canned_group.command("lint")
@pass_context
def lint_command(ctx: Context) -> None:
    """Check every canned response, ours and yours: front matter, template, variables,
    a render with a full sample ticket and with an empty one, and the etiquette linter
    on the text (the rules about a whole reply, such as the greeting, left out). Lists
    each problem as file:line; exits 1 when one is an error (warnings are listed).

    \b
    Example:
      agentconsole canned lint
    """
    from agentconsole.canned.check import check_library
    from agentconsole.config import ConfigError
    from agentconsole.lint import load_rules

    library = _library(ctx)
    try:
        rules = load_rules(ctx.config)
    except ConfigError as exc:
        fail(str(exc), 2)
    problems = check_library(library, ctx.config, rules)
    for problem in problems:
        click.echo(safe_line(str(problem)))
    checked = len(library.all()) + len(library.problems)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = f", {len(problems) - errors} warning(s)" if len(problems) > errors else ""
    if errors:
        click.echo(f"{errors} problem(s) in {checked} response file(s){warnings}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {checked} response file(s) checked{warnings}")
