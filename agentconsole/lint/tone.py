"""AC5xx: tone. Calm and objective even when the customer is angry: no blame, no
emotional words, no shouting (a run of capitals, ``!!!``, ``！！！``). Our own words
only: a quoted angry customer is not our tone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.language import compile_terms, terms
from agentconsole.lint.model import LintContext

_CAPS_RUN = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?:[ \t]+[A-Z]{2,}(?![a-z])){2,}(?![A-Za-z])")
_MARKS = re.compile(r"[!！]{2,}|[?？]{3,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?。！？]\s*|\n\s*)$")
_NEGATION_WINDOW = 8


class ToneChecker:
    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        self.blame = compile_terms(words["blame"])
        self.negated = re.compile(terms(words["blame_negations"]) + r"\W{0,3}\w{0,4}$", re.I)
        self.emotional = compile_terms(words["emotional"])
        self.acronyms = {w.upper() for w in words["acronyms"]}

    def _calm(self, text: str, start: int, run: str) -> str:
        """The run in lower case, acronyms kept, capitalised where a sentence starts."""
        calm = " ".join(w if w in self.acronyms else w.lower() for w in run.split(" "))
        if _SENTENCE_START.search(text[max(0, start - 3) : start]):
            calm = calm[:1].upper() + calm[1:]
        return calm

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        text = doc.own
        for match in self.blame.finditer(text):
            before = text[max(0, match.start() - _NEGATION_WINDOW) : match.start()]
            if not self.negated.search(before):
                yield Hit("AC501", match.start(), match.end(), values={"words": match.group(0)})
        for match in self.emotional.finditer(text):
            yield Hit("AC502", match.start(), match.end(), values={"words": match.group(0)})
        for match in _CAPS_RUN.finditer(text):
            run = match.group(0)
            if all(word in self.acronyms for word in run.split()):
                continue
            fix = (match.start(), match.end(), self._calm(text, match.start(), run))
            yield Hit("AC503", match.start(), match.end(), fix)
        for match in _MARKS.finditer(text):
            yield Hit("AC504", match.start(), match.end(), (*match.span(), match.group(0)[0]))


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> ToneChecker:
    return ToneChecker(words)
