"""AC202/AC203 read card and ID numbers as a person does: in full-width digits, and card
numbers grouped with dots or slashes. The span is the original text's; the fix masks
the original characters."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext, lint_text
from tests.lintcases import one


@pytest.mark.parametrize(
    ("text", "code", "span", "fixed"),
    [
        (
            "您的卡号４１１１１１１１１１１１１１１１已绑定。",
            "AC202",
            "４１１１１１１１１１１１１１１１",
            "您的卡号••••••••••••１１１１已绑定。",
        ),
        (
            "卡号：４１１１　１１１１　１１１１　１１１１",
            "AC202",
            "４１１１　１１１１　１１１１　１１１１",
            "卡号：••••　••••　••••　１１１１",
        ),
        (
            "Your card 4111.1111.1111.1111 is linked.",
            "AC202",
            "4111.1111.1111.1111",
            "Your card ••••.••••.••••.1111 is linked.",
        ),
        (
            "您的卡号4111/1111/1111/1111已绑定。",
            "AC202",
            "4111/1111/1111/1111",
            "您的卡号••••/••••/••••/1111已绑定。",
        ),
        (
            "Card ４１１１－１１１１－１１１１－１１１１ is linked.",
            "AC202",
            "４１１１－１１１１－１１１１－１１１１",
            "Card ••••－••••－••••－１１１１ is linked.",
        ),
        (
            "身份证号１１０１０５１９４９１２３１００２Ｘ已核实",
            "AC203",
            "１１０１０５１９４９１２３１００２Ｘ",
            "身份证号••••••••••••••００２Ｘ已核实",
        ),
        (
            "ID １１０１０５１９４９１２３１００２ｘ verified.",
            "AC203",
            "１１０１０５１９４９１２３１００２ｘ",
            "ID ••••••••••••••００２ｘ verified.",
        ),
    ],
)
def test_full_width_and_dotted_numbers_are_found_and_masked_in_place(
    text: str, code: str, span: str, fixed: str
) -> None:
    assert one(text, code) == ("error", span, fixed)


def test_offsets_after_a_full_width_number_stay_the_texts() -> None:
    text = "卡号４１１１１１１１１１１１１１１１，卡号 4111.1111.1111.1111。"
    spans = [text[f.start : f.end] for f in lint_text(text, LintContext()) if f.code == "AC202"]
    assert spans == ["４１１１１１１１１１１１１１１１", "4111.1111.1111.1111"]


@pytest.mark.parametrize(
    "text",
    [
        "您的订单号４１１１１１１１１１１１１１１２已收到。",  # fails Luhn
        "Order 4111.1111.1111.1112 received.",  # fails Luhn
        "订单号 4111/1111/1111/1112",
        "身份证号１１０１０５１９４９１２３１００２１已核实",  # wrong check digit
        "ID 110105.19491231.002X verified.",  # not how an ID number is written
        "版本 4.1.1.1 已发布，金额 1111.11 元。",
        "Transaction TXN４１１１１１１１１１１１１１１１ is complete.",  # part of an id
    ],
)
def test_near_misses_are_not_numbers_to_mask(text: str) -> None:
    codes = {f.code for f in lint_text(text, LintContext())}
    assert not codes & {"AC202", "AC203"}
