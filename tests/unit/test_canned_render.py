"""Rendering canned responses: variables with fallbacks, errors that name the variable
and its place in the file, blanks with their spans, and a template that cannot reach
files, attributes or unbounded loops. Customer data is inserted as text, never
rendered again."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.canned import CannedError, CannedResponse, render, template_values
from agentconsole.models import Customer, Ticket
from tests.mailfactory import make_config

PATH = Path("/canned/x.md")


def response(body: str, body_line: int = 8) -> CannedResponse:
    return CannedResponse(
        id="x",
        title="X",
        lang="zh",
        categories=("payment",),
        tags=(),
        keywords=(),
        body=body,
        path=PATH,
        origin="user",
        body_line=body_line,
    )


def ticket(**changes: object) -> Ticket:
    base: dict[str, object] = {
        "id": 7,
        "subject": "提现未到账",
        "status": "open",
        "priority": "high",
        "category": "withdrawal",
        "assignee": None,
        "customer_id": 3,
        "customer_name": "王小明",
        "customer_address": "wang@example.com",
        "created_at": 0,
        "updated_at": 0,
        "first_response_at": None,
        "last_customer_at": None,
        "last_agent_at": None,
        "last_message_at": None,
        "solved_at": None,
        "due_at": None,
        "message_count": 1,
        "derived_ref": "T-7K3QX9PA",
    }
    base.update(changes)
    return Ticket(**base)  # type: ignore[arg-type]


def test_variables_and_fallbacks() -> None:
    body = (
        '{{ customer.name | default: "客户" }}，工单 {{ ticket.ref }}（{{ ticket.subject }}），'
        '{{ sla.first_response_due | default: "24 小时内" }}。'
    )
    full = {"customer": {"name": "王小明"}, "ticket": {"ref": "T-1", "subject": "提现"}}
    assert render(response(body), full).text == "王小明，工单 T-1（提现），24 小时内。"
    some = {"ticket": {"ref": "T-1", "subject": "提现"}}
    assert render(response(body), some).text == "客户，工单 T-1（提现），24 小时内。"


def test_a_missing_value_without_a_default_names_variable_line_and_column() -> None:
    body = "第一行\n  请稍候，{{ agent.name }} 会联系您。"
    with pytest.raises(CannedError) as caught:
        render(response(body, body_line=8), {"ticket": {"ref": "T-1"}})
    assert str(caught.value) == (
        "/canned/x.md:9:10: agent.name has no value and no default (use agent.name | default: ...)"
    )
    assert caught.value.variable == "agent.name"
    assert (caught.value.line, caught.value.column) == (9, 10)


@pytest.mark.parametrize(
    ("body", "variable", "column"),
    [
        ("Hi {{ customer.nickname }}", "customer.nickname", 7),
        ("Hi {{ ticket.__class__ }}", "ticket.__class__", 7),
        ("Hi {{ customer }}", "customer", 7),
        ('Hi {{ secrets.token | default: "" }}', "secrets.token", 7),
    ],
)
def test_an_unknown_variable_is_refused_before_rendering(
    body: str, variable: str, column: int
) -> None:
    with pytest.raises(CannedError) as caught:
        render(response(body), {"customer": {"name": "Ann"}})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"/canned/x.md:8:{column}: unknown variable {variable} ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{% include "other" %}', "/canned/x.md:8:4: unexpected tag 'include'"),
        ('{% render "other" %}', "/canned/x.md:8:4: unexpected tag 'render'"),
        ("{{ ticket.ref | shout }}", "/canned/x.md:8:17: unknown filter shout"),
        ("{% if ticket.ref %}open", "/canned/x.md: expected tag endif, found end of expression"),
        ("{% blank %}", "/canned/x.md:8:4: missing expression"),
        (
            '{% blank "a⟦b" %}',
            "/canned/x.md:8:10: a blank's label is one line of 1 to 60 characters, without ⟦ ⟧",
        ),
        (
            "{% for i in (1..100000000) %}x{% endfor %}",
            "/canned/x.md:8:4: loop iteration limit reached",
        ),
    ],
)
def test_templates_cannot_read_files_or_run_away(body: str, message: str) -> None:
    with pytest.raises(CannedError) as caught:
        render(response(body), {"ticket": {"ref": "T-1"}})
    assert str(caught.value) == message


def test_customer_text_is_inserted_literally_never_rendered_again() -> None:
    body = "{{ customer.name }} / {{ ticket.subject }}"
    values = {
        "customer": {"name": "{{ ticket.ref }}{% raw %}"},
        "ticket": {"subject": "⟦x⟧ \ue000y\ue001"},
    }
    rendered = render(response(body), values)
    assert rendered.text == "{{ ticket.ref }}{% raw %} / ⟦x⟧ y"
    assert rendered.blanks == ()


def test_blanks_render_as_marked_spans_with_their_offsets() -> None:
    body = (
        '订单号：{% blank "交易号" %}，金额 {% blank "amount" %}。'
        '{{ customer.name | default: "您" }}'
    )
    rendered = render(response(body), {"customer": {"name": "Ann ⟦Lee⟧"}})
    assert rendered.text == "订单号：⟦交易号⟧，金额 ⟦amount⟧。Ann ⟦Lee⟧"
    assert rendered.blanks == ((4, 9, "交易号"), (13, 21, "amount"))
    for start, end, label in rendered.blanks:
        assert rendered.text[start:end] == f"⟦{label}⟧"


def test_template_values_for_a_ticket_and_customer() -> None:
    config = make_config(agent_name="李娜", from_address="help@okwallet.example")
    customer = Customer(id=3, name="王小明", created_at=0, last_contact_at=None)
    values = template_values(ticket(due_at=1_800_000_000), customer, config)
    assert values["customer"] == {"name": "王小明", "email": "wang@example.com"}
    assert values["ticket"] == {
        "ref": "T-7K3QX9PA",
        "subject": "提现未到账",
        "category": "withdrawal",
        "priority": "high",
    }
    assert values["agent"] == {"name": "李娜", "email": "help@okwallet.example"}
    sla = values["sla"]
    assert isinstance(sla, dict)
    assert set(sla) == {"first_response_due"}


def test_missing_values_are_absent_so_defaults_apply() -> None:
    config = make_config(agent_name="")
    values = template_values(ticket(customer_name="", customer_id=None, subject=" "), None, config)
    assert values["customer"] == {"email": "wang@example.com"}
    assert "subject" not in values["ticket"]  # type: ignore[operator]
    assert values["agent"] == {"email": "support@okwallet.example"}
    assert values["sla"] == {}
    body = '{{ customer.name | default: "客户" }} {{ agent.name | default: "客服团队" }}'
    assert render(response(body), values).text == "客户 客服团队"


def test_a_template_can_test_for_a_value_and_empty_counts_as_missing() -> None:
    body = (
        "{% if customer.name %}{{ customer.name }}{% else %}您{% endif %}"
        '好 {{ agent.name | default: "A" }}'
    )
    assert render(response(body), {"customer": {"name": "王小明"}}).text == "王小明好 A"
    assert render(response(body), {"customer": {}}).text == "您好 A"
    assert (
        render(response(body), {"customer": {"name": " "}, "agent": {"name": ""}}).text == "您好 A"
    )
    with pytest.raises(CannedError, match=r"x.md:8:4: customer.name has no value and no default"):
        render(response("{{ customer.name | upcase }}"), {"customer": {"name": ""}})
