"""AC3xx: template leftovers are errors; ⟦blanks⟧ are left alone in a canned fragment."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext
from tests.lintcases import found, one


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("王小明您好，您的单号是{{ ticket.ref }}。", "{{ ticket.ref }}"),
        ("{% if vip %}尊贵的客户{% endif %}", "{% if vip %}"),
        (
            "Dear {{ customer.name | default: 'customer' }},",
            "{{ customer.name | default: 'customer' }}",
        ),
        ("Dear {{ customer.name,", "{{"),
    ],
)
def test_template_leftovers_are_errors(text: str, span: str) -> None:
    findings = found(text, "AC301")
    assert findings[0].severity == "error"
    assert text[findings[0].start : findings[0].end] == span


def test_leftover_message_names_the_text() -> None:
    (zh,) = found("您的单号是{{ ticket.ref }}。", "AC301")
    (en,) = found("Your reference is {{ ticket.ref }}.", "AC301")
    assert zh.message == "回复中留有未填写的模板内容：{{ ticket.ref }}"
    assert en.message == "The reply still has template text in it: {{ ticket.ref }}"


@pytest.mark.parametrize(
    ("text", "span", "message"),
    [
        ("请核对交易号⟦交易号⟧后回复。", "⟦交易号⟧", "空白“交易号”尚未填写。"),
        (
            "Your transaction ⟦transaction id⟧ was refunded.",
            "⟦transaction id⟧",
            'The blank "transaction id" is not filled in.',
        ),
    ],
)
def test_unfilled_blanks_are_errors(text: str, span: str, message: str) -> None:
    assert one(text, "AC302") == ("error", span, None)
    assert found(text, "AC302")[0].message == message


@pytest.mark.parametrize(
    "text",
    [
        "您的单号是 T-1A2B3C4D，金额为 {100} 元。",
        'Your JSON was {"a": 1} and the set {x}.',
        "交易号为 TXN849334189245。",
        "The transaction id is [TXN849334189245].",
    ],
)
def test_braces_and_brackets_are_not_leftovers(text: str) -> None:
    assert found(text, "AC301") == [] and found(text, "AC302") == []


def test_a_fragment_keeps_its_blanks_but_not_its_variables() -> None:
    text = "您的交易⟦交易号⟧，{{ ticket.ref }}"
    ctx = LintContext(fragment=True)
    assert found(text, "AC302", ctx) == []
    assert len(found(text, "AC301", ctx)) == 1
