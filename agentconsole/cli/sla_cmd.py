"""``agentconsole sla``: the SLA from the command line: report, explain, simulate,
check, recompute.

``report`` and ``explain`` only read (``report`` does not even load the policy file:
each ticket carries the targets it was held to). ``recompute`` writes; ``simulate``
replays history under another file and writes nothing.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import err_console, fail, table
from agentconsole.cli.ticket_arg import ticket_id_of
from agentconsole.textsafe import safe_line

if TYPE_CHECKING:
    from collections.abc import Callable
    from sqlite3 import Connection

    from agentconsole.sla.policies import PolicySet
    from agentconsole.sla.report import ClockFigures, Report

_AGE = re.compile(r"^(\d{1,5})([hdw])$")
_POLICIES_HELP = "Policy file to use instead of the configured one."


@cli.group("sla")
def sla_group() -> None:
    """Service levels: how fast customers are answered, and why a ticket is late.

    \b
    Examples:
      agentconsole sla report --since 7d --by agent
      agentconsole sla report --from 2026-10-01 --to 2026-10-31 --format html --out oct.html
      agentconsole sla explain T-QFMX95MZ
      agentconsole sla simulate --policies new-sla.toml --since 90d
      agentconsole sla check
      agentconsole sla recompute
    """


def load_policies(ctx: Context, path: Path | None) -> PolicySet:
    """``--policies FILE``, else the configured policy file, else the shipped one; a
    file that cannot be used is one line and exit 2."""
    from agentconsole.sla.policies import PolicyError, config_folder, load_policy_set

    try:
        return load_policy_set(
            path, config_dir=config_folder(), configured=ctx.config.sla_policies or None
        )
    except PolicyError as exc:
        fail(str(exc), 2)


def in_force(ctx: Context, path: Path) -> bool:
    """``path`` is the policy file in force (the one every ticket change uses)."""
    from agentconsole.sla.policies import PolicyError, config_folder, find_policy_file

    try:
        chosen = find_policy_file(
            None, config_dir=config_folder(), configured=ctx.config.sla_policies or None
        )
    except PolicyError as exc:
        fail(str(exc), 2)
    return path.resolve() == chosen.resolve()


def _local_offset(moment: int) -> int:
    offset = datetime.fromtimestamp(moment).astimezone().utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


_YEARS = (1970, 2100)
"""The years a date option may name: the store holds nothing older than 1970, and a
year past 2100 is a typing slip, not a period anyone reports on."""


def _day(value: str, option: str) -> int:
    """Local midnight starting ``value`` (YYYY-MM-DD)."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        fail(f"{option} {value}: use a date like 2026-10-31", 2)
    if not _YEARS[0] <= day.year <= _YEARS[1]:
        fail(f"{option} {value}: use a year from {_YEARS[0]} to {_YEARS[1]}", 2)
    return int(day.astimezone().timestamp())


def period(
    since: str | None,
    start: str | None,
    end: str | None,
    now: int,
    *,
    max_days: int | None = None,
) -> tuple[int, int]:
    """[since, until) from ``--since AGE`` or ``--from DATE --to DATE`` (whole local
    days, both included); 30 days by default; longer than ``max_days`` is refused."""
    if since is not None and (start is not None or end is not None):
        fail("--since cannot be combined with --from/--to: give an age or dates", 2)
    if start is not None or end is not None:
        if start is None or end is None:
            fail("--from and --to go together, e.g. --from 2026-10-01 --to 2026-10-31", 2)
        first, last = _day(start, "--from"), _day(end, "--to")
        until = int((datetime.fromtimestamp(last) + timedelta(days=1)).astimezone().timestamp())
        if until <= first:
            fail(f"--to {end} is before --from {start}", 2)
        days = (datetime.fromtimestamp(last).date() - datetime.fromtimestamp(first).date()).days
        if max_days is not None and days + 1 > max_days:
            fail(
                f"--from {start} --to {end}: {days + 1} days; a report covers at most"
                f" {max_days} days: run one per year",
                2,
            )
        return first, until
    text = "30d" if since is None else since
    match = _AGE.match(text.strip())
    if match is None:
        shown = text if text.strip() else repr(text)
        fail(f"--since {shown}: use an age like 30d, 12h or 2w", 2)
    amount = int(match.group(1)) * {"h": 3600, "d": 86400, "w": 7 * 86400}[match.group(2)]
    if amount == 0:
        fail(f"--since {text}: an empty period: give an age of at least 1h, e.g. 1d or 12h", 2)
    if max_days is not None and amount > max_days * 86400:
        fail(
            f"--since {text}: a report covers at most {max_days} days;"
            " for longer, use --from/--to one year at a time",
            2,
        )
    return now - amount, now + 1


def _figures(figures: ClockFigures) -> list[str]:
    from agentconsole.sla.report_formats import duration_text, share_text

    return [
        duration_text(figures.median),
        duration_text(figures.p90),
        duration_text(figures.target) if figures.target is not None else "mixed",
        f"{figures.met} ({share_text(figures.met_share)})",
        str(figures.breached),
    ]


def print_report(report: Report) -> None:
    from agentconsole.sla.report_formats import group_label, iso

    first = iso(report.since, report.utc_offset)[:10]
    last = iso(report.until - 1, report.utc_offset)[:10]
    columns = [report.by or "tickets", "count"]
    for clock in ("first reply", "resolution"):
        columns += [f"{clock} median", "p90", "target", "met", "breached"]
    rows = [["all", report.tickets, *_figures(report.first_response), *_figures(report.resolution)]]
    for group in report.groups:
        key = group_label(report.by, group.key)
        rows.append(
            [key, group.tickets, *_figures(group.first_response), *_figures(group.resolution)]
        )
    title = f"SLA, tickets created {first} to {last} (business time)"
    table(columns, rows, title=title)
    busy = [d for d in report.days if d.incoming or d.breaches]
    if busy:
        click.echo("")
        table(["day", "incoming", "breaches"], [[d.day, d.incoming, d.breaches] for d in busy])


_SUFFIX_FORMATS = {"htm": "html", "html": "html", "csv": "csv", "json": "json"}
"""The formats a file's suffix names: ``--format`` must not contradict them (a suffix
not listed, ``report.txt``, is the user's choice)."""


@sla_group.command("report")
@click.option("--since", "since", metavar="AGE", help="The last 30d (default), 12h, 2w ...")
@click.option("--from", "start", metavar="DATE", help="First day, YYYY-MM-DD (with --to).")
@click.option("--to", "end", metavar="DATE", help="Last day, included.")
@click.option("--by", type=click.Choice(["agent", "category", "priority", "policy"]))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    help="table (default), json, csv or html; with --out, the file's suffix chooses.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@pass_context
def report_command(
    ctx: Context,
    since: str | None,
    start: str | None,
    end: str | None,
    by: str | None,
    fmt: str | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """First-response and resolution times against target, over a period.

    Tickets created in the period count; times are business time (the policy's
    calendar). JSON has first_response and resolution sections with median, p90
    (seconds), met and breached; html is one self-contained page with charts.

    \b
    Examples:
      agentconsole sla report
      agentconsole sla report --since 7d --by agent
      agentconsole sla report --from 2026-10-01 --to 2026-10-31 --format csv --out oct.csv
      agentconsole sla report --format html --out sla.html
    """
    from agentconsole.periods import MAX_DAYS
    from agentconsole.sla.report import build_report

    if as_json and fmt not in (None, "json"):
        fail(f"--json and --format {fmt} disagree: give one of them", 2)
    if fmt == "table" and out is not None:
        fail(
            f"--out {out}: --format table prints to the terminal;"
            " a file holds --format json, csv or html",
            2,
        )
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    by_suffix = _SUFFIX_FORMATS.get(suffix)
    if as_json:
        fmt = "json"
    if fmt is not None and by_suffix is not None and fmt != by_suffix:
        given = "--json" if as_json else f"--format {fmt}"
        fail(
            f"--out {out}: {given} writes {fmt}, but the file's name says {by_suffix}:"
            f" name it .{fmt}, or leave out {given} (the suffix chooses)",
            2,
        )
    if fmt is None:
        fmt = by_suffix or "table"
        if out is not None and fmt == "table":
            fail(
                f"--out {out}: a file holds json, csv or html: name it .json, .csv or .html,"
                " or add --format",
                2,
            )
    now = int(time.time())
    first, until = period(since, start, end, now, max_days=MAX_DAYS)
    report = build_report(ctx.conn(), first, until, by, now=now, utc_offset=_local_offset(now))
    if fmt == "table":
        print_report(report)
        return
    from agentconsole.sla import report_formats

    if fmt == "json":
        from agentconsole.textsafe import safe_json

        text = safe_json(report_formats.report_dict(report), indent=2) + "\n"
    elif fmt == "csv":
        text = report_formats.report_csv(report)
    else:
        text = report_formats.report_html(report)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot be written ({exc.strerror})", 2)
    err_console.print(f"wrote {out}", markup=False, highlight=False)


@sla_group.command("explain")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--policies", type=click.Path(path_type=Path), help=_POLICIES_HELP)
@pass_context
def explain_command(ctx: Context, ref: str, as_json: bool, policies: Path | None) -> None:
    """Why a ticket's clocks say what they say: policy, counted time, pauses, due times.

    \b
    Examples:
      agentconsole sla explain T-QFMX95MZ
      agentconsole sla explain T-QFMX95MZ --json
    """
    from agentconsole.cli.sla_explain import print_explanation
    from agentconsole.sla.explain import explain

    conn = ctx.conn()
    ticket_id = ticket_id_of(conn, ref)
    policy_set = load_policies(ctx, policies)
    explanation = explain(conn, ticket_id, policy_set, now=int(time.time()))
    if explanation is None:
        fail(f"no ticket {ref}")
    from agentconsole.refs import parse_ref

    print_explanation(
        conn,
        explanation,
        as_json=as_json,
        in_force=policies is None or in_force(ctx, policies),
        asked=parse_ref(ref),
    )


@sla_group.command("simulate")
@click.option("--policies", type=click.Path(path_type=Path), required=True, help="The file to try.")
@click.option("--since", "since", metavar="AGE", default="90d", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_context
def simulate_command(ctx: Context, policies: Path, since: str, as_json: bool) -> None:
    """Replay recorded history under another policy file; nothing is written.

    Prints how many tickets would have breached under FILE against how many did
    under the policies in force, per policy and per category, and names them.

    \b
    Examples:
      agentconsole sla simulate --policies new-sla.toml
      agentconsole sla simulate --policies new-sla.toml --since 30d --json
    """
    from agentconsole.cli.sla_explain import print_simulation
    from agentconsole.sla.simulate import simulate

    now = int(time.time())
    first, until = period(since, None, None, now)
    policy_set = load_policies(ctx, policies)
    result = simulate(ctx.conn(), policy_set, since=first, until=until, now=now)
    print_simulation(result, as_json=as_json)


@sla_group.command("check")
@click.option("--policies", type=click.Path(path_type=Path), help=_POLICIES_HELP)
@click.option(
    "--year",
    "years",
    type=click.IntRange(*_YEARS),
    multiple=True,
    help="Also check holiday data for YEAR (repeatable), e.g. the year a report covers.",
)
@pass_context
def check_command(ctx: Context, policies: Path | None, years: tuple[int, ...]) -> None:
    """Check the policy file: keys, hours, `when` queries, holiday data for this year,
    the years the stored tickets span and each --year. Exit 0 when it is fine, 1 with
    one line per problem.

    \b
    Examples:
      agentconsole sla check
      agentconsole sla check --policies new-sla.toml
      agentconsole sla check --year 2027
    """
    from agentconsole.sla.policies import (
        PolicyError,
        check_policy_file,
        config_folder,
        find_policy_file,
    )
    from agentconsole.store.sla_rows import created_years

    configured = ctx.config.sla_policies or None
    try:
        path = find_policy_file(policies, config_dir=config_folder(), configured=configured)
    except PolicyError as exc:
        fail(str(exc), 2)
    stored = created_years(ctx.conn()) if ctx.db_path.exists() else ()
    warnings: list[str] = []
    problems = check_policy_file(path, years=(*stored, *years), warnings=warnings)
    for problem in problems:
        err_console.print(problem, markup=False, highlight=False)
    for warning in warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False)
    if problems:
        fail(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    from agentconsole.cli.output import counted

    policy_set = load_policies(ctx, path)
    count = len(policy_set.policies)
    click.echo(
        safe_line(
            f"{path}: ok ({count} {'policy' if count == 1 else 'policies'},"
            f" {counted(len(policy_set.calendars), 'calendar')},"
            f" {counted(len(policy_set.escalations), 'escalation rule')})"
        )
    )


@sla_group.command("recompute")
@click.option(
    "--policies",
    type=click.Path(path_type=Path),
    help="The policy file in force (a file not in force is refused: try it with simulate).",
)
@pass_context
def recompute_command(ctx: Context, policies: Path | None) -> None:
    """Recompute every ticket's due times (after editing the policy file in force), in
    short transactions: agents can keep working meanwhile. Breaches that came are
    escalated by the file's rules; the count is printed.

    Only the file in force is used: every later change to a ticket is measured by it,
    so due times from another file would be silently replaced and its escalations
    could not be undone. To try a file, use `sla simulate --policies FILE`; to put it
    in force, name it in the config (`[sla] policies`).

    \b
    Examples:
      agentconsole sla recompute
    """
    from agentconsole.cli.output import counted
    from agentconsole.domain.sla import SLA_ACTOR, sweep
    from agentconsole.sla.policies import config_folder, find_policy_file
    from agentconsole.store.sla_audit import escalations_after, last_event_id

    policy_set = load_policies(ctx, policies)
    if policies is not None and not in_force(ctx, policies):
        chosen = find_policy_file(
            None, config_dir=config_folder(), configured=ctx.config.sla_policies or None
        )
        fail(
            f"--policies {policies} is not the policy file in force ({chosen}):"
            f" try it with `agentconsole sla simulate --policies {policies}`;"
            " to use it, name it in the config ([sla] policies) and run sla recompute",
            2,
        )
    from agentconsole.store.sla_rows import ticket_count

    conn = ctx.conn()
    started = time.monotonic()
    before = last_event_id(conn)
    total = ticket_count(conn)
    reached = [0]

    def track(done: int, of: int) -> None:
        reached[0] = done

    try:
        changed = _recompute_with_progress(conn, policy_set, track)
        sweep(conn, policy_set)
    except KeyboardInterrupt:  # ctrl+c: the batch under way rolled back, the rest kept
        fail(interrupted_line(reached[0], total), INTERRUPTED)
    escalated = escalations_after(conn, before, actor=SLA_ACTOR)
    click.echo(
        safe_line(
            f"recomputed {counted(total, 'ticket')} under {policy_set.source}:"
            f" {changed} changed, {counted(escalated, 'escalation')} applied,"
            f" in {time.monotonic() - started:.1f} s"
        )
    )


INTERRUPTED = 130
"""``sla recompute`` stopped by ctrl+c: the shell's code for SIGINT (128 + 2)."""


def interrupted_line(done: int, total: int) -> str:
    """What an interrupted recompute says: how far it got, and that the store is
    consistent but mixed (each batch commits whole), so running it again is the fix."""
    return (
        f"interrupted after {done:,} of {total:,} tickets: due times are partly"
        " recomputed; run agentconsole sla recompute again"
    )


def _recompute_with_progress(
    conn: Connection, policy_set: PolicySet, track: Callable[[int, int], None]
) -> int:
    """Every ticket recomputed (a progress bar on a terminal); ``track`` hears each
    batch done."""
    from agentconsole.domain.sla import recompute_all

    if not err_console.is_terminal:
        return recompute_all(conn, policy_set, progress=track)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("recomputing"), BarColumn(), MofNCompleteColumn(), console=err_console
    ) as bar:
        task = bar.add_task("recompute", total=None)

        def shown(done: int, total: int) -> None:
            track(done, total)
            bar.update(task, completed=done, total=total)

        return recompute_all(conn, policy_set, progress=shown)
