"""Mask sensitive data that customers paste into mail, wherever it is shown.

Customers send card numbers, national ID numbers, one-time codes and even passwords.
An agent rarely needs to see them, and a screen is easily shoulder-surfed or shared,
so the console shows them masked; revealing one message is a deliberate key press that
is written to the ticket's history. Detection is strict to avoid masking order ids:
card numbers must pass the Luhn check, Chinese ID numbers their ISO 7064 check digit,
and codes or passwords must follow a word that announces them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_CN_ID = re.compile(
    r"(?<![\dA-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
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


def _stars(value: str, keep_end: int = 0) -> str:
    hidden = "".join("•" if ch.isalnum() else ch for ch in value[: len(value) - keep_end])
    return hidden + value[len(value) - keep_end :] if keep_end else hidden


def mask_sensitive(text: str) -> Masked:
    """Return ``text`` with cards (last four kept), ID numbers, codes and passwords
    replaced by bullets."""
    found: dict[str, int] = {}

    def count(kind: str) -> None:
        found[kind] = found.get(kind, 0) + 1

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            count("card")
            return _stars(match.group(0), keep_end=4)
        return match.group(0)

    def national_id(match: re.Match[str]) -> str:
        if cn_id_ok(match.group(0)):
            count("national_id")
            return _stars(match.group(0))
        return match.group(0)

    def otp(match: re.Match[str]) -> str:
        count("code")
        return match.group(1) + match.group(2) + "•" * len(match.group(3))

    def password(match: re.Match[str]) -> str:
        value = match.group(3)
        core = value.rstrip(_TRAILING)
        if not _looks_secret(core):
            return match.group(0)
        count("password")
        return match.group(1) + match.group(2) + "•" * 6 + value[len(core) :]

    text = _CN_ID.sub(national_id, text)
    text = _CARD.sub(card, text)
    text = _OTP.sub(otp, text)
    text = _PASSWORD.sub(password, text)
    return Masked(text, found)
