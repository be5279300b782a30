"""The parser's fallbacks, asserted whole: a quarantined message's record, a message
too complex to walk read as raw text (and keyed on it), dates from Received lines."""

from __future__ import annotations

from agentconsole.ingest.prepare import content_key
from agentconsole.mail.parse import ParsedMessage, parse_message
from tests.mailfactory import mail

HEAD = (
    "From: a@example.com\nTo: s@x.example\nSubject: many\nDate: Mon, 05 Oct 2026 10:00:00 +0000\n"
    "Message-ID: <many@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n"
)
TOO_COMPLEX = "".join(
    f"--B\nContent-Type: text/plain\n\npart {i} boundary=x\n\n" for i in range(101)
)


def test_a_quarantined_message_is_a_preview_and_a_reason() -> None:
    raw = b"\x00\x01 not mail at all " + b"z" * 5000
    assert parse_message(raw) == ParsedMessage(
        message_id=None,
        in_reply_to=[],
        references=[],
        subject="",
        from_name="",
        from_addr="",
        to=[],
        cc=[],
        recipients_total=0,
        date=None,
        body_text=raw[:4000].decode(),
        has_html=False,
        attachments=[],
        auto_kind=None,
        auto_reason=None,
        bounce_refs=[],
        gmail_labels=[],
        status="quarantined",
        problems=["no mail headers found"],
    )


def test_a_message_too_complex_to_walk_is_read_as_raw_text() -> None:
    raw = (HEAD + "\n" + TOO_COMPLEX + "--B--\n").encode()
    parsed = parse_message(raw)
    assert (parsed.status, parsed.problems) == (
        "degraded",
        ["MIME structure too deep or too many parts: read as raw text"],
    )
    assert parsed.body_text == TOO_COMPLEX + "--B--\n"
    assert (parsed.subject, parsed.message_id, parsed.attachments) == ("many", "many@x", [])
    crlf = raw.replace(b"\n", b"\r\n")
    trailing = raw.replace(b"part 3 boundary=x\n", b"part 3 boundary=x   \n")
    assert content_key(crlf) == content_key(raw) == content_key(trailing)
    assert content_key(raw.replace(b"part 3 ", b"part 4 ")) != content_key(raw)


def test_headers_without_a_body_have_an_empty_raw_text() -> None:
    raw = (HEAD + "X-Note: boundary=y\n" * 101).encode()
    parsed = parse_message(raw)
    assert parsed.status == "degraded" and parsed.body_text == ""


def test_the_date_of_the_first_received_line_that_has_one() -> None:
    raw = mail(
        date=None,
        headers=[
            "Received: from relay.example by mx.example",
            "RECEIVED: from a (helo b; c) by d; Tue, 06 Oct 2026 08:00:00 +0000",
            "Received: from e by f; Wed, 07 Oct 2026 08:00:00 +0000",
        ],
    )
    parsed = parse_message(raw)
    assert parsed.date == 1791273600  # 2026-10-06 08:00 UTC
    assert parsed.problems == ["no valid Date header"]
