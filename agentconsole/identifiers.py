"""Customer identifiers in mail text: account, phone, order and transaction ids.

Patterns are configuration (``data/identifiers.toml``, overridable per installation),
because every company numbers its accounts differently. Values are normalised the same
way when stored and when looked up, so a customer found by "txn 2024-0001" is the one
whose mail said "TXN20240001".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-]")


@lru_cache(maxsize=8)
def _compiled(
    patterns: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile(p)) for kind, group in patterns for p in group]


def normalise_identifier(value: str) -> str:
    """Identifiers compare without case, spaces or dashes: ``txn 2024-01`` = ``TXN202401``."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def find_identifiers(
    text: str, patterns: Mapping[str, Sequence[str]], limit: int = 20
) -> list[tuple[str, str]]:
    """Return distinct (kind, value) identifiers found in ``text``, in order found."""
    key = tuple((kind, tuple(group)) for kind, group in sorted(patterns.items()))
    found: dict[tuple[str, str], None] = {}
    text = unicodedata.normalize("NFKC", text[:50_000])
    for kind, pattern in _compiled(key):
        for match in pattern.finditer(text):
            raw = match.group(1) if pattern.groups else match.group(0)
            value = normalise_identifier(raw)
            if len(value) >= 6 and (kind, value) not in found:
                found[(kind, value)] = None
                if len(found) >= limit:
                    return list(found)
    return list(found)
