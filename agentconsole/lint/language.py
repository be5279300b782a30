"""Which language a reply is in, and word boundaries that work in Chinese text too.

Python's ``\\b`` does not separate CJK from Latin (``\\bOTP\\b`` misses ``输入OTP码``,
because CJK characters count as word characters), so Latin words are bounded here by
"no Latin letter or digit on either side", and Chinese words, which have no spaces
around them, match as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN}]")
_LATIN = re.compile("[A-Za-z]")
# Links and addresses are Latin in any language: they must not make a Chinese reply
# look English.
_NOT_PROSE = re.compile(r"(?:https?://|www\.)[!-~]+|(?<![\w.+-])[\w.+-]+@[\w.-]+")

ZH_SHARE = 0.7
EN_SHARE = 0.15
"""A text whose share of Chinese is at least ZH_SHARE is Chinese (App, OTP and PIN are
common in Chinese text); at most EN_SHARE, English (a Chinese name or signature in an
English reply); between, mixed. Shares count one Chinese character against two Latin
letters (an English word carries about as much as a two-character Chinese word)."""

_CLAUSE_END = re.compile(f"[。！？；，、\n!?;]|[.](?=\\s|$)|(?<=[{HAN}]),|,(?=\\s*[{HAN}])")
"""Where a clause ends: Chinese punctuation (comma included: a Chinese sentence strings
clauses with commas), Latin sentence punctuation, and a Latin comma next to Chinese
(people type ``,`` in Chinese text too). A Latin comma between Latin words does not
end a clause: "never, under any circumstances, share your PIN" is one thought."""


def detect_language(text: str) -> str:
    """ "zh", "en" or "mixed", by the share of Chinese characters against Latin letters.
    Text with neither (digits, punctuation) counts as English."""
    prose = _NOT_PROSE.sub(" ", text) if ("@" in text or "www." in text or "://" in text) else text
    han = len(_HAN.findall(prose))
    latin = len(_LATIN.findall(prose)) / 2
    if han + latin == 0:
        return "en"
    share = han / (han + latin)
    if share >= ZH_SHARE:
        return "zh"
    if share <= EN_SHARE:
        return "en"
    return "mixed"


def message_language(detected: str, customer_lang: str | None) -> str:
    """The language findings are written in: the reply's; for a mixed reply the
    customer's (else Chinese, the mailbox's main language)."""
    if detected in ("zh", "en"):
        return detected
    return customer_lang if customer_lang in ("zh", "en") else "zh"


def _latin_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _phrase(word: str) -> str:
    """A word or phrase as a pattern; its spaces match any run of white space."""
    return r"\s+".join(re.escape(part) for part in word.split())


def terms(words: Iterable[str], shapes: str = "", shape_starts: str = "") -> str:
    """An alternation matching any of ``words`` (longest first, so that "PIN code" wins
    over "PIN"), as a non-capturing group to embed in a larger pattern. A Latin edge
    gets a boundary that Chinese neighbours do not break. Words are grouped by their
    edges so that each boundary is tested once per position, not once per word: the
    word lists are long and a reply is scanned at every character. ``shapes`` is a
    pattern matched as one more alternative (a word named by its form, not listed),
    starting with one of the characters of the class ``shape_starts``."""
    unique = sorted({w.strip() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not unique:
        return "(?!)"  # matches nothing: an emptied word list switches its check off
    groups: dict[tuple[bool, bool], list[str]] = {}
    for word in unique:
        edges = (_latin_edge(word[0]), _latin_edge(word[-1]))
        groups.setdefault(edges, []).append(_phrase(word))
    parts = []
    # "PIN码" before "PIN": a word that ends in Chinese extends a Latin one.
    for (latin_start, latin_end), alternatives in sorted(groups.items(), key=lambda g: g[0][1]):
        pattern = "(?:" + "|".join(alternatives) + ")"
        if latin_start:
            pattern = r"(?<![A-Za-z0-9])" + pattern
        if latin_end:
            pattern += r"(?![A-Za-z0-9])"
        parts.append(pattern)
    if shapes:
        parts.append(shapes)
    # Python's re tries every alternative at every position; a look-ahead on the
    # possible first characters rejects most positions with one class test.
    first = "".join(sorted({re.escape(w[0].lower()) + re.escape(w[0].upper()) for w in unique}))
    first += shape_starts
    return f"(?=[{first}])(?:" + "|".join(parts) + ")"


def compile_terms(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(terms(words), re.IGNORECASE)


def clauses(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of each clause of ``text[start:end]``."""
    end = len(text) if end is None else end
    position = start
    for match in _CLAUSE_END.finditer(text, start, end):
        if match.start() > position:
            yield position, match.start()
        position = match.end()
    if end > position:
        yield position, end
