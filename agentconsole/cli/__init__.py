"""The ``agentconsole`` command: the console, and commands for scripts and terminals.

Run without a command it opens the console on the configured database. Each command's
``--help`` explains it with examples.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import click

from agentconsole.cli.output import fail
from agentconsole.config import Config, ConfigError, load_config
from agentconsole.store import open_db


@dataclass
class Context:
    """What every command needs; the database opens on first use, not at start-up."""

    config: Config
    db_override: str | None
    _conn: sqlite3.Connection | None = field(default=None, init=False)

    @property
    def db_path(self) -> Path:
        return self.config.db_path(self.db_override)

    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self._conn = open_db(self.db_path).conn
            except sqlite3.DatabaseError as exc:
                fail(f"{self.db_path}: cannot open the database ({exc})")
        return self._conn


pass_context = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    metavar="PATH",
    envvar="AGENTCONSOLE_DB",
    help="Database file (default: in your data folder; env AGENTCONSOLE_DB).",
)
@click.option(
    "--config",
    "config_file",
    metavar="PATH",
    type=click.Path(path_type=Path),
    envvar="AGENTCONSOLE_CONFIG",
    help="Config file (env AGENTCONSOLE_CONFIG).",
)
@click.version_option(package_name="agentconsole")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_file: Path | None) -> None:
    """agentconsole: triage a support mailbox from the keyboard.

    \b
    Start here:
      agentconsole demo                      the console on the bundled demo mailbox
      agentconsole import support.mbox       import an export (mbox, Maildir, .eml)
      agentconsole tickets 'status:open'     list tickets with the query language
      agentconsole search 提现                full-text search, Chinese and English
    """
    try:
        config = load_config(config_file)
    except ConfigError as exc:
        fail(str(exc), 2)
    ctx.obj = Context(config, db)
    if ctx.invoked_subcommand is None:
        from agentconsole.cli.console_cmd import run_console

        run_console(ctx.obj)


def main() -> None:
    cli(prog_name="agentconsole")


# The commands register themselves on ``cli``; imported last because they import it.
from agentconsole.cli import console_cmd, import_cmd, read_cmds  # noqa: E402, F401
