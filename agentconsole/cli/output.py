"""Printing for the command line: Rich tables for people, JSON for programs.

Every value from mail goes through :mod:`agentconsole.textsafe` and into a Rich
``Text`` (never a markup string), so a subject such as ``[bold]x[/]`` or one carrying
an escape sequence prints literally.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from agentconsole.textsafe import safe_json, safe_line
from agentconsole.timefmt import age, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["age", "when", "cell", "table", "emit_json", "fail", "console", "err_console"]


class _LazyConsole:
    """A Rich ``Console`` made on first use. Importing Rich costs ~35 ms, which a
    command that prints JSON (a script calling us in a loop) should not pay."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __enter__(self) -> Console:  # Rich's Live uses ``with console:``
        return self._real().__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._real().__exit__(kind, exc, tb)


console = cast("Console", _LazyConsole(highlight=False, soft_wrap=False))
err_console = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


def cell(value: object, limit: int | None = None) -> Text:
    from rich.text import Text

    return Text(safe_line(str(value) if value is not None else "", limit))


def table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None
) -> None:
    from rich.table import Table
    from rich.text import Text

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
    from rich.text import Text

    err_console.print(Text("error: ", style="bold red") + Text(safe_line(message)))
    sys.exit(code)
