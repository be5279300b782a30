"""What the importer guesses from a message's text: category, priority, identifiers.

Guesses run in the parsing workers (they are pure functions of the text), so the
single writer process only stores results. They are guesses: an agent can change a
ticket's category and priority, and every change is an event.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from agentconsole.config import DATA_DIR


@dataclass(frozen=True, slots=True)
class CategoryRules:
    """All categories' words in one regex (two scans a message instead of two per
    category), with the category and default priority of every word."""

    pattern: re.Pattern[str]
    ascii_pattern: re.Pattern[str]
    """The ASCII words alone: what ``pattern`` finds in ASCII text, three times faster
    (a CJK word cannot match there, yet each is tried at every position)."""
    category_of: dict[str, str]
    priority_of: dict[str, str]
    weight_of: dict[str, int]
    order: tuple[str, ...]


@lru_cache(maxsize=1)
def category_rules() -> CategoryRules:
    """The shipped keyword table (``data/categories.toml``), read once per process.

    ASCII words match on word boundaries ("rate" must not match "separate"); CJK words
    match anywhere, since Chinese puts no spaces between words."""
    with open(DATA_DIR / "categories.toml", "rb") as handle:
        data = tomllib.load(handle)
    category_of: dict[str, str] = {}
    priority_of: dict[str, str] = {}
    for name, spec in data.items():
        for word in spec["words"]:
            category_of.setdefault(unicodedata.normalize("NFKC", word).casefold(), name)
        if spec.get("priority"):
            priority_of[name] = spec["priority"]
    words = sorted(category_of, key=len, reverse=True)
    ascii_words = "|".join(re.escape(w) for w in words if w.isascii())
    cjk_words = "|".join(re.escape(w) for w in words if not w.isascii())
    pattern = re.compile(rf"\b(?:{ascii_words})\b|{cjk_words}")
    ascii_pattern = re.compile(rf"\b(?:{ascii_words})\b")
    weights = {name: int(spec.get("weight", 1)) for name, spec in data.items()}
    return CategoryRules(pattern, ascii_pattern, category_of, priority_of, weights, tuple(data))


def guess_category(subject: str, body: str) -> tuple[str, str]:
    """Return (category, priority) for a new ticket; ('other', 'normal') if unsure.

    Each distinct word found scores 3 in the subject and 1 in the body, times the
    category's weight (a complaint about a withdrawal is a complaint); the highest
    total wins, ties going to the category listed first in the table."""
    rules = category_rules()
    scores: dict[str, int] = {}
    for text, weight in ((subject, 3), (body[:20_000], 1)):
        lowered = unicodedata.normalize("NFKC", text).casefold()
        pattern = rules.ascii_pattern if lowered.isascii() else rules.pattern
        for word in set(pattern.findall(lowered)):
            category = rules.category_of[word]
            scores[category] = scores.get(category, 0) + weight * rules.weight_of[category]
    if not scores:
        return "other", "normal"
    best = min(scores, key=lambda name: (-scores[name], rules.order.index(name)))
    return best, rules.priority_of.get(best, "normal")
