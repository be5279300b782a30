"""AC2xx: secrets. A reply that asks for a password, PIN, one-time code, full card
number, CVV or full national ID number is what phishing looks like (AC201); one that
contains an unmasked card number, ID number, one-time code or password exposes it
(AC202-AC205). Card and ID numbers are read in full-width digits too, and card numbers
grouped with dots or slashes (4111.1111.1111.1111).

Asking is told from warning by reading the clause: a request ("请提供", "send us",
"reply with") near a secret's name is an error unless a negation or warning cue governs
it, or it has the customer use the secret in the app rather than give it to us (see
lint.intent for both). English puts the request before what is requested ("send us
your PIN"); Chinese may put it after ("请把验证码发给我们"), so a Chinese request counts
on either side. Asking for the last four digits of a card or ID is fine; setting a new
password ("set a new password", "设置新密码") is not giving one.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from stdnum import luhn
from stdnum.cn import ric

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.intent import IntentReader
from agentconsole.lint.language import HAN, terms
from agentconsole.lint.model import LintContext

SECRET_KINDS = ("password", "code", "card", "cvv", "national_id")
_PARTIAL_KINDS = ("card", "national_id")

# Both are matched in the NFKC view of the text (see _view): "４１１１…" and "4111.1111…"
# are card numbers too. ASCII digits only: the view has turned full-width ones into them.
_CARD = re.compile(r"(?<![A-Za-z0-9-])[2-6](?:[ ./-]?[0-9]){12,18}(?![A-Za-z0-9-])")
_CN_ID = re.compile(
    r"(?<![A-Za-z0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![A-Za-z0-9])"
)
# What may stand between "验证码"/"code" and the code itself: "is", 是, a colon.
_ANNOUNCE = r"\s*(?:(?:is|was)\s+|[是为為]\s*)?[:：=#]?\s*"
# A one-time code named by its shape: "短信里的6位数字", "收到的六位数字", "the 6-digit
# number", "the six digits we texted". Not the last digits of something ("身份证后六位数字") nor the
# length of another number ("6位数的订单号", "6位数邮编"), nor a count before a
# secret's own name ("6位数验证码": that name is the one to report). After "位数" a
# Chinese word is what the count describes, unless it is a request ("6位数发给我们").
_COUNT = r"(?:\d{1,2}|[一二三四五六七八九十两])"
_EN_COUNT = r"(?:\d{1,2}|four|five|six|seven|eight)"
_OTHER = "(?:订单|单号|编号|账号|手机|电话|工号|快递|金额|邮编|验证|动态|校验|密码)"
_CODE_SHAPE = (
    rf"短[信讯][里中内上]?(?:收到)?的?(?:{_COUNT}位)?数字"
    rf"|(?<![后末尾前第号]){_COUNT}位(?:数字(?!的|{_OTHER})|数(?![{HAN}])|数(?=[发告回报给]))"
    rf"|(?<![A-Za-z0-9]){_EN_COUNT}[- ]digit\s+(?:number|code|PIN)(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9]){_EN_COUNT}\s+digits\s+(?:we\s+(?:sent|texted)"
    r"|(?:from|in)\s+(?:the|our|your)\s+(?:text(?:\s+message)?|SMS|message))(?![A-Za-z0-9])"
)
# A CVV named by where it is: "卡背面的三位数字", "卡背面的数字", "the (three) digits on
# the back of your card"; not "the number on the back of your card" (the hotline).
_ON_THE_BACK = r"\s+on\s+the\s+back"
_OF_THE_CARD = r"\s+of\s+(?:your|the)\s+card"
_CVV_SHAPE = (
    rf"卡片?背面上?的?(?:{_COUNT}位数字?|数字)|背面上?的?{_COUNT}位数字?"
    rf"|(?<![A-Za-z0-9])(?:(?:three|four|3|4)\s+digits{_ON_THE_BACK}(?:{_OF_THE_CARD})?"
    rf"|digits{_ON_THE_BACK}{_OF_THE_CARD})(?![A-Za-z0-9])"
)
_SHAPES = {
    "code": (_CODE_SHAPE, "短0-9一二三四五六七八九十两fse"),
    "cvv": (_CVV_SHAPE, "卡背34tfd"),
}


# A request whose receiver is the customer is us giving, not asking: "we will send you
# a new code", "provide you with a new PIN", "我们会向您发送新的验证码", "把新验证码发给您",
# "重新发送验证码给您". "向您索取" takes, so those verbs keep asking.
_TO_YOU = re.compile(r"\s+you(?![A-Za-z0-9'’])", re.IGNORECASE)
_FOR_YOU_BEFORE = re.compile(r"[向给为][您你](?:重新|再次?)?$")
_TO_YOU_AFTER = re.compile(r".?给[您你]")
_TAKING = frozenset({"索取", "索要", "核对一下", "需要您的"})


def _gives(text: str, ask: re.Match[str], noun: re.Match[str]) -> bool:
    """Whether ``ask`` names the customer as who receives ``noun``."""
    verb = ask.group(0)
    if verb[0].isascii():
        return _TO_YOU.match(text, ask.end()) is not None
    if verb in _TAKING:
        return False
    return bool(
        _FOR_YOU_BEFORE.search(text[max(0, ask.start() - 4) : ask.start()])
        or _TO_YOU_AFTER.match(text, ask.end() - 1)
        or (ask.start() < noun.start() and _TO_YOU_AFTER.match(text, noun.end()))
    )


_SOMEONE_ASKS = re.compile(r"(?<![A-Za-z])(?:ask|request|demand)(?:s|ed|ing)?(?![A-Za-z])", re.I)
_AHEAD = 3
_PRONOUN = re.compile(r"\s+(?:it|them)(?![A-Za-z0-9])", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_MASKED = frozenset("*•●·xX")


class _OneToOne(dict[int, str]):
    """A ``str.translate`` table taking each character to its NFKC form where that is
    one character (full-width digits, letters and punctuation, the ideographic space),
    else leaving it: the view keeps the text's length, so a span in it is a span in the
    text. Filled as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        form = unicodedata.normalize("NFKC", char)
        self[code] = form if len(form) == 1 else char
        return self[code]


_NFKC = _OneToOne()


def _view(text: str) -> str:
    """``text`` as the number rules read it: "卡号４１１１１１１１１１１１１１１１" has
    the card number "4111111111111111" at the same offsets."""
    return text if text.isascii() else text.translate(_NFKC)


def _looks_secret(value: str) -> bool:
    """A password has a digit or symbol in it and is not already masked: after
    "password" a plain word ("password is wrong", "password-reset") is the sentence
    going on."""
    return (
        len(value) >= 3
        and any(not ch.isalpha() and ch not in "'-’" for ch in value)
        and not set(value) <= _MASKED
    )


def _masked(value: str, keep: int) -> str:
    """``value`` with its digits (and ID letters) bulleted except the last ``keep``;
    separators stay so the shape still reads as a card number."""
    count = sum(ch.isalnum() for ch in value)
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen > count - keep else "•")
        else:
            out.append(ch)
    return "".join(out)


class SecurityChecker:
    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        names = {
            kind: terms(words["secret_" + kind], *_SHAPES.get(kind, ())) for kind in SECRET_KINDS
        }
        self.nouns = re.compile(
            "|".join(f"(?P<{kind}>{names[kind]})" for kind in SECRET_KINDS), re.IGNORECASE
        )
        self.asks = re.compile(terms(words["ask_verbs"]), re.IGNORECASE)
        self.intent = IntentReader(words)
        self.partial = re.compile(terms(words["partial_ok"]), re.IGNORECASE)
        self.benign_before = re.compile(
            terms(words["not_secret_before"])
            + r"[\s-]*(?:(?:(?:your|the|my|a)\s+)?(?:new\s+)?|[了的]?[您你我]?的?新?)$",
            re.IGNORECASE,
        )
        self.benign_after = re.compile(r"\s*" + terms(words["not_secret_after"]), re.IGNORECASE)
        self.not_requested = re.compile(r"\s*" + terms(words["not_requested_after"]), re.IGNORECASE)
        self.password = re.compile(
            f"({terms(words['secret_password'])}){_ANNOUNCE}([!-~]{{3,64}})", re.IGNORECASE
        )
        self.otp = re.compile(
            f"({terms(words['secret_code'])}){_ANNOUNCE}(\\d{{4,8}})(?![\\d.,:/-]?\\d)",
            re.IGNORECASE,
        )

    def _benign(self, text: str, start: int, end: int) -> bool:
        """A secret's name used for something that is not one: "error code", "password
        reset link", "密码重置"."""
        before = text[max(0, start - 24) : start]
        return bool(self.benign_before.search(before) or self.benign_after.match(text, end))

    @staticmethod
    def _reaches(text: str, ask: re.Match[str], noun: re.Match[str]) -> bool:
        """Whether ``ask`` can be asking for ``noun``: a Chinese request on either side,
        an English one before it, or after it when "it"/"them" takes the noun up again
        ("enter the code in the app and send it to us"). Past a comma, "it" is the
        secret only when nobody else asked for it there first ("If an e-mail asks for
        your PIN, forward it to us": "it" is the e-mail)."""
        if not ask.group(0)[0].isascii() or ask.start() < noun.start():
            return True
        if _PRONOUN.match(text, ask.end()) is None:
            return False
        comma = text.rfind(",", noun.end(), ask.start())
        if comma < 0:
            return True
        phrase = text.rfind(",", 0, noun.start()) + 1
        return _SOMEONE_ASKS.search(text, phrase, noun.start()) is None

    def _asks(self, doc: Doc, clause: tuple[int, int], nouns: list[re.Match[str]]) -> Iterator[Hit]:
        text = doc.text
        start, end = clause
        asks = list(self.asks.finditer(text, start, end))
        if not asks:
            return
        if self.intent.to_app(text, start, end):
            return
        partial = self.partial.search(text, start, end) is not None
        starts = [a.start() for a in asks]
        for noun in nouns:
            if partial and noun.lastgroup in _PARTIAL_KINDS:
                continue
            # The nearest request before the secret, and the next few after it (an
            # English one there may not reach it): a long clause stays linear.
            index = bisect_left(starts, noun.start())
            nearby = asks[max(0, index - 1) : index + _AHEAD]
            usable = [
                a for a in nearby if self._reaches(text, a, noun) and not _gives(text, a, noun)
            ]
            if not usable:
                continue
            ask = min(usable, key=lambda a: abs(a.start() - noun.start()))
            first, last = min(ask.start(), noun.start()), max(ask.end(), noun.end())
            if self.intent.governed(text, first, last, ask.start()):
                continue
            yield Hit("AC201", first, last, values={"secret": noun.group(0)})
            return

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        text = doc.text
        by_clause: dict[tuple[int, int], list[re.Match[str]]] = {}
        for noun in self.nouns.finditer(text):
            if not self._benign(text, *noun.span()) and not self.not_requested.match(
                text, noun.end()
            ):
                by_clause.setdefault(doc.clause_at(noun.start()), []).append(noun)
        for clause, nouns in by_clause.items():
            yield from self._asks(doc, clause, nouns)
        view = _view(text)
        for match in _CARD.finditer(view):
            digits = re.sub(r"[^0-9]", "", match.group(0))
            if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
                start, end = match.span()
                yield Hit("AC202", start, end, (start, end, _masked(text[start:end], 4)))
        for match in _CN_ID.finditer(view):
            if ric.is_valid(match.group(0)):
                start, end = match.span()
                yield Hit("AC203", start, end, (start, end, _masked(text[start:end], 4)))
        for match in self.otp.finditer(text):
            if self._benign(text, *match.span(1)):
                continue
            start, end = match.span(2)
            yield Hit("AC204", start, end, (start, end, "•" * (end - start)))
        for match in self.password.finditer(text):
            value = match.group(2).rstrip(_TRAILING)
            if not _looks_secret(value) or self._benign(text, *match.span(1)):
                continue
            start = match.start(2)
            end = start + len(value)
            yield Hit("AC205", start, end, (start, end, "••••••"))


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> SecurityChecker:
    return SecurityChecker(words)
