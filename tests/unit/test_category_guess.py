"""The category guess reads ASCII text with the ASCII words alone (three times faster);
what it finds there must be exactly what the whole table's pattern finds."""

from __future__ import annotations

from agentconsole.ingest.enrich import category_rules, guess_category


def test_every_ascii_word_is_found_alike_by_both_patterns() -> None:
    rules = category_rules()
    words = [word for word in rules.category_of if word.isascii()]
    assert len(words) > 50
    for word in words:
        for text in (word, f"re: {word}!", f"my {word} {word}s, pre{word} and {word}-x"):
            assert rules.ascii_pattern.findall(text) == rules.pattern.findall(text), text


def test_a_guess_from_english_and_from_chinese_text() -> None:
    assert guess_category("Withdrawal not received", "I asked to cash out") == (
        "withdrawal",
        "normal",
    )
    assert guess_category("Question", "someone hacked my account, this is fraud") == (
        "security",
        "urgent",
    )
    assert guess_category("提现一直没有到账", "请问是什么原因？") == ("withdrawal", "normal")
    assert guess_category("Hello", "nothing to see here") == ("other", "normal")


def test_chinese_next_to_english_still_uses_the_whole_table() -> None:
    # "locked" (ASCII) and 被盗 (CJK, security, weight 2) in one non-ASCII body
    assert guess_category("Hello", "my account is locked, 账户被盗") == ("security", "urgent")
