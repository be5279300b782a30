"""Printing for the command line: Rich tables for people, JSON for programs.

Every value from mail goes through :mod:`agentconsole.textsafe` and into a Rich
``Text`` (never a markup string), so a subject such as ``[bold]x[/]`` or one carrying
an escape sequence prints literally.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from agentconsole.textsafe import safe_json, safe_line
from agentconsole.timefmt import age, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = [
    "age",
    "when",
    "cell",
    "table",
    "stream_table",
    "emit_json",
    "emit_json_stream",
    "fail",
    "fail_empty",
    "console",
    "err_console",
]


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


# Columns that never shrink (a reference or status cut to ``T…`` is useless), and the
# long free-text columns that shrink first when the terminal is narrow.
_KEEP = frozenset({"ref", "ticket", "status"})
_FLEX = frozenset({"subject", "text", "problems", "identifiers", "addresses"})
_FLEX_MIN = 10
_GAP = 3  # the space a borderless Rich table puts between two columns


def _fit(headers: Sequence[str], natural: list[int], width: int) -> list[int | None]:
    """Column widths that fit ``width``; None drops a column. Kept columns keep their
    natural width; the widest of the others shrinks first (free text down to a few
    characters, the rest to their header); when even that is too wide, columns other
    than the kept ones and the first free-text one are dropped from the right."""
    keep = [h in _KEEP for h in headers]
    flex = [h in _FLEX for h in headers]
    first_flex = flex.index(True) if any(flex) else -1
    floors = [
        n if keep[i] else min(n, _FLEX_MIN if flex[i] else max(3, len(headers[i])))
        for i, n in enumerate(natural)
    ]
    shown = list(range(len(headers)))

    def total(widths: Sequence[int]) -> int:
        return sum(widths[i] for i in shown) + _GAP * (len(shown) - 1)

    for index in reversed(range(len(headers))):
        if total(floors) <= width:
            break
        if not keep[index] and index != first_flex:
            shown.remove(index)
    widths = list(natural)
    while total(widths) > width:
        candidates = [i for i in shown if widths[i] > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (widths[i], flex[i]))
        widths[widest] -= 1
    return [widths[i] if i in shown else None for i in range(len(headers))]


def table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None
) -> None:
    """Print rows for a person (a Rich table fitted to the terminal) or, when standard
    output is not a terminal, as plain text aligned in columns under the title line: no
    box drawing, no colour, nothing cut, so ``grep`` and ``awk`` see every value."""
    from rich.cells import cell_len
    from rich.text import Text

    cells = [[value if isinstance(value, Text) else cell(value) for value in row] for row in rows]
    natural = [
        max([cell_len(header)] + [cell_len(row[i].plain) for row in cells])
        for i, header in enumerate(columns)
    ]
    if not console.is_terminal:
        if title:
            click.echo(safe_line(title))
        for line in [list(columns), *([c.plain for c in row] for row in cells)]:
            padded = [text + " " * (natural[i] - cell_len(text)) for i, text in enumerate(line)]
            click.echo("  ".join(padded).rstrip())
        return
    from rich import box
    from rich.table import Table

    widths = _fit(columns, natural, console.width)
    grid = Table(
        title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold"
    )
    for column, width in zip(columns, widths, strict=True):
        if width is not None:
            grid.add_column(column, width=width, overflow="ellipsis", no_wrap=True)
    for row in cells:
        grid.add_row(*(value for value, width in zip(row, widths, strict=True) if width))
    console.print(grid)


def stream_table(
    columns: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int]
) -> int:
    """Write rows as plain text in fixed-width columns as they come (a listing of every
    row cannot be measured first, nor fitted to a terminal); return how many."""
    from rich.cells import cell_len
    from rich.text import Text

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * max(0, w - cell_len(v)) for v, w in zip(values, widths, strict=True)]
        return "  ".join(padded).rstrip()

    count = 0
    for row in rows:
        if not count:
            click.echo(line(columns))
        click.echo(line([v.plain if isinstance(v, Text) else cell(v).plain for v in row]))
        count += 1
    return count


def emit_json(data: object) -> None:
    click.echo(safe_json(data, indent=2))


def emit_json_stream(head: str, items: Iterable[object], tail: str) -> int:
    """Write ``head``, the items as a JSON array's elements one at a time, then ``tail``
    (which closes the array): valid JSON without holding the list; return how many."""
    click.echo(head)
    count = 0
    for item in items:
        click.echo(("," if count else "") + safe_json(item, indent=2))
        count += 1
    click.echo(tail)
    return count


def counted(number: int, noun: str) -> str:
    """``1 message``, ``2 messages``: a count with its noun, for messages to people."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def fail_empty(message: str) -> NoReturn:
    """Nothing matched: say so on standard error and exit 1, as ``grep`` does, so a
    script can tell "nothing" from "something" without parsing the output."""
    from rich.text import Text

    err_console.print(Text(safe_line(message)))
    sys.exit(1)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error to stderr and exit (1: not found/failed, 2: bad input)."""
    from rich.text import Text

    err_console.print(Text("error: ", style="bold red") + Text(safe_line(message)))
    sys.exit(code)
