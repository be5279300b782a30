"""Printing for the command line: Rich tables for people, JSON for programs.

Every value from mail goes through :mod:`agentconsole.textsafe` and into a Rich
``Text`` (never a markup string), so a subject such as ``[bold]x[/]`` or one carrying
an escape sequence prints literally.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentconsole.textsafe import safe_json, safe_line
from agentconsole.timefmt import age, when

__all__ = ["age", "when", "cell", "table", "emit_json", "fail", "console", "err_console"]

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


def cell(value: object, limit: int | None = None) -> Text:
    return Text(safe_line(str(value) if value is not None else "", limit))


def table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None
) -> None:
    grid = Table(title=title, show_lines=False, header_style="bold", expand=False)
    for column in columns:
        grid.add_column(column, overflow="ellipsis", no_wrap=True)
    for row in rows:
        grid.add_row(*(value if isinstance(value, Text) else cell(value) for value in row))
    console.print(grid)


def emit_json(data: object) -> None:
    click.echo(safe_json(data, indent=2))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error to stderr and exit (1: not found/failed, 2: bad input)."""
    err_console.print(Text("error: ", style="bold red") + Text(safe_line(message)))
    sys.exit(code)
