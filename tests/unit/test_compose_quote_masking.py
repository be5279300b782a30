"""The quoted customer message in a new reply masks every kind of sensitive value."""

from __future__ import annotations

import sqlite3

from agentconsole.compose.build import new_draft
from tests.mailfactory import SUPPORT, ingest, mail, make_config

SECRETS = mail(
    sender="Ruby Adams <ruby@example.org>",
    to=SUPPORT,
    subject="Card problem",
    body=(
        "card 4111.1111.1111.1111 and 4111/1111/1111/1111\n"
        "ID 110105 19491231 002X, cvv: 123, CVV2 456, 安全码 789\n"
        "卡号４１１１１１１１１１１１１１１１ 身份证１１０１０５１９４９１２３１００２Ｘ\n"
    ),
    msgid="<secrets@example.org>",
)


def test_the_quote_in_a_built_reply_is_masked(conn: sqlite3.Connection) -> None:
    ingest(conn, [SECRETS])
    draft = new_draft(conn, 1, "reply", make_config(), canned_text="Thanks")
    quote = draft.body[draft.body.index("Ruby Adams <ruby@example.org>") :]
    assert quote == (
        "Ruby Adams <ruby@example.org> 写道：\n"
        "> card ••••.••••.••••.1111 and ••••/••••/••••/1111\n"
        "> ID •••••• •••••••• ••••, cvv: •••, CVV2 •••, 安全码 •••\n"
        "> 卡号••••••••••••１１１１ 身份证••••••••••••••••••\n"
    )
    for secret in ("4111.1111", "4111/1111", "19491231", "123", "456", "789", "１９４９"):
        assert secret not in draft.body
