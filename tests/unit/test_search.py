"""Full-text search: exact recall for Chinese words of any length, English words,
mixed queries; and the query plan that keeps it fast."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator

import pytest

from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from agentconsole.store.cjk import fts_query, index_text
from agentconsole.store.messages import count_matches, search_messages
from tests.conftest import DEMO_MBOX
from tests.mailfactory import make_config


@pytest.fixture(scope="module")
def demo() -> Iterator[sqlite3.Connection]:
    conn = open_db(memory=True).conn
    run_import(conn, resolve_sources([DEMO_MBOX]), make_config(), jobs=1)
    yield conn
    conn.close()


def _haystacks(conn: sqlite3.Connection) -> dict[int, str]:
    rows = conn.execute(
        "SELECT id, subject || ' ' || from_name || ' ' || from_addr || ' ' || body_text"
        " FROM messages WHERE status != 'quarantined'"
    )
    return {row[0]: unicodedata.normalize("NFKC", row[1]).lower() for row in rows}


def _found(conn: sqlite3.Connection, query: str) -> set[int]:
    return {hit.message_id for hit in search_messages(conn, query, limit=100_000)}


@pytest.mark.parametrize(
    "word", ["密码", "提现", "充值", "冻结", "手续费", "验证码", "交易号", "账户被冻结", "钱"]
)
def test_chinese_words_have_exact_recall_and_precision(demo: sqlite3.Connection, word: str) -> None:
    expected = {mid for mid, text in _haystacks(demo).items() if word in text}
    assert expected, f"the demo corpus should contain {word}"
    assert _found(demo, word) == expected


@pytest.mark.parametrize("word", ["withdrawal", "password", "refund", "OKWallet"])
def test_english_words(demo: sqlite3.Connection, word: str) -> None:
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])")
    expected = {mid for mid, text in _haystacks(demo).items() if pattern.search(text)}
    assert expected
    assert _found(demo, word) == expected


def test_mixed_query_is_an_and(demo: sqlite3.Connection) -> None:
    expected = {
        mid
        for mid, text in _haystacks(demo).items()
        if "密码" in text and re.search(r"(?<![a-z0-9])app(?![a-z0-9])", text)
    }
    assert expected
    assert _found(demo, "App 密码") == expected


def test_negation_and_phrases(demo: sqlite3.Connection) -> None:
    both = _found(demo, "提现")
    without = _found(demo, "提现 -withdrawal")
    texts = _haystacks(demo)
    assert without and without == {m for m in both if "withdrawal" not in texts[m]}
    assert _found(demo, '"charged twice"') <= _found(demo, "charged")


@pytest.mark.parametrize(
    ("query", "expression", "same_as"),
    [
        ("NEAR(a b)", '"near a" AND "b"', '"near a" b'),
        ("提现 OR", '"提现" AND "or"', "提现 or"),
        ("subject:密码", '"subject 密码"', '"subject 密码"'),
        ("^提现", '"提现"', "提现"),
        ("refund*", '"refund"', "refund"),
        ('"', None, None),
        ("*", None, None),
        ("(((", None, None),
        ("-", None, None),
    ],
)
def test_fts_operators_typed_by_users_are_text(
    demo: sqlite3.Connection, query: str, expression: str | None, same_as: str | None
) -> None:
    """FTS5 syntax a user types is searched as words (or as nothing), never run."""
    assert fts_query(query) == expression
    if same_as is None:
        assert search_messages(demo, query) == [] and count_matches(demo, query) == 0
    else:
        assert _found(demo, query) == _found(demo, same_as)
        assert count_matches(demo, query) == count_matches(demo, same_as)


def test_ranking_prefers_subject_and_newest_on_ties(demo: sqlite3.Connection) -> None:
    hits = search_messages(demo, "冻结", limit=50)
    assert "冻结" in hits[0].subject
    for first, second in zip(hits, hits[1:], strict=False):
        if first.rank == second.rank:
            assert (first.date or 0) >= (second.date or 0)


def test_bigram_tokens() -> None:
    assert index_text("忘记密码了") == " 忘记 记密 密码 码了 了 "
    assert index_text("App提现") == "App 提现 现 "
    assert fts_query("密码") == '"密码"'
    assert fts_query("钱") == '"钱"*'
    assert fts_query("App 忘记密码") == '"app" AND "忘记 记密 密码"'
    assert fts_query("ＡＰＰ") == '"app"'
    assert fts_query("   ") is None


def test_search_joins_messages_by_rowid(demo: sqlite3.Connection) -> None:
    from agentconsole.store.messages import SEARCH_SQL

    plan = " ".join(
        str(row[3])
        for row in demo.execute("EXPLAIN QUERY PLAN " + SEARCH_SQL, ('"x"', 5000, 80, 20))
    )
    assert "SEARCH m USING INTEGER PRIMARY KEY" in plan
    assert not re.search(r"SCAN m\b", plan)  # never a scan of all messages
