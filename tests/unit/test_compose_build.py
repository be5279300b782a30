"""A new draft filled in from the thread: recipients, subject, greeting, signature, quote."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from agentconsole.compose.build import new_draft, reply_language, reply_subject
from agentconsole.compose.checks import lint_draft
from agentconsole.compose.errors import ComposeError
from agentconsole.store.drafts import Draft
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import SUPPORT, ingest, mail, make_config, word

ZH = mail(
    sender=f"{word('王小明')} <xm@example.cn>",
    to=f"{SUPPORT}, {word('李华')} <lihua@example.cn>",
    subject="回复：提现未到账",
    body=(
        "您好，我的提现三天了还没到账。卡号 6222 0212 3456 7890 128，验证码 482913。\n"
        "\n在 2026-10-01，OKWallet 写道：\n> 我们已收到您的来信\n"
    ),
    msgid="<zh1@example.cn>",
)
EN = mail(
    sender="Ann Lee <ann@example.org>",
    to=SUPPORT,
    subject="RE: Re: Card declined",
    body="Hi, my card payment was declined twice today. Order 5521.",
    msgid="<en1@example.org>",
)


def draft_text(
    conn: sqlite3.Connection, raw: bytes, mode: str = "reply", **config: object
) -> Draft:
    ingest(conn, [raw])
    return new_draft(conn, 1, mode, make_config(**config), canned_text="正文")


def test_a_chinese_reply_greets_the_whole_name_and_quotes_masked(conn: sqlite3.Connection) -> None:
    draft = draft_text(conn, ZH, agent_name="林小姐")
    ref = get_ticket(conn, 1).ref
    assert draft.to == ("王小明 <xm@example.cn>",)
    assert draft.cc == ()
    assert draft.subject == f"Re: 提现未到账 [{ref}]"
    assert draft.answers_message_id == 1
    assert draft.body == (
        "您好，王小明：\n\n正文\n\n祝好！\n林小姐\nOKWallet 客服\n\n"
        "在 2026-10-05 02:00 UTC，王小明 <xm@example.cn> 写道：\n"
        "> 您好，我的提现三天了还没到账。卡号 •••• •••• •••• •••• 128，验证码 ••••••。\n"
    )


def test_an_english_reply_says_dear_and_keeps_re_once(conn: sqlite3.Connection) -> None:
    draft = draft_text(conn, EN, signature="Lin Wei\nOKWallet Support, +852 0000 0000")
    ref = get_ticket(conn, 1).ref
    assert draft.subject == f"Re: Card declined [{ref}]"
    assert draft.body.startswith("Dear Ann Lee,\n\n正文\n\nLin Wei\nOKWallet Support, +852")
    assert "On 2026-10-05 02:00 UTC, Ann Lee <ann@example.org> wrote:\n> Hi, my card" in draft.body


def test_reply_all_copies_the_others_but_never_us(conn: sqlite3.Connection) -> None:
    draft = draft_text(conn, ZH, "reply_all", from_address="help@okwallet.example")
    assert draft.to == ("王小明 <xm@example.cn>",)
    assert draft.cc == ("李华 <lihua@example.cn>",)


def test_forward_starts_with_nobody_and_the_message_below(conn: sqlite3.Connection) -> None:
    draft = draft_text(conn, EN, "forward")
    assert (draft.to, draft.cc) == ((), ())
    assert draft.subject.startswith("Fwd: Card declined [T-")
    assert "---------- Forwarded message ----------\nFrom: Ann Lee <ann@example.org>" in draft.body
    assert not draft.body.startswith("Dear")


def test_a_note_has_no_recipients_greeting_or_quote(conn: sqlite3.Connection) -> None:
    draft = draft_text(conn, EN, "note")
    assert (draft.to, draft.cc, draft.body, draft.answers_message_id) == ((), (), "正文", None)


def test_a_text_with_its_own_greeting_and_signature_gets_no_second(
    conn: sqlite3.Connection,
) -> None:
    ingest(conn, [EN])
    text = "Dear Ann Lee,\n\nSorry for the trouble.\n\nlin\nOKWallet Support"
    draft = new_draft(conn, 1, "reply", make_config(), canned_text=text)
    assert draft.body.startswith(text + "\n\nOn 2026-10-05")


@pytest.mark.parametrize(
    ("text", "ending"),
    [
        (
            "Your card works again.",
            "Your card works again.\n\nKind regards,\nlin\nOKWallet Support",
        ),
        ("您的卡已恢复。", "您的卡已恢复。\n\n祝好！\nlin\nOKWallet 客服"),
        # The agent's own thanks or closing is not followed by a second one.
        ("Your card works again.\n\nBest wishes,", "Best wishes,\n\nlin\nOKWallet Support"),
        ("您的卡已恢复。\n感谢您的耐心！", "感谢您的耐心！\n\nlin\nOKWallet 客服"),
    ],
)
def test_the_default_signature_closes_in_the_replys_language(
    conn: sqlite3.Connection, text: str, ending: str
) -> None:
    ingest(conn, [EN])
    draft = new_draft(conn, 1, "reply", make_config(), canned_text=text)
    assert draft.body.split("\n\nOn 2026-10-05")[0].endswith(ending)
    assert [f.code for f in lint_draft(draft, conn, make_config()) if f.code == "AC103"] == []


def test_a_configured_signature_gets_no_closing_added(conn: sqlite3.Connection) -> None:
    ingest(conn, [EN])
    config = make_config(signature="Lin\nOKWallet")
    draft = new_draft(conn, 1, "reply", config, canned_text="Your card works again.")
    assert draft.body.startswith("Dear Ann Lee,\n\nYour card works again.\n\nLin\nOKWallet\n\n")


def test_an_unknown_mode_is_refused(conn: sqlite3.Connection) -> None:
    ingest(conn, [EN])
    with pytest.raises(ComposeError, match="unknown draft mode 'bcc'"):
        new_draft(conn, 1, "bcc", make_config())


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: RE: 回复：Withdrawal", "Re: Withdrawal [T-7K3QX9PA]"),
        ("Withdrawal [T-7K3QX9PA]", "Re: Withdrawal [T-7K3QX9PA]"),
        ("Re: [t-7k3qx9pa] Withdrawal", "Re: [t-7k3qx9pa] Withdrawal"),
        ("", "Re: [T-7K3QX9PA]"),
        ("Hi\r\nBcc: x@y.example", "Re: Hi Bcc: x@y.example [T-7K3QX9PA]"),
    ],
)
def test_reply_subjects(subject: str, expected: str) -> None:
    assert reply_subject(subject, "T-7K3QX9PA", "reply") == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("我的OTP码收不到", "zh"),
        ("Please help, 谢谢", "en"),
        ("提现一直失败 withdrawal", "zh"),
        ("", "en"),
    ],
)
def test_reply_language(text: str, lang: str) -> None:
    assert reply_language(text) == lang


def test_a_hostile_name_never_reaches_a_header_or_the_greeting_raw(
    conn: sqlite3.Connection,
) -> None:
    from email import policy
    from email.parser import BytesParser

    from agentconsole.compose.send import outgoing_message

    name = word("Eve\r\nBcc: evil")
    hostile = mail(sender=f"{name} <eve@example.org>")
    ingest(conn, [hostile])
    draft = new_draft(conn, 1, "reply", make_config(), canned_text="History: none.")
    assert draft.body.startswith("Dear Eve Bcc: evil,\n")
    sent = BytesParser(policy=policy.default).parsebytes(
        outgoing_message(conn, draft, make_config()).raw
    )
    assert sent["Bcc"] is None
    assert [a.addr_spec for a in sent["To"].addresses] == ["eve@example.org"]


def test_a_name_that_is_an_address_is_not_greeted(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(sender='"support@yourbank.example" <x@evil.example>', body="Hi there")])
    draft = new_draft(conn, 1, "reply", make_config(), canned_text="Thanks.")
    assert draft.body.startswith("Dear customer,\n")


def test_a_forward_is_not_held_to_the_customer_courtesy_rules(conn: sqlite3.Connection) -> None:
    """A forward goes to a colleague: no greeting to the customer by name, no thanks
    or closing, no way to reach us (AC101-AC104) is asked of it; a reply still is."""
    ingest(conn, [EN])
    config = make_config()
    forward = new_draft(conn, 1, "forward", config, canned_text="please check the card, bo")
    bare = replace(forward, body="please check the card, bo")
    assert [f.code for f in lint_draft(bare, conn, config) if f.code.startswith("AC10")] == []
    reply = replace(bare, mode="reply")
    codes = [f.code for f in lint_draft(reply, conn, config) if f.code.startswith("AC10")]
    assert codes == ["AC101", "AC103", "AC104"]
    chinese = replace(bare, body="请同事帮忙查一下这张卡的状态。")  # the customer wrote English
    assert "AC801" not in [f.code for f in lint_draft(chinese, conn, config)]
    assert "AC801" in [f.code for f in lint_draft(replace(chinese, mode="reply"), conn, config)]
