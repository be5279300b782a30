"""The dashboard's "now" tables (per agent, category, priority), sized so that no
number is ever cut.

Each number column is as wide as its widest value (or its header); the full header
("at risk") is used when every table fits with it, the short one ("risk") otherwise,
and only then are the names cut, with an ellipsis, the longest first. The tables are
drawn without cell padding: a number column's one cell of room sits on its left (the
numbers are right-aligned), the name column's on its right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

GAP = 1
"""The blank cell between two columns (part of a column's width)."""
SCROLLBAR = 1
"""The vertical scrollbar of a table (``scrollbar-size-vertical: 1`` in the tcss)."""
MIN_NAME = 4
"""The narrowest name column: three cells of name ("ac…") and the gap."""
FULL_NAME = 13
"""Full headers are worth cutting names to this (gap included), not shorter."""
LEGEND = "risk: at risk · brch: breached · repl: replies today"
"""What the short headers stand for (the tables' tooltip, and the README)."""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table to lay out: its first header and names, then per number column its
    (full header, short header) and its values."""

    first: str
    names: Sequence[str]
    """As shown (terminal-safe); measured in cells: 李雷 takes four."""
    headers: Sequence[tuple[str, str]]
    values: Sequence[Sequence[int]]

    def number_widths(self, short: bool) -> list[int]:
        return [
            max([len(pair[1] if short else pair[0]), *(len(f"{v:,}") for v in column)]) + GAP
            for pair, column in zip(self.headers, self.values, strict=True)
        ]

    def name_width(self) -> int:
        return max([len(self.first), *(cell_len(name) for name in self.names)]) + GAP


@dataclass(frozen=True, slots=True)
class TableLayout:
    """How one table is drawn: its name column's width (gap included), its headers,
    its number columns' widths (gap included) and the whole table's width."""

    name_width: int
    headers: tuple[str, ...]
    number_widths: tuple[int, ...]

    @property
    def width(self) -> int:
        return self.name_width + sum(self.number_widths) + SCROLLBAR


def lay_out(specs: Sequence[TableSpec], room: int) -> list[TableLayout]:
    """The layouts of ``specs`` side by side in ``room`` cells: full headers if all
    fit with them and names of :data:`FULL_NAME`, else short ones; then the widest
    names cut first, never below :data:`MIN_NAME`; numbers keep their width whatever
    the room."""
    for short in (False, True):
        numbers = [spec.number_widths(short) for spec in specs]
        names = [spec.name_width() for spec in specs]
        fixed = sum(sum(n) + SCROLLBAR for n in numbers)
        if fixed + sum(min(n, FULL_NAME) for n in names) <= room:
            break
    over = fixed + sum(names) - room
    while over > 0:
        widest = max(range(len(names)), key=lambda i: names[i])
        if names[widest] <= MIN_NAME:
            break
        names[widest] -= 1
        over -= 1
    return [
        TableLayout(
            name,
            tuple(pair[1] if short else pair[0] for pair in spec.headers),
            tuple(widths),
        )
        for spec, name, widths in zip(specs, names, numbers, strict=True)
    ]
