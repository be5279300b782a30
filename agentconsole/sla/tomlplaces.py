"""Where a table or a key is in a TOML text, for messages that name a line.

``tomllib`` keeps no positions, so the places are found in the text itself: the
table's header line (``[calendars.cn]``, the n-th ``[[policies]]``), then the first
line of that table that assigns the key (also inside an inline table, as in
``hours = { mon = [...] }``). Good enough to point a person at the right line; when
a key is not found the table's header line is given instead.
"""

from __future__ import annotations

import re
from typing import Protocol


class LineOf(Protocol):
    """Where a key of the table at hand is (the table's header without a key)."""

    def __call__(self, key: str | None = None, /) -> int | None: ...


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


class TomlPlaces:
    """Line numbers (1-based) of tables and keys in one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._headers = [
            (number, match.group(1).replace('"', "").replace("'", ""))
            for number, line in enumerate(self.lines, 1)
            if (match := _HEADER.match(line))
        ]

    def block(self, header: str, nth: int = 0) -> tuple[int, int] | None:
        """First and last line (1-based) of the ``nth`` table called ``header``
        (0 = before any header: the top-level keys)."""
        headers = self._headers
        if not header:
            return 1, (headers[0][0] - 1 if headers else len(self.lines))
        starts = [i for i, (_, name) in enumerate(headers) if name == header]
        if nth >= len(starts):
            return None
        index = starts[nth]
        last = headers[index + 1][0] - 1 if index + 1 < len(headers) else len(self.lines)
        return headers[index][0], last

    def key_in(self, block: tuple[int, int] | None, key: str | None) -> int | None:
        """The first line of ``block`` that assigns ``key`` (else the block's first)."""
        if block is None:
            return None
        if key is None:
            return block[0]
        pattern = re.compile(rf"(^|[{{,\s]){re.escape(key)}\s*=")
        for number in range(block[0], block[1] + 1):
            if pattern.search(self.lines[number - 1].split("#", 1)[0]):
                return number
        return block[0]

    def table_line(self, kind: str, name: str, key: str | None = None) -> int | None:
        """The line of ``key`` in ``[kind.name]`` (or of the header, or None)."""
        return self.key_in(self.block(f"{kind}.{name}"), key)

    def array_line(self, kind: str, index: int, key: str | None = None) -> int | None:
        """The line of ``key`` in the ``index``-th ``[[kind]]`` table."""
        return self.key_in(self.block(kind, index), key)
