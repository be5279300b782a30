"""Mask sensitive data that customers paste into mail, wherever it is shown.

Customers send card numbers, national ID numbers, one-time codes and even passwords.
An agent rarely needs to see them, and a screen is easily shoulder-surfed or shared,
so the console shows them masked; revealing one message is a deliberate key press that
is written to the ticket's history. Detection is strict to avoid masking order ids:
card numbers must pass the Luhn check, Chinese ID numbers their ISO 7064 check digit,
and codes or passwords must follow a word that announces them.

Customers type what their keyboard or phone gives them: full-width digits from a
Chinese input method (４１１１…), card numbers grouped with dots or slashes, ID numbers
with spaces. Matching runs on a copy folded character by character with NFKC (one
character to one, so offsets hold), and the mask replaces the span of the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
# Dots and slashes only between groups of four to six digits, the same separator
# throughout ("4111.1111.1111.1111", "4111/1111/1111/1111"): a looser rule would read
# amounts and version numbers as cards (the Luhn check still has the last word).
_CARD_GROUPED = re.compile(
    r"(?<![\d./])\d{4,6}(?P<sep>[./])\d{4,6}(?:(?P=sep)\d{1,6}){1,3}(?!\d|[./]\d)"
)
# Region, birth date and sequence, optionally written apart: "110105 19491231 002X".
_CN_ID = re.compile(
    r"(?<![\dA-Za-z])[1-9]\d{5} ?(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]) ?"
    r"\d{3}[\dXx](?![\dA-Za-z])"
)
# What may stand between a word like "code" or 密码 and the value it announces: spaces,
# "is"/是/为, a colon or an equals sign, and nothing else. Anything looser (the old
# "up to 12 characters") turned "the code for order 12345" and "我确定密码没有输错"
# into secrets.
_ANNOUNCE = r"(\s*(?:(?:is|was)\b\s*|(?:是|为|為)\s*)?[:：=#]?\s*)"
_OTP = re.compile(
    r"(验证码|校验码|动态码|短信码|驗證碼|one[- ]time (?:pass)?code|verification code|"
    r"security code|\bOTP\b|"
    # "code" alone, but not the codes that are not secrets
    r"(?<!error )(?<!status )(?<!zip )(?<!postal )(?<!promo )(?<!discount )(?<!coupon )"
    r"(?<!country )(?<!area )(?<!product )(?<!reference )(?<!tracking )\bcode\b)"
    + _ANNOUNCE
    + r"(\d{4,8})(?![\d.,/:-]\d|\d|\s*(?:元|块|yuan|usd|rmb|%))",
    re.IGNORECASE,
)
# The three or four digits on the back of a card, only right after their name.
_CARD_CODE = re.compile(
    r"(\b(?:CVV2?|CVC2?|CVN2?|CSC|CID|(?:card )?security code|card verification (?:code|value))\b"
    r"|安全码|安全碼|卡验证码|卡驗證碼)" + _ANNOUNCE + r"(\d{3,4})(?![\d.,/:-]\d|\d)",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"(密码|密碼|口令|\bpassword\b|\bpasswd\b|\bpwd\b|\bPIN\b)" + _ANNOUNCE + r"([!-~]{3,64})",
    re.IGNORECASE,
)
# Punctuation that ends the sentence, not the password.
_TRAILING = ".,;:!?)]}'\""
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Masked:
    """Text with sensitive values replaced, and how many were found by kind."""

    text: str
    found: dict[str, int]


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def cn_id_ok(value: str) -> bool:
    body, check = value[:17], value[17].upper()
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == check


def _looks_secret(value: str) -> bool:
    """A password has a digit or a symbol in it; a plain word after "password" ("my
    password is wrong", "password-reset", "isn't") is the sentence going on."""
    return len(value) >= 3 and any(not ch.isalpha() and ch not in "'-’" for ch in value)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """``char`` as NFKC reads it ("４" -> "4", "Ｘ" -> "X", "：" -> ":") when that is one
    character; otherwise ``char`` itself, so the folded text keeps every offset."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def _fold(text: str) -> str:
    return text if text.isascii() else "".join(map(_fold_char, text))


def _substitute(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str], str], str | None],
    text: str,
    folded: str,
) -> tuple[str, str]:
    """Match ``pattern`` on ``folded``; ``replace(match, original)`` gives the new text
    for the original span (None: leave it). Returns the new original and its fold, still
    of equal length, so the next pattern sees what this one masked."""
    out: list[str] = []
    out_folded: list[str] = []
    last = 0
    for match in pattern.finditer(folded):
        new = replace(match, text)
        if new is None:
            continue
        out.append(text[last : match.start()])
        out_folded.append(folded[last : match.start()])
        out.append(new)
        out_folded.append(_fold(new))
        last = match.end()
    if not out:
        return text, folded
    out.append(text[last:])
    out_folded.append(folded[last:])
    return "".join(out), "".join(out_folded)


def _stars(value: str, keep_end: int = 0) -> str:
    hidden = "".join("•" if ch.isalnum() else ch for ch in value[: len(value) - keep_end])
    return hidden + value[len(value) - keep_end :] if keep_end else hidden


def mask_sensitive(text: str) -> Masked:
    """Return ``text`` with cards (last four kept), ID numbers, card security codes,
    one-time codes and passwords replaced by bullets."""
    found: dict[str, int] = {}

    def count(kind: str) -> None:
        found[kind] = found.get(kind, 0) + 1

    def span(match: re.Match[str], original: str, group: int = 0) -> str:
        return original[match.start(group) : match.end(group)]

    def card(match: re.Match[str], original: str) -> str | None:
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            count("card")
            return _stars(span(match, original), keep_end=4)
        return None

    def national_id(match: re.Match[str], original: str) -> str | None:
        if cn_id_ok(match.group(0).replace(" ", "")):
            count("national_id")
            return _stars(span(match, original))
        return None

    def code(kind: str) -> Callable[[re.Match[str], str], str]:
        def hide(match: re.Match[str], original: str) -> str:
            count(kind)
            shown = span(match, original, 1) + span(match, original, 2)
            return shown + "•" * len(match.group(3))

        return hide

    def password(match: re.Match[str], original: str) -> str | None:
        value = match.group(3)
        core = value.rstrip(_TRAILING)
        if not _looks_secret(core):
            return None
        count("password")
        kept = original[match.start(3) + len(core) : match.end(3)]
        return span(match, original, 1) + span(match, original, 2) + "•" * 6 + kept

    folded = _fold(text)
    for pattern, replace in (
        (_CN_ID, national_id),
        (_CARD_GROUPED, card),
        (_CARD, card),
        (_CARD_CODE, code("card_code")),
        (_OTP, code("code")),
        (_PASSWORD, password),
    ):
        text, folded = _substitute(pattern, replace, text, folded)
    return Masked(text, found)
