"""The ``agentconsole`` command: the console, and commands for scripts and terminals.

Run without a command it opens the console on the configured database. Each command's
``--help`` explains it with examples.

Scripts call these commands in loops, so a command loads only what it needs: the
module defining a command is imported when that command runs (see ``_COMMAND_MODULES``),
the import pipeline only for ``import``, the console's modules only for the console.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from agentconsole.cli.errors import describe, say_sla_not_recomputed
from agentconsole.cli.output import fail
from agentconsole.config import Config, ConfigError, default_db_path, load_config

_DB_HELP = "Database file (default: in your data folder; env AGENTCONSOLE_DB)."

# Which module defines each command; a test checks this against the commands defined.
_COMMAND_MODULES = {
    "account": "account_cmd",
    "canned": "canned_cmd",
    "claim": "claim_cmd",
    "customers": "read_cmds",
    "demo": "console_cmd",
    "drafts": "outbox_cmd",
    "export": "read_cmds",
    "import": "import_cmd",
    "lint": "lint_cmd",
    "merge": "merge_cmd",
    "merge-customers": "read_cmds",
    "messages": "read_cmds",
    "outbox": "outbox_cmd",
    "release": "claim_cmd",
    "reply": "reply_cmd",
    "search": "read_cmds",
    "show": "read_cmds",
    "sla": "sla_cmd",
    "sync": "sync_cmd",
    "tickets": "read_cmds",
}


@dataclass
class Context:
    """What every command needs; the database opens on first use, not at start-up."""

    config: Config
    db_override: str | None
    _conn: sqlite3.Connection | None = field(default=None, init=False)

    @property
    def db_path(self) -> Path:
        """The database to use. Only the default location is created when missing: a
        path the user named (--db, AGENTCONSOLE_DB, the config) must be in an existing
        folder, so that a typo does not silently start an empty store."""
        try:
            path = self.config.db_path(self.db_override)
        except ConfigError as exc:
            fail(str(exc), 2)
        if path.exists() and not path.is_file() and not path.is_dir():
            fail(f"{path}: not a regular file (a database is a file, e.g. support.db)", 2)
        if not path.parent.is_dir() and path != default_db_path():
            fail(f"{path}: the folder {path.parent} does not exist", 2)
        return path

    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            from agentconsole.store.db import connect

            self._conn = connect(self.db_path)
        return self._conn


pass_context = click.make_pass_decorator(Context)
F = TypeVar("F", bound=Callable[..., Any])


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    obj = ctx.find_object(Context)  # set by the group, which runs before its command
    if value is not None and obj is not None:
        obj.db_override = value


def db_option(command: F) -> F:
    """``--db PATH`` on a subcommand (``agentconsole tickets --db X``), the same as
    ``agentconsole --db X tickets``. No envvar here: the group reads AGENTCONSOLE_DB, and
    reading it again would override a --db given before the command."""
    return click.option(
        "--db", metavar="PATH", expose_value=False, callback=_set_db, help=_DB_HELP
    )(command)


def _named_db(obj: Context | None) -> Path | None:
    """The database an error message names, if one is named validly."""
    try:
        return obj.config.db_path(obj.db_override) if obj else None
    except ConfigError:
        return None


class Group(click.Group):
    """The ``agentconsole`` group: loads a command's module when it is used, gives every
    command the shared ``--db`` option, and turns any failure a command left unhandled
    into one line on standard error and a non-zero exit (:mod:`agentconsole.cli.errors`).
    """

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        db_option(cmd)
        super().add_command(cmd, name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMAND_MODULES:
            importlib.import_module(f"agentconsole.cli.{_COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(_COMMAND_MODULES))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if isinstance(exc, click.ClickException | click.exceptions.Exit):
                raise
            obj = ctx.find_object(Context)
            handled = describe(exc, _named_db(obj))
            if handled is None:
                raise
            fail(*handled)
        finally:
            say_sla_not_recomputed()


@click.group(
    cls=Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", "db", metavar="PATH", envvar="AGENTCONSOLE_DB", help=_DB_HELP)
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
    named = ctx.get_parameter_source("config_file") is click.core.ParameterSource.COMMANDLINE
    if named and config_file is not None and not config_file.exists():
        # A file named on the command line is meant to be read: running on the defaults
        # instead would hide a typo. (The default path, or the environment's, may be
        # absent: the defaults apply.)
        fail(f"{config_file}: no such config file", 2)
    try:
        config = load_config(config_file)
    except ConfigError as exc:
        fail(str(exc), 2)
    if named and config_file is not None:
        # The config of this run for every part of it: the SLA policies each ticket
        # change is measured by (domain.sla) are found through it, as `sla` finds them.
        os.environ["AGENTCONSOLE_CONFIG"] = str(config_file.resolve())
    ctx.obj = Context(config, db)
    if ctx.invoked_subcommand is None:
        from agentconsole.cli.console_cmd import run_console

        run_console(ctx.obj)


def main() -> None:
    cli(prog_name="agentconsole")
