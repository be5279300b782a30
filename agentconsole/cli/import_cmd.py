"""``agentconsole import``: mailbox exports into the store, with progress and a summary."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import console, emit_json, err_console, fail, table
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.ingest.writer import ImportSummary
from agentconsole.mail.sources import MailSource, NotAMailbox
from agentconsole.store import open_db
from agentconsole.store.recipients import check_recipients, last_message_id
from agentconsole.textsafe import safe_line

_LABELS = [
    ("messages_seen", "messages seen"),
    ("imported", "imported"),
    ("duplicates", "duplicates (already stored)"),
    ("tickets_created", "new tickets"),
    ("followups", "follow-ups on existing tickets"),
    ("auto_replies", "auto-replies"),
    ("bounces", "bounces"),
    ("list_or_bulk", "mailing-list / bulk mail"),
    ("unfiled", "automatic mail not filed in a ticket"),
    ("new_customers", "new customers"),
    ("degraded", "degraded (stored, partly readable)"),
    ("quarantined", "quarantined (stored raw, unreadable)"),
    ("unreadable", "could not be read from disk"),
]


class _MessagesColumn(ProgressColumn):
    """Messages done and messages per second (the bar itself advances by bytes)."""

    def render(self, task: Task) -> Text:
        messages = int(task.fields.get("messages", 0))
        elapsed = task.elapsed or 0
        rate = messages / elapsed if elapsed > 0 else 0.0
        return Text(f"{messages:,} msgs  {rate:,.0f} msg/s")


def _sources(paths: tuple[Path, ...]) -> list[MailSource]:
    problems: list[str] = []
    sources: list[MailSource] = []
    for path in paths:
        try:
            sources.extend(resolve_sources([path]))
        except NotAMailbox as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    if problems:
        for problem in problems:
            err_console.print(Text("error: ", style="bold red") + Text(safe_line(problem)))
        fail("nothing was imported; fix or leave out the paths above", 2)
    return sources


def print_summary(summary: ImportSummary) -> None:
    title = "Dry run: nothing was written" if summary.dry_run else "Import finished"
    data = summary.as_dict()
    always = ("messages_seen", "imported", "duplicates", "tickets_created")
    rows = [
        (label, f"{getattr(summary, key):,}")
        for key, label in _LABELS
        if getattr(summary, key) or key in always
    ]
    rate = data["messages_per_second"]
    rows.append(("time", f"{summary.seconds:.1f} s" + (f" ({rate:,.0f} msg/s)" if rate else "")))
    table(["", "count"], rows, title=title)
    for error in summary.errors[:20]:
        err_console.print(Text("warning: ", style="yellow") + Text(safe_line(error)))


def support_address_warning(ctx: Context, after_id: int) -> str | None:
    """A warning when none of the configured support addresses sends or receives any of
    the messages just imported: then the mailbox is someone else's address, and the
    replies sent from it are being taken for customers' mail."""
    ours = ctx.config.support_addresses
    check = check_recipients(ctx.conn(), ours, after_id)
    if check.support_seen or not check.messages:
        return None
    plural = "es" if len(ours) != 1 else ""
    text = (
        f"the support address{plural} in the config ({', '.join(ours) or 'none'}) appear"
        f"{'s' if len(ours) == 1 else ''} in none of the {check.messages:,} imported messages"
    )
    if check.top_recipient:
        text += (
            f"; the most common recipient is {check.top_recipient} ({check.top_count:,} "
            f"message{'s' if check.top_count != 1 else ''}): add it to [mailbox] "
            "support_addresses, or replies sent from it count as customers' mail"
        )
    else:
        text += "; add yours to [mailbox] support_addresses"
    return text


def import_with_progress(
    ctx_obj: Context, sources: list[MailSource], *, dry_run: bool, jobs: int | None, show: bool
) -> ImportSummary:
    total = sum(source.size() for source in sources)
    db_path = ctx_obj.db_path
    if dry_run and not db_path.exists():
        conn = open_db(memory=True).conn  # a dry run must not even create the file
    else:
        conn = ctx_obj.conn()
    if not show:
        return run_import(
            conn, sources, ctx_obj.config, dry_run=dry_run, jobs=jobs, total_bytes=total
        )
    columns = [
        TextColumn("[bold]importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        _MessagesColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task("import", total=max(total, 1), messages=0)

        def advance(done: int, messages: int) -> None:
            if messages % 50 == 0:
                bar.update(task, completed=done, messages=messages)

        summary = run_import(
            conn,
            sources,
            ctx_obj.config,
            dry_run=dry_run,
            jobs=jobs,
            progress=advance,
            total_bytes=total,
        )
        bar.update(task, completed=max(total, 1), messages=summary.messages_seen)
    return summary


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=None,
    help="Parsing processes (default: one per core, up to 4).",
)
@pass_context
def import_command(
    ctx: Context, paths: tuple[Path, ...], dry_run: bool, as_json: bool, jobs: int | None
) -> None:
    """Import mailbox exports: mbox files, Maildir folders, .eml files or folders of them.

    The kind of each PATH is detected. Gmail Takeout mbox files work; their
    X-Gmail-Labels become ticket tags. Importing the same export again imports
    nothing new, and an interrupted import can simply be started again.

    \b
    Examples:
      agentconsole import ~/exports/support.mbox
      agentconsole import ~/Maildir/support ~/Downloads/*.eml
      agentconsole import --dry-run takeout/Mail/*.mbox
      agentconsole import --json support.mbox | jq .imported
    """
    sources = _sources(paths)
    show = not as_json and err_console.is_terminal
    before = None if dry_run else last_message_id(ctx.conn())
    summary = import_with_progress(ctx, sources, dry_run=dry_run, jobs=jobs, show=show)
    warning = support_address_warning(ctx, before) if before is not None else None
    if as_json:
        emit_json(summary.as_dict())
    else:
        print_summary(summary)
        if not dry_run:
            console.print(Text(f"database: {ctx.db_path}", style="dim"))
    if warning:
        err_console.print(Text("warning: ", style="yellow") + Text(safe_line(warning)))
