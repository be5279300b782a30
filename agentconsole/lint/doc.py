"""The reply as the rules see it, prepared once per lint run, and what a rule reports.

Quoted lines (``> ...``, the customer's last message under the reply) are the
customer's words, not ours: the tone, courtesy, promise, link and length rules read
:attr:`Doc.own`, where those lines are blanked with spaces. Blanking keeps every offset
the same as in the text, so a span found in ``own`` is a span of the text. The rules on
sensitive data read the whole text: a card number is as exposed in a quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from agentconsole.lint.language import clauses, detect_language, message_language
from agentconsole.lint.model import LintContext

_QUOTED = re.compile(r"^[ \t]*[>＞].*$", re.MULTILINE)
_NON_NEWLINE = re.compile(r"[^\n]")
_LINE = re.compile(r"[^\n]*\S[^\n]*")


@dataclass(frozen=True)
class Hit:
    """What a rule found, before the engine adds severity, message and fix label from
    the rule data. ``values`` fill the message's ``{placeholders}``."""

    code: str
    start: int
    end: int
    fix: tuple[int, int, str] | None = None
    values: dict[str, str] = field(default_factory=dict)
    target: str = "body"


@dataclass(frozen=True)
class Doc:
    text: str
    own: str
    """The text with quoted lines blanked (same length, same offsets)."""
    language: str
    """"zh" | "en" | "mixed", of our own words."""
    lang: str
    """The language messages and fixes are written in: "zh" or "en"."""

    @classmethod
    def of(cls, text: str, ctx: LintContext) -> Doc:
        own = _QUOTED.sub(lambda m: _NON_NEWLINE.sub(" ", m.group(0)), text)
        language = detect_language(own)
        return cls(text, own, language, message_language(language, ctx.customer_lang))

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) of every clause of the text (see language.clauses)."""
        return list(clauses(self.text))

    @cached_property
    def _clause_starts(self) -> list[int]:
        return [start for start, _ in self.clauses]

    def clause_at(self, position: int) -> tuple[int, int]:
        """The clause holding ``position``: rules find their rare words in the whole
        text in one scan, then read only those words' clauses."""
        index = bisect_right(self._clause_starts, position) - 1
        return self.clauses[index] if index >= 0 else (0, 0)

    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of each of our own non-blank lines, stripped of edge spaces."""
        spans = []
        for match in _LINE.finditer(self.own):
            line = match.group(0)
            start = match.start() + len(line) - len(line.lstrip())
            spans.append((start, match.start() + len(line.rstrip())))
        return spans
