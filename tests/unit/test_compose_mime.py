"""Replies as RFC 5322 bytes: parsed back with the stdlib, header by header."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from agentconsole.compose.addresses import formatted, header_text, parse_addresses
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.mime import (
    MAX_REFERENCES,
    Outgoing,
    answered_ids,
    build_email,
    check_attachment,
    email_bytes,
    human_size,
    thread_references,
)

NOW = 1_790_000_000.0


def parsed(mail: Outgoing, **options: object) -> EmailMessage:
    raw = email_bytes(build_email(mail, now=NOW, **options))  # type: ignore[arg-type]
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def reply(**changes: object) -> Outgoing:
    base: dict[str, object] = {
        "from_name": "Lin",
        "from_addr": "support@okwallet.example",
        "to": ("王小明 <xm@example.cn>",),
        "cc": (),
        "subject": "Re: 提现未到账 [T-1A2B3C4D]",
        "body": "您好，王小明：\n\n您的提现已处理。\n",
    }
    base.update(changes)
    return Outgoing(**base)  # type: ignore[arg-type]


def test_headers_round_trip_with_chinese_names_and_subject() -> None:
    message = parsed(
        reply(
            cc=("Ann Lee <ann@example.org>",),
            in_reply_to="<Orig.1@Example.CN>",
            references=("<root@example.cn>", "<Orig.1@Example.CN>"),
        )
    )
    assert str(message["From"]) == "Lin <support@okwallet.example>"
    assert message["To"].addresses[0].display_name == "王小明"
    assert message["To"].addresses[0].addr_spec == "xm@example.cn"
    assert str(message["Cc"]) == "Ann Lee <ann@example.org>"
    assert str(message["Subject"]) == "Re: 提现未到账 [T-1A2B3C4D]"
    assert str(message["In-Reply-To"]) == "<Orig.1@Example.CN>"
    assert str(message["References"]) == "<root@example.cn> <Orig.1@Example.CN>"
    assert str(message["Message-ID"]).endswith("@okwallet.example>")
    assert message["Date"].datetime.timestamp() == NOW
    assert message["Auto-Submitted"] is None
    body = message.get_body(("plain",))
    assert body is not None  # text lines end in CRLF on the wire, as RFC 5322 wants
    assert body.get_content().splitlines() == ["您好，王小明：", "", "您的提现已处理。"]


def test_non_ascii_headers_are_encoded_words_on_the_wire() -> None:
    raw = email_bytes(build_email(reply(), now=NOW))
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert raw.isascii()  # 7-bit clean: the body is base64
    assert b"=?utf-8?" in head
    assert "王小明".encode() not in head
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_chinese_attachment_filename_is_encoded_and_decodes(tmp_path: Path) -> None:
    statement = tmp_path / "交易记录 2026.pdf"
    statement.write_bytes(b"%PDF-1.4 statement")
    raw = email_bytes(build_email(reply(attachments=(str(statement),)), now=NOW))
    assert "交易记录".encode() not in raw
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "交易记录 2026.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == b"%PDF-1.4 statement"


def test_crlf_in_the_subject_never_becomes_a_header() -> None:
    message = parsed(reply(subject="Hello\r\nBcc: evil@x.example"))
    assert message["Bcc"] is None
    assert str(message["Subject"]) == "Hello Bcc: evil@x.example"


def test_crlf_in_an_address_is_refused_with_its_text() -> None:
    with pytest.raises(ComposeError) as caught:
        build_email(reply(to=("x\r\nBcc: evil@x",)))
    assert str(caught.value) == "x Bcc: evil@x is not an e-mail address"


def test_crlf_in_the_sender_name_is_folded() -> None:
    message = parsed(reply(from_name="Lin\r\nBcc: evil@x.example"))
    assert message["Bcc"] is None
    assert str(message["From"]) == '"Lin Bcc: evil@x.example" <support@okwallet.example>'


@pytest.mark.parametrize("text", ["foo bar", "a@", "@b.example", "ann@localhost", "a b@c.example"])
def test_an_address_that_does_not_parse_is_refused(text: str) -> None:
    with pytest.raises(ComposeError) as caught:
        build_email(reply(to=(text,)))
    assert str(caught.value) == f"{text} is not an e-mail address"


def test_a_forged_message_id_is_refused() -> None:
    with pytest.raises(ComposeError) as caught:
        build_email(reply(in_reply_to="<a@b>\r\nBcc: evil@x"))
    assert str(caught.value) == "'<a@b> Bcc: evil@x' is not a Message-ID"


def test_several_addresses_in_one_field_and_duplicates_dropped() -> None:
    message = parsed(reply(to=("a@x.example, B <b@x.example>", "A@X.example")))
    assert [a.addr_spec for a in message["To"].addresses] == ["a@x.example", "b@x.example"]


def test_formatted_addresses_read_as_typed() -> None:
    assert formatted("王小明", "xm@example.cn") == "王小明 <xm@example.cn>"
    assert formatted("Lee, Ann", "ann@x.example") == '"Lee, Ann" <ann@x.example>'
    assert formatted("", "ann@x.example") == "ann@x.example"
    assert [a.display_name for a in parse_addresses('"Lee, Ann" <ann@x.example>')] == ["Lee, Ann"]
    assert header_text(" a\r\n\tb\x1b ") == "a b"


def test_attachment_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    with pytest.raises(ComposeError) as caught:
        build_email(reply(attachments=(str(missing),)))
    assert str(caught.value) == f"{missing}: no such file to attach"
    with pytest.raises(ComposeError) as caught:
        check_attachment(str(tmp_path))
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file to attach"
    inside_a_file = tmp_path / "note.txt" / "x.pdf"
    (tmp_path / "note.txt").write_text("x")
    with pytest.raises(ComposeError) as caught:
        check_attachment(str(inside_a_file))
    assert str(caught.value) == f"{inside_a_file}: cannot be read (Not a directory)"


def test_attachment_size_is_shown() -> None:
    assert human_size(812) == "812 B"
    assert human_size(14_540) == "14.2 KB"
    assert human_size(3_250_586) == "3.1 MB"


def test_references_keep_the_root_and_the_latest() -> None:
    refs = tuple(f"<r{i}@x.example>" for i in range(40))
    result = thread_references("<last@x.example>", refs)
    assert len(result) == MAX_REFERENCES
    assert result[0] == "<r0@x.example>"
    assert result[-1] == "<last@x.example>"
    assert result[-2] == "<r39@x.example>"
    assert thread_references("<a@x>", ()) == ("<a@x>",)


def test_answered_ids_keep_the_senders_case() -> None:
    raw = (
        b"From: a@x.example\r\nMessage-ID: <AbC.1@X.example>\r\n"
        b"References: <Root@X.example>\r\n  <Mid@X.example>\r\n\r\nhi\r\n"
    )
    assert answered_ids(raw) == ("<AbC.1@X.example>", ("<Root@X.example>", "<Mid@X.example>"))
