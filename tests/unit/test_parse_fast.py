"""The single-part fast path builds exactly the message the stdlib's parser builds.

A difference would change what is stored for a message and, worse, its content digest
and so its dedupe key: a message imported before and after would then be stored twice.
So the fast path is compared with ``BytesParser(policy=compat32)`` on the generated
corpus, the hostile messages and hand-made edge cases, header by header and byte by
byte of the payload, and each case the fast path must leave to the stdlib is named.
"""

from __future__ import annotations

import base64
import pickle
from email import policy
from email.message import Message
from email.parser import BytesParser
from itertools import islice

import pytest

from agentconsole.config import default_identifier_patterns
from agentconsole.ingest.prepare import prepare
from agentconsole.mail.parse import parse_message, single_part
from agentconsole.mail.sources import Provenance
from agentconsole.refs import message_ref
from tests.corpus import BASE, CorpusBuilder, hostile_messages
from tests.mailfactory import mail


def _stdlib(raw: bytes) -> Message:
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _same(fast: Message, slow: Message) -> None:
    assert fast._headers == slow._headers  # type: ignore[attr-defined]
    assert fast.get_payload() == slow.get_payload()
    assert fast.get_payload(decode=True) == slow.get_payload(decode=True)
    assert fast.defects == slow.defects == []
    assert fast.get_unixfrom() is None and slow.get_unixfrom() is None


EDGE_CASES = [
    mail(),
    mail(cte="8bit", charset="gb18030", body="您好，提现失败"),
    mail(cte="quoted-printable", body="caf=C3=A9"),
    b"From: a@b.c\r\nSubject: crlf\r\n\r\nbody line\r\nsecond\r\n",
    b"From: a@b.c\r\nSubject: mixed\n\r\nbody\n",
    b"From: a@b.c\nSubject: folded\n  over two lines\n\tand a tab\nTo: x@y.z\n\nbody",
    b"From: a@b.c\nSubject:\n continued only\n\nbody",
    b"From: a@b.c\nSubject:   spaces kept at the end   \n\nbody   \n",
    b"From: a@b.c\nX-Empty:\n\n",
    b"From: a@b.c\nSubject: \xe6\x8f\x90\xe7\x8e\xb0 raw 8-bit\n\n\xb2\xe2\xca\xd4 gb bytes\n",
    b"From: a@b.c\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n<p>hi</p>",
    b"From: a@b.c\nSubject: x\nContent-Type: application/pdf\n"
    b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n",
    b"From: a@b.c\nSubject: x\nContent-Type: nonsense\n\nbody",
    b"From: a@b.c\nSubject: form feed \x0c and \x1c kept\n\nbody\x0b\x1e\n",
    b"From: a@b.c\nSubject: body has blank lines\n\n\n\nbody\n\n\n",
    b"Subject: x\nFrom: a@b.c\n\r\nblank line is CRLF after LF headers\n",
]

LEFT_TO_THE_STDLIB = {
    "empty": b"",
    "blank first line": b"\nFrom: a@b.c\n\nbody",
    "continuation first": b" folded: x\nFrom: a@b.c\n\nbody",
    "envelope From line": b"From someone Mon Oct  5 10:00:00 2026\nFrom: a@b.c\n\nbody",
    "no blank line": b"From: a@b.c\nSubject: headers only\n",
    "bare CR": b"From: a@b.c\rSubject: x\n\nbody",
    "not a header": b"From: a@b.c\nthis is no header\n\nbody",
    "no header name": b"From: a@b.c\n: nameless\n\nbody",
    "space before colon": b"From: a@b.c\nSubject : x\n\nbody",
    "multipart": b'From: a@b.c\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n\nx\n--b--\n',
    "multipart without boundary": b"From: a@b.c\nContent-Type: multipart/mixed\n\nx\n",
    "embedded message": b"From: a@b.c\nContent-Type: message/rfc822\n\nFrom: c@d.e\n\ninner\n",
    "delivery status": b"From: a@b.c\nContent-Type: message/delivery-status\n\nAction: failed\n",
}


@pytest.mark.parametrize("raw", EDGE_CASES)
def test_fast_path_builds_the_stdlib_message(raw: bytes) -> None:
    fast = single_part(raw)
    assert fast is not None, raw
    _same(fast, _stdlib(raw))


@pytest.mark.parametrize("case", sorted(LEFT_TO_THE_STDLIB))
def test_what_the_fast_path_leaves_to_the_stdlib(case: str) -> None:
    raw = LEFT_TO_THE_STDLIB[case]
    assert single_part(raw) is None
    parse_message(raw)  # and the whole parser still copes (never raises)


def test_fast_path_matches_the_stdlib_on_a_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every single-part message of a generated corpus (plain, GB2312, Big5, HTML,
    attachments, auto-replies, bounces) and of the hostile set, and the whole parse
    result of every message, with and without the fast path."""
    corpus = list(islice(CorpusBuilder(seed=5).corpus(threads=400, span_days=60), 600))
    corpus += hostile_messages(BASE)
    fast_count = 0
    for raw in corpus:
        fast = single_part(raw)
        if fast is not None:
            fast_count += 1
            _same(fast, _stdlib(raw))
    assert fast_count > len(corpus) // 2  # the fast path is the common case
    with_fast = [parse_message(raw) for raw in corpus]
    monkeypatch.setattr("agentconsole.mail.parse.single_part", lambda raw: None)
    assert [parse_message(raw) for raw in corpus] == with_fast


def test_prepared_messages_cross_to_the_writer_intact() -> None:
    """Workers pickle what they prepared and the writer unpickles it: every field,
    the parsed message's and the message's own ref included, comes back equal."""
    patterns = default_identifier_patterns()
    where = Provenance(kind="eml", path="x.eml")
    raws = [
        *islice(CorpusBuilder(seed=8).corpus(threads=40, span_days=10), 60),
        b"\x00\x01 not mail at all",
    ]
    for raw in raws:
        prepared = prepare(raw, where, patterns)
        again = pickle.loads(pickle.dumps(prepared, pickle.HIGHEST_PROTOCOL))
        assert again == prepared
        assert again.ref == message_ref(prepared.parsed.message_id, prepared.dedupe_key)


@pytest.mark.parametrize("multipart", [True, False])
def test_a_text_part_too_large_to_read_is_kept_as_an_attachment(multipart: bool) -> None:
    """Over 1 MB, a large base64 payload is elided before parsing; a text part that was
    elided is then kept as an attachment, fast path or not (the parser looks for the
    marker only when something was elided)."""
    body = base64.encodebytes(("line of text 提现\n" * 80_000).encode())
    part = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
    head = b"From: a@b.c\nSubject: big\nDate: Mon, 05 Oct 2026 10:00:00 +0800\n"
    if multipart:
        raw = (
            head
            + b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\n--XX\n'
            + part
            + body
            + b"--XX\nContent-Type: text/plain\n\nsmall part\n--XX--\n"
        )
    else:
        raw = head + part + body
        assert single_part(raw) is not None
    parsed = parse_message(raw)
    assert parsed.problems == ["a text/plain part too large to read: kept as an attachment"]
    assert [(a.filename, a.size) for a in parsed.attachments] == [
        ("(unnamed)", len(("line of text 提现\n" * 80_000).encode()))
    ]
    assert parsed.body_text == ("small part" if multipart else "")
