"""Full-text tokens for Chinese (and Japanese, Korean) next to English.

SQLite's ``unicode61`` tokenizer sees a whole run of Han characters as one token, so a
two-character word such as 密码 is never found inside 忘记密码了; ``trigram`` cannot match
queries under three characters. Here each CJK run is rewritten, before indexing and
before querying, as overlapping character bigrams followed by its last character alone:
``忘记密码`` becomes ``忘记 记密 密码 码``. A query word becomes the phrase of its
bigrams, which matches exactly the texts that contain it; a single character becomes
a prefix query, which the trailing unigram makes exact too. Text is NFKC-normalised on
both sides so that full-width ``ＡＰＰ`` matches ``app``.
"""

from __future__ import annotations

import re
import unicodedata

_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ebef]+"
)
_WORD = re.compile(r"\w+")
_QUERY_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
MAX_TERMS = 200
"""Most words and filter values one query may hold. SQLite refuses an expression tree
deeper than 1,000 and each term adds up to three levels (``from:a,b`` is an OR of LIKEs
inside an AND chain), so ~330 terms of some kinds overflowed; 200 leaves room for any
mix, and is far more than a person types."""


class QueryError(ValueError):
    """A query (ticket filter or search) that cannot be run; the message tells the user
    what to type instead."""


def check_size(terms: int) -> None:
    """Refuse a query of more than :data:`MAX_TERMS` terms, saying how many it had."""
    if terms > MAX_TERMS:
        raise QueryError(f"query too long: {terms} terms, at most {MAX_TERMS}")


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return f" {run} "
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return " " + " ".join(pairs) + " " + run[-1] + " "


def index_text(text: str) -> str:
    """Return ``text`` rewritten for the FTS index (CJK runs as bigrams)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return _CJK_RUN.sub(lambda m: _bigrams(m.group(0)), text)


def _term_tokens(term: str) -> list[str]:
    """Tokens of one query word, in index order."""
    term = unicodedata.normalize("NFKC", term)
    tokens: list[str] = []
    position = 0
    for match in _CJK_RUN.finditer(term):
        tokens.extend(_WORD.findall(term[position : match.start()]))
        run = match.group(0)
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        position = match.end()
    tokens.extend(_WORD.findall(term[position:]))
    return [t.lower() for t in tokens]


def _phrase(tokens: list[str]) -> str:
    body = " ".join(tokens).replace('"', '""')
    if len(tokens) == 1 and len(tokens[0]) == 1 and _CJK_RUN.fullmatch(tokens[0]):
        return f'"{body}"*'
    return f'"{body}"'


def fts_query(query: str) -> str | None:
    """Turn what a user typed into an FTS5 MATCH expression; None if nothing to match.

    Words are ANDed; ``"quoted words"`` form a phrase; a leading ``-`` excludes. Every
    token is quoted, so FTS5 operators typed by a user are searched as text. Raises
    QueryError for more than :data:`MAX_TERMS` terms.
    """
    positive: list[str] = []
    negative: list[str] = []
    terms = list(_QUERY_TERM.finditer(query))
    check_size(len(terms))
    for match in terms:
        negate = bool(match.group(1) or match.group(3))
        term = match.group(2) if match.group(2) is not None else match.group(4)
        tokens = _term_tokens(term or "")
        if not tokens:
            continue
        (negative if negate else positive).append(_phrase(tokens))
    if not positive:
        return None
    expression = " AND ".join(positive)
    for phrase in negative:
        expression += f" NOT {phrase}"
    return expression
