"""Events as mail: what the Events folder holds, and everything else a hostile or
foreign message could be, refused with a reason and never raised."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from email import message_from_bytes

import pytest

from agentconsole.store.remote_events import LogEvent
from agentconsole.sync.event_codec import CONTENT_TYPE, MAX_EVENTS, Refused, decode, encode

EVENT = LogEvent(
    uuid="0190f5e2-7a3b-7c4d-8e5f-0123456789ab",
    kind="assignee",
    at=1_800_000_000,
    actor="李娜",
    origin="a721ef4efe5bb395a0e2e9a8b3d5481c",
    ticket_ref="T-7K3QX9PA",
    customer_key="wang@example.com",
    message_key="00ff",
    data={"from": None, "to": "李娜", "note": "提现"},
)


def test_an_event_goes_through_mail_unchanged() -> None:
    raw = encode([EVENT, EVENT], now=0)
    assert decode(raw) == [EVENT, EVENT]
    message = message_from_bytes(raw)
    assert message.get_content_type() == CONTENT_TYPE
    assert message["Content-Transfer-Encoding"] == "base64"
    assert message["Subject"] == "agentconsole 2 event(s): assignee T-7K3QX9PA"
    assert message["Message-ID"] == f"<{EVENT.uuid}.events@agentconsole.invalid>"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78  # any server keeps it
    assert raw.isascii()


def test_nothing_an_event_says_reaches_a_header() -> None:
    hostile = LogEvent(
        uuid="x\r\nBcc: evil@example.com",
        kind="tag_added\r\nX-Evil: 1",
        at=1,
        actor="eve\r\nSubject: owned",
        origin="o\nTo: victim@example.com",
        ticket_ref="T-\r\nX: y",
    )
    head = encode([hostile], now=0).split(b"\r\n\r\n")[0]
    names = [line.split(b":")[0] for line in head.split(b"\r\n")]
    assert names == [
        b"From",
        b"To",
        b"Date",
        b"Message-ID",
        b"Subject",
        b"MIME-Version",
        b"Content-Type",
        b"Content-Transfer-Encoding",
        b"X-AgentConsole-Log",
        b"X-AgentConsole-Origin",
    ]
    assert b"Message-ID: <xBccevilexample.com.events@agentconsole.invalid>" in head
    assert b"owned" not in head  # the actor is in the body only


def test_an_actor_with_control_characters_is_sent_cleaned() -> None:
    event = replace(EVENT, actor="li\x1b]0;x\x07na")
    decoded = decode(encode([event]))
    assert isinstance(decoded, list) and decoded[0].actor == "li ]0;x na"


def _fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        name: getattr(EVENT, name)
        for name in (
            "uuid",
            "kind",
            "at",
            "actor",
            "origin",
            "ticket_ref",
            "customer_key",
            "message_key",
            "data",
        )
    }
    fields.update(changes)
    return fields


def _message(body: bytes, *, content_type: str = CONTENT_TYPE, cte: str = "base64") -> bytes:
    payload = base64.encodebytes(body) if cte == "base64" else body
    return (
        f"From: x@example.com\r\nContent-Type: {content_type}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + payload


def _batch(*events: dict[str, object], v: object = 1) -> bytes:
    return _message(json.dumps({"v": v, "events": list(events)}).encode())


GOOD = _fields()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b"From: a@b\r\nSubject: hello\r\n\r\nhi\r\n",
            "not an agentconsole event (Content-Type text/plain)",
        ),
        (_message(b"{}", cte="7bit"), "not a base64 body"),
        (_message(b"\xff\xfe not json"), "the body is not base64 JSON"),
        (_message(b"[" * 100_000), "the body is not base64 JSON"),
        (_batch(GOOD, v=2), "unknown version"),
        (_message(b'{"v": 1, "events": {}}'), "no list of 1 to 1000 events"),
        (_message(b'{"v": 1, "events": []}'), "no list of 1 to 1000 events"),
        (_batch(*[GOOD] * (MAX_EVENTS + 1)), "no list of 1 to 1000 events"),
        (_batch(GOOD, "text"), "event 2: not an object"),
        (_batch({**GOOD, "uuid": "42"}), "event 1: uuid is malformed"),
        (_batch({**GOOD, "kind": "Drop Table"}), "event 1: kind is malformed"),
        (_batch({**GOOD, "at": True}), "event 1: at is not a time"),
        (_batch({**GOOD, "at": -5}), "event 1: at is not a time"),
        (_batch({**GOOD, "actor": "x\x1b[2J"}), "event 1: actor holds control characters"),
        (_batch({**GOOD, "actor": "x" * 400}), "event 1: actor is not a short text"),
        (_batch({**GOOD, "origin": "../../etc"}), "event 1: origin is malformed"),
        (_batch({**GOOD, "ticket_ref": "T-42"}), "event 1: ticket_ref is malformed"),
        (_batch({**GOOD, "message_key": "zz"}), "event 1: message_key is malformed"),
        (_batch({**GOOD, "data": [1]}), "event 1: data is not an object"),
        (_batch({**GOOD, "data": {"x": "y" * 100_000}}), "event 1: data is too large"),
        (b"x" * (3 * 1024 * 1024), "too large (3145728 bytes)"),
    ],
)
def test_a_foreign_or_malformed_message_is_refused_with_its_reason(raw: bytes, reason: str) -> None:
    assert decode(raw) == Refused(reason)


def test_mime_nested_a_thousand_deep_is_refused_not_raised() -> None:
    head = b""
    for depth in range(1000):
        head += f'Content-Type: multipart/mixed; boundary="b{depth}"\r\n\r\n--b{depth}\r\n'.encode()
    outcome = decode(head)
    assert isinstance(outcome, Refused)
    assert outcome.reason.startswith(("unreadable message", "not an agentconsole event"))


def test_a_batch_of_the_largest_size_is_read() -> None:
    decoded = decode(encode([EVENT] * MAX_EVENTS))
    assert isinstance(decoded, list) and len(decoded) == MAX_EVENTS


def test_encode_refuses_an_empty_or_oversized_batch() -> None:
    with pytest.raises(ValueError, match="1 to 1000 events"):
        encode([])
    with pytest.raises(ValueError, match="1 to 1000 events"):
        encode([EVENT] * (MAX_EVENTS + 1))
