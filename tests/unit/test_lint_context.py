"""The one lint context of a ticket: the name greeted (or not, when it is hostile), the
customer's language, the reply-time target."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.lint.context import greeting_name, ticket_context
from agentconsole.store.compose_reads import message_to_answer
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import ingest, mail, make_config, word


@pytest.mark.parametrize(
    ("name", "greeted"),
    [
        ("王小明", "王小明"),
        ('"Ann  Lee"', "Ann Lee"),
        ("Ann\tLee\r\n", "Ann Lee"),
        ("Liam\x1bScott", ""),
        ("Ann\x07", ""),
        ("Ann\u202eeeL", ""),  # a bidi override
        ("An\u200bn", ""),  # a zero-width space
        ("{{ ticket.ref }} {% raw %}", ""),
        ("Ann }}", ""),
        ("⟦name⟧", ""),
        ("ann@example.org", ""),
    ],
)
def test_a_name_is_greeted_only_when_it_is_a_plain_name(name: str, greeted: str) -> None:
    assert greeting_name(name) == greeted


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("您好，我的提现三天了还没到账，请帮忙查一下。", "zh"),
        ("Hello, my withdrawal has not arrived after three days.", "en"),
        ("我担心账户被盗。I worry my account was hacked, please check it now.", None),
    ],
)
def test_the_customers_language_is_that_of_their_last_message(
    conn: sqlite3.Connection, body: str, lang: str | None
) -> None:
    ingest(conn, [mail(sender=f"{word('Ann Lee')} <ann@example.org>", body=body)])
    config = make_config(reply_target_hours=48)
    context = ticket_context(
        get_ticket(conn, 1), message_to_answer(conn, 1), config, subject="Re: x"
    )
    assert (context.customer_name, context.customer_lang) == ("Ann Lee", lang)
    assert (context.first_response_hours, context.subject) == (48.0, "Re: x")
    assert context.ticket_ref == get_ticket(conn, 1).ref
    forward = ticket_context(
        get_ticket(conn, 1), message_to_answer(conn, 1), config, to_customer=False
    )
    assert (forward.customer_name, forward.customer_lang) == ("", None)
