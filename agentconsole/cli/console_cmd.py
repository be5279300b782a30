"""Opening the console: ``agentconsole`` and ``agentconsole demo``."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.text import Text

from agentconsole.cli import Context, cli, pass_context
from agentconsole.cli.output import console, fail
from agentconsole.config import DATA_DIR
from agentconsole.demo_mail import write_moved_demo
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db

DEMO_MAILBOX = DATA_DIR / "demo" / "support.mbox"
RECENT_MAILBOX = DATA_DIR / "demo" / "recent.mbox"


def run_console(ctx: Context) -> None:
    """Open the console on the configured database.

    The database is opened (created and migrated if new) here first, so that a missing
    folder, a full disk or a read-only file is a one-line error from the command line
    (see :mod:`agentconsole.cli.errors`) instead of a crash inside the console; and a
    console that did end on an error exits non-zero."""
    from agentconsole.app import make_app

    ctx.conn()
    app = make_app(ctx.config, ctx.db_path)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def build_demo_db(target: Path, ctx: Context) -> int:
    """A fresh database at ``target`` holding the bundled demo mail, moved to the
    present (:mod:`agentconsole.demo_mail`): whenever the demo runs, its queue has
    tickets at risk and breached. The moved copy of the mail is written to a
    temporary folder next to nothing of the user's; the bundled files stay as they are."""
    for mailbox in (DEMO_MAILBOX, RECENT_MAILBOX):
        if not mailbox.exists():
            fail(f"{mailbox}: the demo mailbox is missing (run scripts/make_demo.py)")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="agentconsole-demo-mail-") as folder:
        moved = Path(folder) / "support.mbox"
        now = datetime.fromtimestamp(time.time(), UTC)
        write_moved_demo([DEMO_MAILBOX, RECENT_MAILBOX], moved, now)
        conn = open_db(target).conn
        summary = run_import(conn, resolve_sources([moved]), ctx.config, jobs=1)
        conn.close()
    return summary.imported


@cli.command("demo")
@click.option(
    "--keep",
    "keep",
    type=click.Path(path_type=Path),
    help="Write the demo database here and keep it (default: a temporary copy).",
)
@click.option(
    "--no-console", is_flag=True, help="Only build the demo database and print where it is."
)
@pass_context
def demo_command(ctx: Context, keep: Path | None, no_console: bool) -> None:
    """Open the console on a fresh copy of the bundled demo mailbox.

    Your own database is not touched: the demo lives in a temporary database that is
    deleted afterwards, unless --keep PATH says where to keep it. The demo mail is
    moved forward by whole weeks to end at the present, so its queue always has
    fresh tickets, some at risk of breaching their SLA and some breached.

    \b
    Examples:
      agentconsole demo
      agentconsole demo --keep demo.db --no-console && agentconsole --db demo.db tickets
    """
    workdir = None
    if keep is None:
        workdir = Path(tempfile.mkdtemp(prefix="agentconsole-demo-"))
        target = workdir / "demo.db"
    else:
        target = keep
        # The demo is written fresh: never over a file that is there (it may be a real
        # store), and, as for --db, only into a folder that exists.
        if target.exists() or target.is_symlink():
            fail(
                f"{target}: already exists; demo --keep writes a new file (choose another path)", 2
            )
        if not target.parent.is_dir():
            fail(f"{target.parent}: no such folder", 2)
    try:
        count = build_demo_db(target, ctx)
        if no_console:
            console.print(Text(f"demo database with {count} messages: {target}"))
            return
        demo_ctx = Context(ctx.config, str(target))
        run_console(demo_ctx)
    finally:
        if workdir is not None and not no_console:
            shutil.rmtree(workdir, ignore_errors=True)
