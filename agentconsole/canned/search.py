"""Fuzzy search over canned responses that works for Chinese typed in pinyin.

Agents type in a picker and expect each keystroke to narrow the list: ``退款`` and
``tuikuan`` and ``tk`` should all find a response titled 退款…. Each response gets a
:class:`SearchKey` once, at load time (pinyin conversion is the slow part); a query
then costs substring checks, plus rapidfuzz's ``partial_ratio`` for typos.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from agentconsole.canned.model import CannedResponse

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_WORD = re.compile(r"[a-z0-9]{3,}")

# What a query term scores by where it is found; a response needs every term somewhere.
TITLE, HEAD, PINYIN, TEXT, _BONUS = 110.0, 100.0, 90.0, 60.0, 5.0
# Typos are forgiven from four characters on; shorter terms match too much by chance.
_MAX_TERMS = 12
_FUZZY_MIN_LEN, _FUZZY_CUTOFF, _FUZZY_WEIGHT = 4, 85.0, 0.7


@dataclass(frozen=True, slots=True)
class SearchKey:
    """What a query is matched against, lower-cased, one field per line so that a
    match cannot run from one field into the next."""

    title: str
    head: str
    """Title, id, keywords and tags."""
    pinyin: str
    """For every run of Chinese characters in the head: its pinyin (``tuikuan``) and
    its initials (``tk``)."""
    text: str
    """The body without template markup."""
    words: frozenset[str]
    """Latin words (3+ letters) and Chinese character pairs of the head: what ticket
    text is compared with to suggest a response."""


@lru_cache(maxsize=4096)
def _syllables(run: str) -> tuple[str, ...]:
    """Pinyin of a run of Chinese characters, word-aware (pypinyin's phrase table picks
    the reading in context). Cached: titles and keywords repeat across responses."""
    return tuple(lazy_pinyin(run, style=Style.NORMAL))


@lru_cache(maxsize=4096)
def _readings(run: str) -> tuple[tuple[str, ...], ...]:
    """The run's pinyin as read in context, then, for each character read there other
    than it is read on its own, a variant with its own reading: the phrase table reads
    没收到 as mo-shou-dao (as in 没收, confiscate); an agent types meishoudao. One
    character at a time, not every combination, so a long title stays a short key.
    (Rare readings are left out: 款 as xin would make ``tx`` find 退款.)"""
    base = _syllables(run)
    found = [base]
    if len(base) != len(run):  # a character pypinyin does not know: no variants
        return tuple(found)
    for index, char in enumerate(run):
        alone = _syllables(char)[0]
        if alone != base[index]:
            found.append((*base[:index], alone, *base[index + 1 :]))
    return tuple(found)


def pinyin_forms(text: str) -> list[str]:
    """Full pinyin and initials of each run of Chinese characters in ``text``, for each
    reading of the run (see :func:`_readings`), without repeats."""
    forms: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        for syllables in _readings(run):
            forms["".join(syllables)] = None
            forms["".join(s[:1] for s in syllables)] = None
    return list(forms)


def sort_key(response: CannedResponse) -> tuple[str, str, str]:
    """Language, then title in alphabetical order, Chinese titles by their pinyin
    (code-point order would look random to a reader), then id."""
    title = _CJK_RUN.sub(lambda run: " ".join(_syllables(run.group(0))) + " ", response.title)
    return response.lang, title.casefold(), response.id


def words_of(text: str) -> set[str]:
    """Latin words of 3+ letters and overlapping pairs of Chinese characters: how two
    texts are compared for overlap without a segmenter."""
    text = text.casefold()
    found = set(_WORD.findall(text))
    for run in _CJK_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return found


def search_key(response: CannedResponse) -> SearchKey:
    fields = [response.title, response.id, *response.keywords, *response.tags]
    head = "\n".join(fields).casefold()
    pinyin = "\n".join(form for field in fields for form in pinyin_forms(field))
    return SearchKey(
        title=response.title.casefold(),
        head=head,
        pinyin=pinyin,
        text=_MARKUP.sub(" ", response.body).casefold(),
        words=frozenset(words_of("\n".join(fields))),
    )


def _field_bonus(term: str, fields: str) -> float:
    """A little more for a term that starts a field (``tk`` for 退款…), more again for
    one that is a whole field: what the agent typed is what the response is called."""
    if f"\n{term}\n" in f"\n{fields}\n":
        return 2 * _BONUS
    return _BONUS if f"\n{term}" in f"\n{fields}" else 0.0


def term_score(term: str, key: SearchKey) -> float:
    """How well one query term (lower-cased) matches: 0 when it does not."""
    if term in key.title:
        return TITLE + _field_bonus(term, key.title)
    if term in key.head:
        return HEAD + _field_bonus(term, key.head)
    if term.isascii() and term.isalpha() and term in key.pinyin:
        return PINYIN + _field_bonus(term, key.pinyin)
    if term in key.text:
        return TEXT
    if len(term) >= _FUZZY_MIN_LEN:
        ratio = fuzz.partial_ratio(term, key.head, score_cutoff=_FUZZY_CUTOFF)
        return ratio * _FUZZY_WEIGHT
    return 0.0


def query_terms(query: str) -> list[str]:
    """The words of a query, lower-cased; a pasted wall of text counts by its first
    words only, so a keystroke stays cheap."""
    return query.casefold().split()[:_MAX_TERMS]


def score(terms: list[str], key: SearchKey) -> float:
    """The sum of the terms' scores, 0 if any term is not found."""
    total = 0.0
    for term in terms:
        found = term_score(term, key)
        if not found:
            return 0.0
        total += found
    return total
