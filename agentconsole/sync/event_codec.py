"""Events as mail: the messages of the shared ``AgentConsole/Events`` folder.

A message carries a small batch of events as JSON (``{"v": 1, "events": [...]}``),
base64-encoded under ``Content-Type: application/vnd.agentconsole.event+json``, so
any mail server stores it unchanged (short lines, 7-bit). The folder is writable by
anyone holding the mailbox password and may hold anything, so reading is strict: a
message that is not ours, too large, malformed or of an unknown version is refused
with a reason (:class:`Refused`), never an exception. Headers hold fixed text and values
cut down to ``[A-Za-z0-9._-]``: nothing an event says can reach them
(docs/design/team-log.md).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import compat32
from email.utils import formatdate
from typing import Any

from agentconsole.store.remote_events import LogEvent

CONTENT_TYPE = "application/vnd.agentconsole.event+json"
VERSION = 1
MAX_EVENTS = 1000
"""Events in one message at most (``log_seq`` keeps 1024 positions per UID)."""
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
MAX_DATA_BYTES = 96 * 1024
"""An event's data at most (a note travels with its bytes, up to 48 KiB)."""
MAX_TEXT = 320
SENDER = "agentconsole <events@agentconsole.invalid>"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KIND = re.compile(r"[a-z][a-z_]{0,39}")
_ORIGIN = re.compile(r"[0-9A-Za-z._-]{1,64}")
_REF = re.compile(r"T-[0-9A-Z]{8,40}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,256}")
_HEADER_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Refused:
    """A message of the folder that is not a batch of events we can read, and why."""

    reason: str


def _header_value(text: str) -> str:
    return _HEADER_SAFE.sub("", text)[:60]


def _as_json(event: LogEvent) -> dict[str, Any]:
    return {
        "uuid": event.uuid,
        "kind": event.kind,
        "at": event.at,
        "actor": _CONTROL.sub(" ", event.actor)[:MAX_TEXT],
        "origin": event.origin,
        "ticket_ref": event.ticket_ref,
        "customer_key": event.customer_key,
        "message_key": event.message_key,
        "data": event.data,
    }


def encode(events: Sequence[LogEvent], *, now: float | None = None) -> bytes:
    """The RFC 5322 message carrying ``events`` (1 to :data:`MAX_EVENTS`)."""
    if not 0 < len(events) <= MAX_EVENTS:
        raise ValueError(f"a message carries 1 to {MAX_EVENTS} events")
    first = events[0]
    body = json.dumps(
        {"v": VERSION, "events": [_as_json(e) for e in events]},
        ensure_ascii=True,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("ascii")
    encoded = base64.encodebytes(body).replace(b"\n", b"\r\n")
    subject = f"agentconsole {len(events)} event(s): {_header_value(first.kind)}"
    if first.ticket_ref:
        subject += f" {_header_value(first.ticket_ref)}"
    headers = [
        f"From: {SENDER}",
        f"To: {SENDER}",
        f"Date: {formatdate(now, localtime=False)}",
        f"Message-ID: <{_header_value(first.uuid)}.events@agentconsole.invalid>",
        f"Subject: {subject}",
        "MIME-Version: 1.0",
        f"Content-Type: {CONTENT_TYPE}",
        "Content-Transfer-Encoding: base64",
        f"X-AgentConsole-Log: {VERSION}",
        f"X-AgentConsole-Origin: {_header_value(first.origin)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + encoded


def decode(raw: bytes) -> list[LogEvent] | Refused:
    """The events a message of the folder carries, or why it is refused."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return Refused(f"too large ({len(raw)} bytes)")
    try:
        message = BytesParser(policy=compat32).parsebytes(raw)
        content_type = message.get_content_type()
        encoding = str(message.get("Content-Transfer-Encoding", "")).strip().lower()
        payload = message.get_payload()
    except Exception as exc:  # the stdlib parser raises many kinds on hostile input
        return Refused(f"unreadable message ({type(exc).__name__})")
    if content_type != CONTENT_TYPE:
        shown = re.sub(r"[^a-z0-9./+_-]", "", content_type)[:60]
        return Refused(f"not an agentconsole event (Content-Type {shown})")
    if encoding != "base64" or not isinstance(payload, str):
        return Refused("not a base64 body")
    try:
        body = json.loads(base64.b64decode(payload.encode("ascii"), validate=False))
    except (binascii.Error, UnicodeError, ValueError, RecursionError):
        return Refused("the body is not base64 JSON")
    if not isinstance(body, dict) or body.get("v") != VERSION:
        return Refused("unknown version")
    items = body.get("events")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_EVENTS:
        return Refused("no list of 1 to 1000 events")
    events: list[LogEvent] = []
    for number, item in enumerate(items, 1):
        event = _event(item)
        if isinstance(event, Refused):
            return Refused(f"event {number}: {event.reason}")
        events.append(event)
    return events


class _Bad(ValueError):
    """One field of an event is unfit (turned into a :class:`Refused`)."""


def _text(value: object, name: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise _Bad(f"{name} is not a short text")
    if _CONTROL.search(value):
        raise _Bad(f"{name} holds control characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise _Bad(f"{name} is malformed")
    return value


def _optional(value: object, name: str, pattern: re.Pattern[str] | None) -> str | None:
    return None if value is None else _text(value, name, pattern)


def _event(item: object) -> LogEvent | Refused:
    if not isinstance(item, dict):
        return Refused("not an object")
    try:
        at, data = item.get("at"), item.get("data")
        if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at < 2**40:
            raise _Bad("at is not a time")
        if not isinstance(data, dict):
            raise _Bad("data is not an object")
        if len(json.dumps(data, ensure_ascii=False)) > MAX_DATA_BYTES:
            raise _Bad("data is too large")
        return LogEvent(
            uuid=_text(item.get("uuid"), "uuid", _UUID),
            kind=_text(item.get("kind"), "kind", _KIND),
            at=at,
            actor=_text(item.get("actor"), "actor"),
            origin=_text(item.get("origin"), "origin", _ORIGIN),
            ticket_ref=_optional(item.get("ticket_ref"), "ticket_ref", _REF),
            customer_key=_optional(item.get("customer_key"), "customer_key", None),
            message_key=_optional(item.get("message_key"), "message_key", _HEX),
            data=data,
        )
    except _Bad as exc:
        return Refused(str(exc))
