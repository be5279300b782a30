"""AC4xx: the subject, when the reply has one. It names the matter and keeps the ticket
reference, which is how the customer's mail program and our threader keep the thread.

These findings point into ``LintContext.subject`` (``target="subject"``), not the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.model import LintContext

_PREFIXES = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|回复|答复|回覆|转发)\s*[:：]\s*)*", re.I)
_REF = re.compile(r"\[?\s*T-[0-9A-Za-z]+\s*\]?")
_PUNCTUATION = re.compile(r"[\W_]+")


class SubjectChecker:
    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        self.vague = {_PUNCTUATION.sub("", w).casefold() for w in words["vague_subjects"]}

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        subject = ctx.subject
        if subject is None:
            return
        size = len(subject)
        if not subject.strip():
            yield Hit("AC401", 0, size, target="subject")
        else:
            core = _PUNCTUATION.sub("", _REF.sub("", _PREFIXES.sub("", subject))).casefold()
            if core in self.vague:
                yield Hit("AC402", 0, size, values={"subject": subject.strip()}, target="subject")
        ref = ctx.ticket_ref
        if ref and ref.casefold() not in subject.casefold():
            fix = (size, size, f" [{ref}]" if subject.strip() else f"[{ref}]")
            yield Hit("AC403", size, size, fix, {"ref": ref}, target="subject")


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> SubjectChecker:
    return SubjectChecker(words)
