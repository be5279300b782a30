"""Searching and suggesting canned responses: pinyin and initials find Chinese titles,
every word of a query must match, typos are forgiven from four letters on, and
suggestions follow the ticket's category, language and words."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.canned import CannedResponse, Library, load_library
from agentconsole.canned.search import pinyin_forms, search_key, words_of
from tests.mailfactory import make_config


def canned(
    rid: str,
    title: str,
    lang: str = "zh",
    categories: tuple[str, ...] = ("payment",),
    keywords: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    body: str = "正文",
) -> CannedResponse:
    return CannedResponse(
        id=rid,
        title=title,
        lang=lang,
        categories=categories,
        tags=tags,
        keywords=keywords,
        body=body,
        path=Path(f"/c/{rid}.md"),
        origin="shipped",
    )


LIBRARY = Library(
    [
        canned("refund", "退款进度", keywords=("退回",)),
        canned("reset", "找回密码", categories=("account_access",), keywords=("重置密码",)),
        canned("topup", "充值未到账", categories=("deposit",), body="请提供{{ ticket.ref }}流水号"),
        canned(
            "reset-en",
            "Resetting your password",
            lang="en",
            categories=("account_access",),
            keywords=("forgot password",),
        ),
        canned("fees-en", "Fees", lang="en", categories=("fees",), tags=("exchange rate",)),
    ]
)


def ids(found: list[CannedResponse]) -> list[str]:
    return [r.id for r in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tk", ["refund"]),
        ("tuikuan", ["refund"]),
        ("退款", ["refund"]),
        ("TuiKuan", ["refund"]),
        ("zhmm", ["reset"]),
        ("mima", ["reset"]),
        ("密码", ["reset"]),
        ("password", ["reset-en"]),
        ("pasword", ["reset-en"]),  # a typo, forgiven
        ("passwrd reset", ["reset-en"]),
        ("流水号", ["topup"]),  # in the text only
        ("exchange", ["fees-en"]),  # a tag
        ("ticket", []),  # template markup is not text
        ("qq", []),
        ("password 退款", []),  # every word must match
    ],
)
def test_search_finds_by_title_keyword_pinyin_and_text(query: str, expected: list[str]) -> None:
    assert ids(LIBRARY.search(query)) == expected


def test_a_title_hit_ranks_before_a_text_hit() -> None:
    library = Library(
        [
            canned("a", "账户锁定", body="退款说明"),
            canned("b", "退款说明"),
        ]
    )
    assert ids(library.search("退款")) == ["b", "a"]


def test_an_empty_query_gives_all_with_the_suggested_first() -> None:
    everything = ids(LIBRARY.all())
    assert ids(LIBRARY.search("")) == everything
    assert ids(LIBRARY.search("  ", suggested=[LIBRARY.get("topup")])) == [
        "topup",
        *[i for i in everything if i != "topup"],
    ]
    assert ids(LIBRARY.search("", limit=2)) == everything[:2]


def test_the_search_key_holds_pinyin_and_initials_per_field() -> None:
    assert pinyin_forms("退款 refund 进度") == ["tuikuan", "tk", "jindu", "jd"]
    key = search_key(canned("r", "退款", keywords=("重复扣款",)))
    assert key.pinyin.split("\n") == [
        "tuikuan",
        "tk",
        "chongfukoukuan",
        "cfkk",
        "zhongfukoukuan",  # 重 on its own
        "zfkk",
    ]
    assert key.head == "退款\nr\n重复扣款"
    assert words_of("Top-up 未到账 ok") == {"top", "未到", "到账"}


def test_a_character_read_differently_in_context_is_found_by_its_own_reading_too() -> None:
    # pypinyin reads 没收到 as in 没收 (mo, confiscate): the agent types mei.
    assert pinyin_forms("验证码没收到") == [
        "yanzhengmamoshoudao",
        "yzmmsd",
        "yanzhengmameishoudao",
    ]
    assert pinyin_forms("退款") == ["tuikuan", "tk"]  # rare readings (款 xin) left out


def test_suggest_ranks_by_category_then_language_then_words() -> None:
    library = Library(
        [
            canned("dep-en", "Top-up missing", lang="en", categories=("deposit",)),
            canned("dep-zh", "充值未到账", categories=("deposit",), keywords=("充值",)),
            canned("dep-zh-2", "充值说明", categories=("deposit",)),
            canned("pay-zh", "付款失败", keywords=("充值",)),
            canned("fees-zh", "手续费", categories=("fees",)),
        ]
    )
    found = library.suggest(category="deposit", lang="zh", text="我的充值还没到账")
    assert ids(found) == ["dep-zh", "dep-zh-2", "dep-en", "pay-zh"]
    assert ids(library.suggest(category=None, lang="en", text="充值")) == [
        "dep-zh",
        "pay-zh",
        "dep-zh-2",
    ]
    assert ids(library.suggest(category="deposit", lang="zh", text="", limit=1)) == ["dep-zh"]
    assert library.suggest(category=None, lang=None, text="hello") == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("tk", "refund-status-zh"),
        ("tuikuan", "refund-status-zh"),
        ("退款", "refund-status-zh"),
        ("zhmm", "password-reset-zh"),
        ("mima", "password-reset-zh"),
        ("yzm", "code-not-received-zh"),
        ("meishoudao", "code-not-received-zh"),
        ("tixian", "withdrawal-delayed-zh"),
        ("phishing", "phishing-warning-en"),
        ("钓鱼", "phishing-warning-zh"),
        ("complaint", "complaint-received-en"),
    ],
)
def test_the_shipped_set_is_found_as_agents_type(query: str, first: str) -> None:
    assert ids(load_library(make_config()).search(query))[0] == first


def test_the_shipped_set_suggests_for_a_ticket() -> None:
    library = load_library(make_config())
    found = library.suggest(category="withdrawal", lang="zh", text="提现三天了还没到账")
    assert ids(found)[0] == "withdrawal-delayed-zh"
    found = library.suggest(
        category=None, lang="en", text="Is this e-mail phishing? It wants my PIN"
    )
    assert ids(found)[0] == "phishing-warning-en"


def test_a_pasted_wall_of_text_is_searched_by_its_first_words() -> None:
    assert ids(LIBRARY.search("退款 " * 5000)) == ["refund"]
    assert ids(LIBRARY.search("退款 " * 12 + "password")) == ["refund"]
    assert ids(LIBRARY.search("退款 " * 11 + "password")) == []


def test_the_library_lists_by_language_then_title_chinese_by_pinyin() -> None:
    library = load_library(make_config())
    titles = [r.title for r in library.all() if r.lang == "zh"]
    assert titles[:3] == ["充值未到账", "处理进度跟进：仍在处理中", "付款失败或交易被拒绝"]
    english = [r.title for r in library.all() if r.lang == "en"]
    assert english == sorted(english, key=str.casefold)
    assert [r.lang for r in library.all()] == sorted(r.lang for r in library.all())
