"""Every byte of mail is hostile: each of these must parse without raising, and say
whether the result is ok, degraded or quarantined."""

from __future__ import annotations

import base64
import time

from agentconsole.mail.parse import parse_message
from tests.mailfactory import mail, word


def test_plain_message_is_ok() -> None:
    parsed = parse_message(mail(body="您好，提现失败 withdrawal failed"))
    assert parsed.status == "ok"
    assert parsed.body_text.strip() == "您好，提现失败 withdrawal failed"
    assert parsed.from_addr == "wang@example.com" and parsed.from_name == "Wang Fang"
    assert parsed.message_id == "m1@example.com"


def test_no_date_is_degraded_not_rejected() -> None:
    parsed = parse_message(mail(date=None))
    assert parsed.status == "degraded" and parsed.date is None
    assert parsed.problems == ["no valid Date header"]


def test_no_date_falls_back_to_received() -> None:
    raw = mail(date=None, headers=["Received: from x by y; Tue, 06 Oct 2026 08:00:00 +0000"])
    parsed = parse_message(raw)
    assert parsed.date == 1791273600  # 2026-10-06 08:00:00 UTC, from the Received line
    assert (parsed.status, parsed.problems) == ("degraded", ["no valid Date header"])


def test_from_without_domain() -> None:
    parsed = parse_message(mail(sender="alice@"))
    assert parsed.status == "degraded" and parsed.from_addr == ""


def test_unknown_charset_is_decoded_by_guess() -> None:
    raw = mail(body="提现失败", charset="gb18030", cte="8bit").replace(b"gb18030", b"x-klingon")
    parsed = parse_message(raw)
    assert parsed.status == "degraded"
    assert "提现失败" in parsed.body_text


def test_broken_boundary() -> None:
    raw = (
        b"From: a@b.c\nSubject: x\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XYZ"\n\n--XYZ\nContent-Type: text/plain\n\n'
        b"hello inside\n--XY\n"
    )
    parsed = parse_message(raw)
    assert parsed.status == "degraded"
    assert "hello inside" in parsed.body_text


def test_mime_nested_a_thousand_deep() -> None:
    depth = 1000
    head = b"From: a@b.c\nSubject: deep\nMIME-Version: 1.0\n"
    parts = []
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n'.encode())
    raw = head + b"".join(parts) + b"Content-Type: text/plain\n\ncore text\n"
    started = time.monotonic()
    parsed = parse_message(raw)
    assert time.monotonic() - started < 5
    assert parsed.status == "degraded"
    assert parsed.subject == "deep"


def test_fifty_thousand_parts_are_capped_quickly() -> None:
    part = b"--B\nContent-Type: text/plain\n\nx\n"
    raw = (
        b"From: a@b.c\nSubject: many\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n' + part * 50_000 + b"--B--\n"
    )
    started = time.monotonic()
    parsed = parse_message(raw)
    assert time.monotonic() - started < 3
    assert parsed.status == "degraded"


def test_thirty_megabyte_attachment() -> None:
    blob = base64.encodebytes(b"\x00" * (30 * 1024 * 1024))
    raw = (
        b"From: a@b.c\nSubject: big\nDate: Mon, 05 Oct 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\n'
        b"see attached\n--B\nContent-Type: application/pdf; name=big.pdf\n"
        b"Content-Disposition: attachment; filename=big.pdf\n"
        b"Content-Transfer-Encoding: base64\n\n" + blob + b"--B--\n"
    )
    parsed = parse_message(raw)
    assert parsed.status == "ok"
    assert parsed.attachments[0].filename == "big.pdf"
    assert abs(parsed.attachments[0].size - 30 * 1024 * 1024) < 1024


def test_twenty_thousand_recipients() -> None:
    to = ", ".join(f"user{i}@example.com" for i in range(20_000))
    parsed = parse_message(mail(to=to))
    assert parsed.recipients_total == 20_000
    assert len(parsed.to) == 200
    assert parsed.status == "degraded"


def test_encoded_word_with_crlf_and_escape_is_kept_as_text() -> None:
    parsed = parse_message(mail(subject=word("Refund\r\nBcc: v@x\x1b]0;t\x07")))
    assert parsed.subject.startswith("Refund")  # shown safely by textsafe at display time


def test_display_name_that_is_an_address() -> None:
    parsed = parse_message(mail(sender='"support@okwallet.example" <x@evil.test>'))
    assert parsed.from_addr == "x@evil.test"


def test_html_only_mail_becomes_text_without_scripts() -> None:
    raw = mail(
        body="<html><head><script>alert(1)</script><style>p{}</style></head>"
        "<body><p>Charged <b>twice</b></p><a href='https://evil.example'>okwallet.example</a>"
        "<img src='https://t.example/p.png' alt='logo'></body></html>"
    )
    raw = raw.replace(b"text/plain", b"text/html")
    parsed = parse_message(raw)
    assert "Charged twice" in parsed.body_text
    assert "alert" not in parsed.body_text
    assert "<https://evil.example>" in parsed.body_text  # the real link target is shown
    assert parsed.has_html


def test_quoted_printable_gbk() -> None:
    import quopri

    body = quopri.encodestring("提现失败".encode("gbk")).decode()
    raw = (
        mail(body="x", cte="8bit")
        .replace(b"charset=utf-8", b"charset=GBK")
        .replace(
            b"Content-Transfer-Encoding: 8bit\n\nx",
            b"Content-Transfer-Encoding: quoted-printable\n\n" + body.encode(),
        )
    )
    assert "提现失败" in parse_message(raw).body_text


def test_not_mail_at_all_is_quarantined() -> None:
    parsed = parse_message(b"\x00\x01\x02 garbage \xff\xfe")
    assert parsed.status == "quarantined"


def test_empty_input_is_quarantined() -> None:
    assert parse_message(b"").status == "quarantined"


def test_attachment_with_encoded_chinese_filename() -> None:
    raw = (
        b"From: a@b.c\nSubject: s\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\nhi\n'
        b'--B\nContent-Type: image/png\nContent-Disposition: attachment; filename="'
        + word("截图.png").encode()
        + b'"\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--B--\n'
    )
    parsed = parse_message(raw)
    assert parsed.attachments[0].filename == "截图.png"


def test_a_base64_attachment_size_is_its_decoded_size_with_padding() -> None:
    for content in (b"1234567", b"12345678", b"123456789", b"x"):
        encoded = base64.b64encode(content).decode()
        raw = (
            "From: a@example.com\r\nTo: support@example.com\r\nSubject: file\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            "--b\r\nContent-Type: application/octet-stream\r\n"
            'Content-Disposition: attachment; filename="f.bin"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--b--\r\n"
        ).encode()
        [attachment] = parse_message(raw).attachments
        assert (attachment.filename, attachment.size) == ("f.bin", len(content))
