"""AC8xx: language and length. Answer in the customer's language (a mixed reply counts
as both), and keep it short enough to be read: the limits are in the rule data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.model import LintContext

_NAMES = {"zh": {"zh": "中文", "en": "英文"}, "en": {"zh": "Chinese", "en": "English"}}


class LanguageChecker:
    def __init__(self, params: dict[str, Any]) -> None:
        self.limits = {"zh": int(params["max_chars_zh"]), "en": int(params["max_chars_en"])}

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        lines = doc.lines()
        if not lines:
            return
        wanted = ctx.customer_lang
        if wanted in ("zh", "en") and doc.language not in (wanted, "mixed"):
            names = _NAMES[doc.lang]
            values = {"customer": names[wanted], "reply": names[doc.language]}
            yield Hit("AC801", *lines[0], values=values)
        limit = self.limits.get(doc.language, max(self.limits.values()))
        count = 0
        for start, end in lines:
            if count + (end - start) > limit:
                over = start + limit - count
                total = count + sum(e - s for s, e in lines[lines.index((start, end)) :])
                values = {"count": str(total), "max": str(limit)}
                yield Hit("AC802", over, lines[-1][1], values=values)
                return
            count += end - start


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> LanguageChecker:
    return LanguageChecker(params)
