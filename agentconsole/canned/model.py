"""The records of the canned-response core: a response as loaded, a rendered one, and
the one error type every problem with a response is reported as."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGS = ("zh", "en")
BLANK_OPEN = "\u27e6"  # ⟦
BLANK_CLOSE = "\u27e7"  # ⟧


class CannedError(ValueError):
    """A canned response that cannot be loaded or rendered. The message names the
    file and, where known, the line and column (``refund.md:12:5: ...``), and the
    variable concerned, so an agent editing the file can go straight to it."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        variable: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.variable = variable
        self.reason = message
        where = str(path) if path is not None else ""
        if path is not None and line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class CannedResponse:
    """One canned response. ``body`` is the template source (python-liquid); it is
    the middle of a reply: the compose core adds greeting, signature and quote."""

    id: str
    title: str
    lang: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    keywords: tuple[str, ...]
    body: str
    path: Path
    origin: str
    """``"shipped"`` (data/canned) or ``"user"`` (the config folder's canned/)."""
    body_line: int = 1
    """The file's line where the body starts: errors in the template name the file's
    line, not the template's."""


@dataclass(frozen=True)
class Rendered:
    """A response rendered for one ticket. Agent-filled blanks appear in ``text`` as
    ``⟦label⟧``; ``blanks`` gives each one's (start, end, label), end exclusive and
    including the brackets, so an editor can select the span."""

    text: str
    blanks: tuple[tuple[int, int, str], ...]
