"""Does a customer ask for a supervisor? (找你们主管 / 投诉你们 / "speak to a manager")

A customer asking for someone more senior is an escalation whatever the clocks say:
the ticket is flagged and shows in a view. The words are matched in Chinese and
English, clause by clause, and a request that is denied in its own clause ("no need
for a manager", "不用找你们主管") does not count. Quoted lines (``>``) are our own or
earlier words, not the customer's request now, and are skipped.

Mail text is hostile: only the first :data:`MAX_SCAN` characters are read, and every
pattern is a plain alternation without nested repetition, so matching stays linear.
"""

from __future__ import annotations

import re

MAX_SCAN = 20_000

_ZH_SENIOR = r"(?:主管|经理|领导|上级|上司|负责人|高级客服|资深客服|老板|总监)"
_ZH = re.compile(
    r"(?:找|叫|让|请|要求|联系|转给?|转接|升级给?|换)(?:一下|一个|个)?(?:你们|你们的|贵司|贵公司)?(?:的)?"
    + _ZH_SENIOR
    + r"|投诉你们|我要投诉|我要求投诉|要投诉你|向(?:你们)?(?:上级|主管|领导)投诉|升级(?:处理|投诉)"
)
_ZH_NEGATION = re.compile(r"(?:不用|不需要|无需|没必要|不必|别|不要|不想|并非|不是|用不着)")

_EN_SENIOR = (
    r"(?:manager|supervisor|superior|team lead(?:er)?|senior (?:agent|staff|member|person|"
    r"representative|colleague)|someone (?:more )?senior|your boss)"
)
_EN = re.compile(
    r"\b(?:(?:speak|talk|chat)(?:ing)? (?:to|with)|escalat(?:e|ed|ing) (?:this |it |my \w+ )?to|"
    r"put me through to|(?:transfer|connect|pass|forward) (?:me|this|my \w+) (?:on )?to|"
    r"get me|want|need|demand|request|ask for|asking for|let me have)"
    r" (?:a |an |the |your |to your )?"
    + _EN_SENIOR
    + r"|\byour (?:manager|supervisor|superior|boss)\b"
    r"|\bescalat(?:e|ing) (?:this|my (?:case|complaint|ticket|issue))\b"
    r"|\bfile an? (?:formal )?complaint against (?:you|your)\b",
    re.IGNORECASE,
)
_EN_NEGATION = re.compile(
    r"\b(?:no need|(?:do|does|did)(?:n't| not) (?:need|want|wish|have)|dont (?:need|want)|"
    r"needn't|need not|not necessary|unnecessary|no reason|not asking|without|never mind|"
    r"no point|won't need|will not need|rather not)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[，。！？；：,.!?;:\n]|\s[-–—]\s|…")
_EN_WINDOW = 5  # words before the request that a negation may stand in
_ZH_WINDOW = 4  # characters before the request that a negation may stand in


def _unquoted(text: str) -> str:
    return "\n".join(
        line for line in text[:MAX_SCAN].splitlines() if not line.lstrip().startswith(">")
    )


def _denied_en(clause: str, start: int) -> bool:
    before = clause[:start].split()[-_EN_WINDOW:]
    return bool(_EN_NEGATION.search(" ".join(before)))


def _denied_zh(clause: str, start: int) -> bool:
    return bool(_ZH_NEGATION.search(clause[max(0, start - _ZH_WINDOW) : start]))


def supervisor_request(text: str) -> str | None:
    """The words in which the customer asks for someone more senior, or None."""
    for clause in _CLAUSE.split(_unquoted(text)):
        for match in _ZH.finditer(clause):
            if not _denied_zh(clause, match.start()):
                return match.group(0)
        for match in _EN.finditer(clause):
            if not _denied_en(clause, match.start()):
                return match.group(0)
    return None


def asks_for_supervisor(text: str) -> bool:
    """True when the customer asks for a supervisor, a manager or a senior agent, or
    says they will complain about us, in Chinese or English (see the module notes)."""
    return supervisor_request(text) is not None
