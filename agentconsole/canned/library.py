"""The loaded set of canned responses: ours from data/canned, the user's from the
config folder's canned/ (theirs override ours by id), with search and suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agentconsole.canned.loading import load_folder, merged
from agentconsole.canned.model import CannedError, CannedResponse
from agentconsole.canned.search import query_terms, score, search_key
from agentconsole.canned.suggest import suggest as rank_for_ticket
from agentconsole.config import DATA_DIR, Config, config_path


class Library:
    """Responses in a steady order (language, title), each with its search key.
    ``problems`` holds the files that could not be loaded: shown by ``canned lint``
    and the console, never raised, so one bad file does not hide the others."""

    def __init__(
        self, responses: Sequence[CannedResponse], problems: Sequence[CannedError] = ()
    ) -> None:
        self._entries = [(r, search_key(r)) for r in responses]
        self._by_id = {r.id: r for r in responses}
        self.problems: tuple[CannedError, ...] = tuple(problems)

    def all(self) -> list[CannedResponse]:
        return [response for response, _ in self._entries]

    def get(self, id: str) -> CannedResponse:  # noqa: A002 - the interface's name
        try:
            return self._by_id[id]
        except KeyError:
            raise CannedError(f"no canned response {id!r}") from None

    def search(
        self, query: str, limit: int = 50, *, suggested: Sequence[CannedResponse] = ()
    ) -> list[CannedResponse]:
        """Responses matching every word of ``query`` (title, keywords, tags, pinyin of
        the Chinese ones, the text; typos forgiven from three letters on), best first.
        An empty query gives all of them; ``suggested`` ones (see :meth:`suggest`)
        come first then, and win ties otherwise."""
        first = {r.id: i for i, r in enumerate(suggested)}
        terms = query_terms(query)
        scored: list[tuple[float, int, int, CannedResponse]] = []
        for order, (response, key) in enumerate(self._entries):
            found = score(terms, key) if terms else 1.0
            if found:
                rank = first.get(response.id, len(first))
                scored.append((-found, rank, order, response))
        scored.sort(key=lambda item: item[:3])
        return [response for *_, response in scored[:limit]]

    def suggest(
        self, *, category: str | None, lang: str | None, text: str, limit: int = 5
    ) -> list[CannedResponse]:
        """The responses that fit a ticket: its category, then its language, then the
        words they share with its text (subject and last message)."""
        return rank_for_ticket(self._entries, category=category, lang=lang, text=text, limit=limit)


def user_folder(config: Config) -> Path:
    """Where the user's own responses live: ``[compose] canned_folder``, by default
    ``canned/`` next to the config file that was read (see :func:`load_config`)."""
    if config.canned_folder:
        return Path(config.canned_folder).expanduser()
    return config_path().parent / "canned"


def shipped_folder() -> Path:
    return DATA_DIR / "canned"


def load_library(config: Config, *, user_dir: Path | None = None) -> Library:
    """Ours (data/canned), then the user's (``user_dir``, by default the config's
    canned folder), theirs replacing ours by id. Never raises for a bad file: see
    :attr:`Library.problems`."""
    ours, our_problems = load_folder(shipped_folder(), "shipped")
    theirs, their_problems = load_folder(user_dir or user_folder(config), "user")
    return Library(merged([ours, theirs]), [*our_problems, *their_problems])
