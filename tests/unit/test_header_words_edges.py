"""Encoded words at the edges that keep a header readable: an RFC 2231 language suffix
on the charset, base64 with stray characters, a word too short to decode (kept as it
was, with the problem said); and the bounce check of a report with no Content-Type."""

from __future__ import annotations

from agentconsole.mail.classify import classify
from agentconsole.mail.headers import decode_header


def test_the_language_suffix_of_a_charset_is_dropped_at_its_first_star() -> None:
    assert decode_header("=?utf-8*en?Q?caf=C3=A9?=") == ("café", None)
    assert decode_header("=?utf-8*en*us?Q?caf=C3=A9?=") == ("café", None)


def test_base64_with_stray_characters_still_decodes() -> None:
    assert decode_header("=?utf-8?B?5L2g.5aW9?=") == ("你好", None)
    assert decode_header("=?utf-8?B?5L2g5aW9?= and =?utf-8?b?5L2g5aW9?=") == ("你好 and 你好", None)


def test_a_word_too_short_to_decode_is_kept_and_the_problem_said() -> None:
    assert decode_header("Hi =?utf-8?B?YWJjZ?=") == ("Hi YWJjZ", "broken encoded word")


def test_a_report_without_its_content_type_header_is_no_delivery_status() -> None:
    """The part type says multipart/report but the header map has no Content-Type (it
    came from elsewhere): still classified, as the auto-reply a report is."""
    assert classify({}, "multipart/report", "alice@example.org", "Re: hi") == (
        "auto_reply",
        "multipart/report",
    )
    headers = {"content-type": 'multipart/report; report-type="Delivery-Status"'}
    assert classify(headers, "multipart/report", "alice@example.org", "Re: hi") == (
        "bounce",
        "multipart/report delivery-status",
    )
