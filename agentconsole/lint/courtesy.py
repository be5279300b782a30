"""AC1xx: courtesy. A reply opens with a greeting to the customer by name (not to
someone else: a wrong name is usually a reply pasted from another ticket), ends with
thanks or a closing, and says how to reach us again.

A Chinese name is whole (王小明); 尊敬的王先生 (surname and honorific) and 小明您好 also
address 王小明. An English greeting may use any part of the name ("Hi Ann", "Dear Ms
Lee" for Ann Lee).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.language import HAN, compile_terms, terms
from agentconsole.lint.model import LintContext
from agentconsole.textsafe import safe_line

_TEXTS = (
    "greeting_zh",
    "greeting_zh_no_name",
    "greeting_en",
    "greeting_en_no_name",
    "thanks_zh",
    "thanks_en",
)
"""What the fixes insert, from the rule data ([params] of courtesy.toml)."""
_CLOSING_LINES = 4
"""How many of the last lines may hold the thanks, closing or contact."""
_SIGNATURE_WIDTH = 40
"""A longer line is the agent's text, not a signature's name or team line."""
_SENTENCE_END = re.compile(r"[.!?。！？…]\s*$")
# Each starts only where a token starts: without the look-behind, a long run of word
# characters is rescanned from every position (quadratic).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?\d[\d -]{6,}\d)(?!\d)")


class CourtesyChecker:
    def __init__(self, words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> None:
        self.texts = {key: str(params[key]) for key in _TEXTS}
        self.greeting = compile_terms(words["greetings"])
        self.generic = {w.casefold() for w in words["generic_addressees"]}
        self.closing = compile_terms(words["closings"])
        self.contact = compile_terms(words["contact"])
        zh_hon = terms(words["honorifics_zh"])
        en_hon = terms(words["honorifics_en"])
        zh_name = f"[{HAN}]{{1,4}}?"
        en_name = rf"(?:[A-Z][\w'.-]*|[{HAN}]{{2,4}})(?:[ \t]+[A-Z][\w'.-]*){{0,2}}?"
        stop = r"[，,：:！!；;。]"
        self.names = [
            # 尊敬的王先生， / 亲爱的王小明：/ 尊敬的 Ann Lee，
            re.compile(
                rf"(?:尊敬的|亲爱的)[ \t]*(?P<name>{zh_name}|{en_name})[ \t]*(?P<hon>{zh_hon})?"
                rf"[ \t]*(?:{stop}|您好|你好|$)"
            ),
            # 王小明您好 / 李先生，你好
            re.compile(rf"^(?P<name>{zh_name})(?P<hon>{zh_hon})?[ \t]*[，,]?[ \t]*(?:您好|你好)"),
            # 您好，王小明： (the whole line: "您好，请放心，..." is not a name)
            re.compile(
                rf"^(?:您好|你好)[ \t]*[，,]?[ \t]*(?P<name>{zh_name})(?P<hon>{zh_hon})?{stop}?$"
            ),
            # Dear Ms Lee, / Hi Ann! / Hello, 王小明, (a name is capitalised: "Hello,
            # thanks for writing!" names nobody)
            re.compile(
                r"^(?i:Dear|Hi|Hello|Hey|Good (?:morning|afternoon|evening))[ \t]*,?[ \t]+"
                rf"(?:(?P<hon>(?i:{en_hon}))\.?[ \t]+)?(?P<name>{en_name})[ \t]*(?:{stop}|$)"
            ),
        ]

    def _addresses_customer(self, name: str, honorific: str | None, customer: str) -> bool:
        said, whole = name.strip().casefold(), " ".join(customer.split()).casefold()
        if said == whole or said in self.generic:
            return True
        if re.search(f"[{HAN}]", whole[:1]):
            # 王先生 / 欧阳女士 (surname and honorific), 小明 (given name)
            return (honorific is not None and said in (whole[:1], whole[:2])) or said == whole[1:]
        parts = whole.split()
        return all(part in parts for part in said.split())

    def _greeting(self, doc: Doc, ctx: LintContext, start: int, end: int) -> Iterator[Hit]:
        """AC101/AC102. The name a fix writes into the reply comes from mail: it goes in
        as one line with control characters made visible."""
        line = doc.own[start:end]
        if not self.greeting.search(line):
            name = safe_line(ctx.customer_name)
            key = f"greeting_{doc.lang}" + ("" if name else "_no_name")
            text = self.texts[key].replace("{name}", name) + "\n\n"
            yield Hit("AC101", start, end, (start, start, text))
            return
        if not ctx.customer_name.strip():
            return
        for pattern in self.names:
            match = pattern.search(line)
            if match is None:
                continue
            name, honorific = match.group("name"), match.group("hon")
            if self._addresses_customer(name, honorific, ctx.customer_name):
                return
            parts = ("name", "hon") if honorific else ("name",)
            first = start + min(match.start(part) for part in parts)
            last = start + max(match.end(part) for part in parts)
            said = doc.text[first:last]
            name = safe_line(ctx.customer_name)
            yield Hit("AC102", first, last, (first, last, name), {"said": said, "name": name})
            return

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        lines = doc.lines()
        if not lines:
            yield Hit("AC101", 0, 0, None)
            return
        yield from self._greeting(doc, ctx, *lines[0])
        last = lines[1:][-_CLOSING_LINES:] or lines
        tail = doc.own[last[0][0] : last[-1][1]]
        reach = self._reaches_us(tail)
        if not self.closing.search(tail):
            yield Hit("AC103", *last[-1], self._thanks(doc, lines))
        if not reach:
            yield Hit("AC104", *last[-1])

    def closes(self, text: str, lines: int) -> bool:
        """True when one of the last ``lines`` non-blank lines of ``text`` thanks or
        closes (AC103 is satisfied by them): compose then adds no closing of its own."""
        tail = [line for line in text.splitlines() if line.strip()][-lines:]
        return bool(self.closing.search("\n".join(tail)))

    def _reaches_us(self, text: str) -> bool:
        return bool(self.contact.search(text) or _EMAIL.search(text) or _PHONE.search(text))

    def _signs(self, line: str) -> bool:
        """A line of a signature or contact block: says how to reach us, or is short
        and ends no sentence (a name, a team, a title)."""
        return self._reaches_us(line) or (
            len(line) <= _SIGNATURE_WIDTH and not _SENTENCE_END.search(line)
        )

    def _thanks(self, doc: Doc, lines: list[tuple[int, int]]) -> tuple[int, int, str]:
        """Thanks on a line of their own above the trailing signature block (the last
        lines, without a blank line between them, that sign or say how to reach us:
        "agent" over "OKWallet Support" is one signature, not two lines to split),
        else after the last line. The greeting line is never part of it."""
        thanks = self.texts[f"thanks_{doc.lang}"]
        first = len(lines)
        for index in range(len(lines) - 1, max(0, len(lines) - _CLOSING_LINES - 1), -1):
            start, end = lines[index]
            below = lines[index + 1][0] if index + 1 < len(lines) else None
            if below is not None and doc.own.count("\n", end, below) > 1:
                break  # a blank line: the block below is the signature
            if not self._signs(doc.own[start:end]):
                break
            first = index
        if first < len(lines):
            start = lines[first][0]
            return start, start, thanks + "\n"
        end = lines[-1][1]
        return end, end, "\n" + thanks


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> CourtesyChecker:
    return CourtesyChecker(words, params)
