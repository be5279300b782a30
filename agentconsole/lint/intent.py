"""Reading intent for AC201: does a request for a secret ask the customer to give it to
us, or warn them not to?

Two questions, each answered from word lists in ``data/lint/security.toml``:

- Scope of a negation. A negation ("绝不会", "never", "do not") governs the request
  when it stands before it in the same sentence and nothing but adverbials lies
  between: "我们绝不会通过邮件、电话或短信向您索取密码", "We will never, under any
  circumstances, ask you for your PIN". It does not when it sits in a subordinate
  clause of its own ("If you can't log in, please send us your password", "如果无法
  登录，请把密码发给我们"), nor when a comma closes a verb phrase of its own after it
  ("我们不会收取手续费，请提供验证码"), nor when its own verb is one of hesitating,
  forgetting or delaying (the ``urging`` list): "Don't forget to send us your
  password", "别忘了把验证码发给我们" urge the request rather than forbid it. A
  warning cue ("谨防诈骗", "whether", "anyone") is not a negation: it only counts in
  the request's own phrase.
- Who receives it. "Enter/submit the code in the app" asks the customer to use the
  secret where it belongs; only a request that names us (我们, 客服, us, reply) inside
  a clause that names the app is one to give it to us.

Phrases are cut at commas (Chinese and Latin), sentences at sentence punctuation; the
enumeration comma 、 cuts neither ("通过邮件、电话或短信" is one adverbial).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from agentconsole.lint.language import terms

_COMMA = re.compile(r"[，,]")
_SENTENCE_END = re.compile(r"[。！？；\n!?;]|[.](?=\s|$)")
SCOPE = 160
"""How far back (in characters) a negation may stand from the request it governs."""
_EDGE = " \t\u3000（）()[]【】「」『』\"'“”‘’:：-—"


def _compile(words: tuple[str, ...], *, anchored: bool = False) -> re.Pattern[str]:
    pattern = terms(words)
    return re.compile(f"^(?:{pattern})" if anchored else pattern, re.IGNORECASE)


class IntentReader:
    """Decides whether a negation or warning governs a request; built once per rule set."""

    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        self.negations = _compile(words["not_asking"])
        # "Don't ever forget", "不要再犹豫": an adverb may stand between.
        self.urging = re.compile(
            r"\s*(?:ever\s+|[再又])?(?:" + terms(words["urging"]) + ")", re.IGNORECASE
        )
        self.warnings = _compile(words["warning_cues"])
        self.subordinators = _compile(words["subordinators"])
        self.adverbials = _compile(words["adverbials"], anchored=True)
        self.imperatives = _compile(words["imperatives"])
        self.in_app = _compile(words["in_app"])
        self.to_us = _compile(words["to_us"])

    def _negations(self, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
        """The negations in ``text[start:end]`` that forbid: "don't forget", "do not
        hesitate", "别忘了" negate a hesitation, which urges what follows."""
        for cue in self.negations.finditer(text, start, end):
            if self.urging.match(text, cue.end()) is None:
                yield cue

    def _adverbial(self, piece: str) -> bool:
        """Nothing, or a phrase that only says how or when: "under any circumstances",
        "以任何理由", "通过邮件、电话或短信"."""
        piece = piece.strip(_EDGE)
        return not piece or self.adverbials.match(piece) is not None

    def governed(self, text: str, first: int, last: int, ask: int) -> bool:
        """True when a negation or warning cue makes the request ``text[first:last]``
        (the request word, at ``ask``, and the secret's name) advice rather than a
        request: a cue inside the request; a cue before it in its phrase, unless that
        cue is part of a condition; a negation in an earlier phrase of the sentence
        (at most SCOPE characters back) that only adverbials separate from it. The
        walk back stops at the first phrase that is not an adverbial, so a hostile
        text of a thousand negated requests stays linear."""
        if any(self._negations(text, first, last)) or self.warnings.search(text, first, last):
            return True
        start = max(0, first - SCOPE)
        for end in _SENTENCE_END.finditer(text, start, first):
            start = end.end()
        cuts = [start] + [m.end() for m in _COMMA.finditer(text, start, ask)]
        phrase = cuts[-1]
        # "不需要" overlaps "需要您的": the cues are searched up to the request's end.
        cues = chain(
            self._negations(text, phrase, last), self.warnings.finditer(text, phrase, last)
        )
        for cue in cues:
            if cue.start() >= first or self._same_phrase(text, phrase, cue, ask):
                return True
        between = text[phrase : min(first, ask)]
        for index in range(len(cuts) - 2, -1, -1):
            if not self._adverbial(between):
                return False
            phrase_start, phrase_end = cuts[index], cuts[index + 1] - 1
            for cue in self._negations(text, phrase_start, phrase_end):
                if self._adverbial(text[cue.end() : phrase_end]) and not (
                    self.subordinators.search(text, phrase_start, cue.start())
                ):
                    return True
            between = text[phrase_start:phrase_end]
        return False

    def _same_phrase(self, text: str, phrase_start: int, cue: re.Match[str], ask: int) -> bool:
        """A cue in the request's phrase governs it, unless the cue belongs to a
        condition before it and a new imperative starts between ("If you can't log in
        please send us ...")."""
        subordinate = self.subordinators.search(text, phrase_start, cue.start()) is not None
        return not (subordinate and self.imperatives.search(text, cue.end(), ask))

    def to_app(self, text: str, start: int, end: int) -> bool:
        """True when the clause ``text[start:end]`` has the customer use a secret in
        the app (or on the site) and does not name us as who receives it."""
        return bool(self.in_app.search(text, start, end)) and not self.to_us.search(
            text, start, end
        )
