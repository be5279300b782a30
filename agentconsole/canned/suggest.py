"""Which canned responses fit a ticket: its category first, then its language, then
the words the ticket and the response share (keywords found in the ticket's text
count most)."""

from __future__ import annotations

from collections.abc import Sequence

from agentconsole.canned.model import CannedResponse
from agentconsole.canned.search import SearchKey, words_of


def overlap(response: CannedResponse, key: SearchKey, text: str, words: set[str]) -> int:
    """Keywords and tags of the response found in the ticket's text (each counts 3),
    plus the words and character pairs they share."""
    folded = text.casefold()
    hits = sum(3 for word in (*response.keywords, *response.tags) if word.casefold() in folded)
    return hits + len(key.words & words)


def suggest(
    entries: Sequence[tuple[CannedResponse, SearchKey]],
    *,
    category: str | None,
    lang: str | None,
    text: str,
    limit: int = 5,
) -> list[CannedResponse]:
    """The best ``limit`` responses for a ticket, ranked by (category matches,
    language matches, overlap). A response that neither has the ticket's category nor
    shares a word with it is not suggested."""
    words = words_of(text)
    ranked: list[tuple[tuple[int, int, int], int, CannedResponse]] = []
    for order, (response, key) in enumerate(entries):
        same_category = int(category is not None and category in response.categories)
        shared = overlap(response, key, text, words)
        if not same_category and not shared:
            continue
        ranked.append(((same_category, int(lang == response.lang), shared), -order, response))
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [response for _, _, response in ranked[:limit]]
