"""AC6xx: what the reply promises. "见附件" with nothing attached, and a reply time
longer than the ticket's first-response target ("72小时内回复" when it is 24 hours):
the customer holds us to what we wrote.

A time counts as a promise only in a clause that speaks of answering (回复, get back
to you): "提现一般 1-3 个工作日到账" is the bank's time, not ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.language import compile_terms
from agentconsole.lint.model import LintContext

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_ZH_DIGITS |= {"八": 8, "九": 9}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_EN_NUMBERS |= {"eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_NUMBER = r"\d+(?:\.\d+)?|[零一二两三四五六七八九十]{1,3}|" + "|".join(_EN_NUMBERS)
_DURATION = re.compile(
    rf"(?:(?:{_NUMBER})\s*(?:-|~|～|至|到|to)\s*)?(?P<n>{_NUMBER})\s*(?:个)?\s*-?\s*"
    r"(?P<unit>小时|钟头|个?工作日|天|日|周|星期|business days?|working days?|days?|hours?|hrs?"
    r"|h|weeks?)(?![A-Za-z])",
    re.IGNORECASE,
)
_HOURS = {"小时": 1, "钟头": 1, "工作日": 24, "天": 24, "日": 24, "周": 168, "星期": 168}
_HOURS |= {"business day": 24, "working day": 24, "day": 24, "hour": 1, "hr": 1, "h": 1}
_HOURS |= {"week": 168}


def _number(word: str) -> float:
    """``72``, ``三``, ``十二``, ``two`` as a number."""
    word = word.lower()
    if word in _EN_NUMBERS:
        return _EN_NUMBERS[word]
    if word[0].isdigit():
        return float(word)
    if "十" in word:  # 十 = 10, 十二 = 12, 二十 = 20, 二十四 = 24
        tens, _, ones = word.partition("十")
        return _ZH_DIGITS.get(tens, 1) * 10 + _ZH_DIGITS.get(ones, 0)
    return _ZH_DIGITS.get(word, 0)


def _unit_hours(unit: str) -> int:
    unit = unit.lower().removeprefix("个")
    return _HOURS.get(unit, _HOURS.get(unit.removesuffix("s"), 1))


def _shown(hours: float) -> str:
    return str(int(hours)) if hours == int(hours) else str(hours)


class PromiseChecker:
    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        self.attached = compile_terms(words["attachment_claims"])
        self.answering = compile_terms(words["reply_promises"])

    def _times(self, doc: Doc, target: float) -> Iterator[Hit]:
        text = doc.own
        spoken = {doc.clause_at(m.start()) for m in self.answering.finditer(text)}
        for start, end in sorted(spoken):
            for match in _DURATION.finditer(text, start, end):
                hours = _number(match.group("n")) * _unit_hours(match.group("unit"))
                if hours <= target:
                    continue
                unit = "小时" if doc.lang == "zh" else " hours"
                fix = (match.start(), match.end(), _shown(target) + unit)
                values = {"said": match.group(0), "hours": _shown(target)}
                yield Hit("AC602", match.start(), match.end(), fix, values)

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        if not ctx.has_attachments:
            for match in self.attached.finditer(doc.own):
                yield Hit("AC601", match.start(), match.end(), values={"words": match.group(0)})
        if ctx.first_response_hours is not None:
            yield from self._times(doc, ctx.first_response_hours)


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> PromiseChecker:
    return PromiseChecker(words)
