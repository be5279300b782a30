"""Parse one raw message into the fields the store needs, whatever the bytes are.

Speed and robustness decide the design. ``policy=compat32`` parses about five times
faster than ``policy=default`` and does not raise on header access, so the message is
parsed with it and headers are decoded by :mod:`agentconsole.mail.headers`. Messages
whose structure would make the stdlib recurse a thousand deep or walk fifty thousand
parts are detected by a cheap scan first and read as headers plus raw text instead.
Whatever happens, the result says ``ok``, ``degraded`` (with reasons) or
``quarantined`` (nothing usable); the raw bytes are stored by the caller either way.

Memory stays flat whatever the size of a message: in a message over
:data:`ELIDE_MIN_BYTES`, every large base64 payload is hashed in slices and replaced
by a one-line marker before the parser sees it (:func:`_elide`), so a 50 MB attachment
is never split into lines, decoded or copied. The marker carries the payload's size and
digest, which is all an import needs of an attachment (saving one reads the stored raw
message again).

Each message also gets a ``content_digest``: the digest of its decoded text parts
(line endings, trailing spaces and mbox ``>From`` quoting normalised) and of its
attachments' payloads. The same message from an mbox, a Maildir with other
``Received:`` lines and an IMAP server (CRLF) has the same digest; two different
messages that share a Message-ID do not.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser

from agentconsole.mail.charsets import decode_bytes
from agentconsole.mail.classify import classify
from agentconsole.mail.headers import (
    decode_header,
    message_ids,
    parse_addresses,
    parse_date,
    parse_sender,
    raw_to_str,
    to_epoch,
)
from agentconsole.mail.htmltext import html_to_text

MAX_BODY_CHARS = 200_000
MAX_PARTS = 500
MAX_DEPTH = 40
MAX_BOUNDARIES = 100
MAX_RECIPIENTS = 200
_PART_HEADER = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:", re.MULTILINE)
_EMBEDDED_MSGID = re.compile(r"^message-id:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_TRAILING_SPACE = re.compile(r"[ \t\r]+$", re.MULTILINE)
_TRAILING_SPACE_BYTES = re.compile(rb"[ \t\r]+$", re.MULTILINE)
_MBOX_QUOTED_FROM = re.compile(r"^>+(?=From )", re.MULTILINE)
_HEAD_LINES = re.compile(r"[^\n]*\n")
_NAMED_HEADER = re.compile(r"[\041-\071\073-\176]+:")

ELIDE_MIN_BYTES = 1024 * 1024
"""Messages larger than this have their large base64 payloads elided before parsing."""
ELIDE_RUN_BYTES = 64 * 1024
"""A base64 payload at least this large is hashed and elided instead of parsed."""
_B64_RUN = re.compile(rb"[A-Za-z0-9+/=\r\n]+")
_B64_CTE = re.compile(rb"content-transfer-encoding:[ \t]*\"?base64", re.IGNORECASE)
_SLICE = 1024 * 1024
_WHITESPACE = b" \t\r\n"
_ELIDED = "agentconsole-elided-" + secrets.token_hex(8)
"""The marker that stands for an elided payload. Random per process, so a message
cannot contain a forged one."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment's metadata; its content stays in the raw message."""

    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """What the importer keeps of a message besides its raw bytes."""

    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_name: str
    from_addr: str
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    recipients_total: int
    date: int | None
    body_text: str
    has_html: bool
    attachments: list[Attachment]
    auto_kind: str | None
    auto_reason: str | None
    bounce_refs: list[str]
    gmail_labels: list[str]
    status: str
    problems: list[str] = field(default_factory=list)
    content_digest: bytes = b""
    """Digest of the decoded text and the attachments' payloads (empty if quarantined)."""

    def __reduce__(self) -> tuple[type[ParsedMessage], tuple[object, ...]]:
        """Pickled as the constructor's arguments (see ``Prepared.__reduce__``)."""
        return ParsedMessage, tuple(getattr(self, name) for name in self.__slots__)


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse ``raw``; never raises (a message that defeats every path is quarantined)."""
    problems: list[str] = []
    size = len(raw)
    if size > ELIDE_MIN_BYTES:
        raw = _elide(raw)
    try:
        if _too_complex(raw):
            problems.append("MIME structure too deep or too many parts: read as raw text")
            msg = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
            return _build(msg, raw, problems, structured=False)
        msg = single_part(raw) or BytesParser(policy=policy.compat32).parsebytes(raw)
        return _build(msg, raw, problems, structured=True, elided=len(raw) != size)
    except RecursionError:
        problems.append("MIME nesting too deep: read as raw text")
    except Exception as exc:  # a hostile message may break the parser in new ways
        problems.append(f"parser failed ({type(exc).__name__}): read as raw text")
    try:
        msg = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        return _build(msg, raw, problems, structured=False)
    except Exception as exc:
        return quarantined(raw, f"unreadable message ({type(exc).__name__}: {exc})"[:200])


def single_part(raw: bytes) -> Message | None:
    """The message the stdlib's compat32 parser builds from ``raw``, built directly,
    when ``raw`` is a well-formed single-part message (most mail); else None.

    The stdlib's feed parser reads a message line by line through a generic state
    machine: for a single-part message that is most of the parsing time. Here the
    header block is split at its first blank line and each header stored raw
    (``set_raw``) exactly as ``policy.compat32.header_source_parse`` would, and the
    rest becomes the payload. Anything the feed parser would treat specially is left
    to it: an envelope ``From`` line, a bare CR, a line that is neither a header nor
    its continuation, a header without a name, no blank line, and multipart or
    ``message/*`` content (tests/unit/test_parse_fast.py compares both on a corpus)."""
    text = raw.decode("ascii", "surrogateescape")
    if not text or text[0] in "\r\n \t" or text.startswith("From "):
        return None
    lf, crlf = text.find("\n\n"), text.find("\n\r\n")
    end = lf if crlf < 0 or 0 <= lf < crlf else crlf
    if end < 0:
        return None
    head = text[: end + 1]
    if "\r" in head.replace("\r\n", ""):
        return None
    msg = Message(policy=policy.compat32)
    name, value = "", ""
    for line in _HEAD_LINES.findall(head):
        if line[0] in " \t":
            value += line
            continue
        if not _NAMED_HEADER.match(line):
            return None
        if name:
            msg.set_raw(name, value.rstrip("\r\n"))
        name, value = line.split(":", 1)
        value = value.lstrip(" \t")
    msg.set_raw(name, value.rstrip("\r\n"))
    if msg.get_content_maintype() in ("multipart", "message"):
        return None
    msg.set_payload(text[end + (2 if lf == end else 3) :])
    return msg


def _elide(raw: bytes) -> bytes:
    """``raw`` with every large base64 payload replaced by a marker line that carries
    its size and digest (see :func:`_payload_digest`); hashed in slices, never decoded.

    A candidate is a long run of base64 characters and line ends (one character class,
    so the regex engine keeps no state per line). It is elided only when it is a whole
    payload: it opens a part's body (a blank line just inside its start, a base64
    transfer encoding in the headers before it) and ends a line followed by a boundary
    or the end of the message."""
    pieces: list[bytes] = []
    done = 0
    for match in _B64_RUN.finditer(raw):
        run_start, end = match.span()
        if end - run_start < ELIDE_RUN_BYTES:
            continue
        start = _body_start(raw, run_start)
        if start < 0 or not (end == len(raw) or (raw[end - 1] == 10 and raw[end] == 45)):
            continue
        headers_from = max(raw.rfind(b"\n--", max(0, start - 4096), start), start - 4096, 0)
        if not _B64_CTE.search(raw, headers_from, start):
            continue
        digest = hashlib.sha256()
        stripped = 0
        tail = b""
        for offset in range(start, end, _SLICE):
            chunk = raw[offset : min(end, offset + _SLICE)].translate(None, _WHITESPACE)
            stripped += len(chunk)
            tail = (tail + chunk)[-2:]
            digest.update(chunk)
        size = max(0, stripped * 3 // 4 - tail.count(b"="))  # "=" pads; no bytes
        pieces.append(raw[done:start])
        pieces.append(f"{_ELIDED} {size} {digest.hexdigest()}\n".encode())
        done = end
    if not pieces:
        return raw
    pieces.append(raw[done:])
    return b"".join(pieces)


def _body_start(raw: bytes, run_start: int) -> int:
    """Where a part's body starts, if the blank line that opens it is near
    ``run_start`` (the run may begin with the end of the last header line); else -1."""
    window = raw[run_start : run_start + 512]
    found = [i for i in (window.find(b"\n\n"), window.find(b"\n\r\n")) if i >= 0]
    if not found:
        return -1
    first = min(found)
    return run_start + first + (2 if window[first + 1] == 10 else 3)


def _elided(payload: str) -> tuple[int, bytes] | None:
    """(decoded size, digest) of an elided payload, or None for an ordinary one."""
    if not payload.startswith(_ELIDED):
        return None
    _, length, digest = payload.split(None, 3)[:3]
    return int(length), bytes.fromhex(digest)


def _too_complex(raw: bytes) -> bool:
    """Cheap upper bounds first (``bytes.count`` runs at memory speed); the regexes
    only confirm on the rare message that might be a problem."""
    if raw.count(b"oundary") + raw.count(b"OUNDARY") > MAX_BOUNDARIES:
        if len(_BOUNDARY.findall(raw, 0, 4_000_000)) > MAX_BOUNDARIES:
            return True
    if raw.count(b"\n--") > MAX_PARTS:
        return len(_PART_HEADER.findall(raw)) > MAX_PARTS
    return False


def quarantined(raw: bytes, reason: str) -> ParsedMessage:
    """A message nothing could be read from: a preview of its bytes, and the reason."""
    preview = decode_bytes(raw[:4000]).text
    return ParsedMessage(
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
        body_text=preview,
        has_html=False,
        attachments=[],
        auto_kind=None,
        auto_reason=None,
        bounce_refs=[],
        gmail_labels=[],
        status="quarantined",
        problems=[reason],
    )


def _headers(msg: Message) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = raw_to_str(str(name)).strip().lower()
        if key not in result:
            result[key] = str(value)
    return result


def _build(
    msg: Message, raw: bytes, problems: list[str], structured: bool, elided: bool = False
) -> ParsedMessage:
    """The parsed message; ``elided`` says whether :func:`_elide` replaced payloads
    (only then can a text part be a marker, so only then is that looked for)."""
    headers = _headers(msg)
    if not headers or not _HEADER_LINE.match(raw.lstrip()[:1000]):
        return quarantined(raw, "no mail headers found")
    subject, problem = decode_header(headers.get("subject"))
    if problem:
        problems.append(f"subject: {problem}")
    from_name, from_addr = parse_sender(headers.get("from"))
    if not from_addr:
        problems.append("no usable From address")
        fallback = parse_sender(headers.get("sender") or headers.get("reply-to"))
        from_addr = fallback[1]
        from_name = from_name or fallback[0] or decode_header(headers.get("from"))[0].strip()
    to, to_total = parse_addresses(headers.get("to"), MAX_RECIPIENTS)
    cc, cc_total = parse_addresses(headers.get("cc"), MAX_RECIPIENTS)
    if to_total + cc_total > MAX_RECIPIENTS:
        problems.append(f"{to_total + cc_total} recipients: kept the first {MAX_RECIPIENTS}")
    moment = parse_date(headers.get("date"))
    if moment is None:
        problems.append("no valid Date header" if "date" not in headers else "unparsable Date")
        moment = _received_date(msg)
    content_type = _content_type(msg)
    digest = hashlib.sha256()
    if structured:
        body, has_html, attachments, bounce_refs = _walk(msg, problems, digest, elided)
    else:
        body, has_html, attachments, bounce_refs = _raw_text(raw), False, [], []
        digest.update(_normalised_bytes(_body_bytes(raw)))
    auto_kind, auto_reason = classify(headers, content_type, from_addr, subject)
    mids = message_ids(headers.get("message-id"), limit=1)
    return ParsedMessage(
        message_id=mids[0] if mids else None,
        in_reply_to=message_ids(headers.get("in-reply-to"), limit=5),
        references=message_ids(headers.get("references")),
        subject=subject.strip()[:1000],
        from_name=from_name[:200],
        from_addr=from_addr[:320],
        to=to,
        cc=cc,
        recipients_total=to_total + cc_total,
        date=to_epoch(moment) if moment else None,
        body_text=body,
        has_html=has_html,
        attachments=attachments,
        auto_kind=auto_kind,
        auto_reason=auto_reason,
        bounce_refs=bounce_refs,
        gmail_labels=_gmail_labels(headers.get("x-gmail-labels")),
        status="degraded" if problems else "ok",
        problems=problems,
        content_digest=digest.digest(),
    )


def _received_date(msg: Message) -> datetime | None:
    for name, value in msg.raw_items():
        if name.lower() == "received" and ";" in str(value):
            moment = parse_date(str(value).rsplit(";", 1)[1])
            if moment:
                return moment
    return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _parts(
    msg: Message, problems: list[str], embedded: list[str] | None = None
) -> Iterator[tuple[int, Message, str]]:
    """Every leaf part, depth first, numbered; the numbering is how an attachment is
    found again in the raw message when an agent saves it. The Message-IDs of embedded
    messages (a bounce's copy of the original) go to ``embedded``."""
    stack: list[tuple[Message, int]] = [(msg, 0)]
    index = 0
    while stack:
        part, depth = stack.pop()
        index += 1
        if index > MAX_PARTS:
            problems.append(f"more than {MAX_PARTS} MIME parts: the rest not read")
            return
        ctype = _content_type(part)
        for defect in part.defects:
            name = type(defect).__name__
            if "Boundary" in name or "Multipart" in name:
                problems.append(f"broken MIME structure ({name})")
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):  # is_multipart first: get_payload() decodes 8-bit text
            if depth >= MAX_DEPTH:
                problems.append(f"MIME nested deeper than {MAX_DEPTH}: inner parts not read")
                continue
            if embedded is not None and ctype in ("message/rfc822", "message/global"):
                for inner in payload:
                    if isinstance(inner, Message):
                        embedded.extend(message_ids(inner.get("message-id"), limit=1))
            stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
            continue
        yield index, part, ctype


def _is_attachment(part: Message, ctype: str) -> tuple[bool, str]:
    disposition = str(part.get("content-disposition", "")).lower()
    filename = ""
    if disposition or not ctype.startswith("text/") or "name" in str(part.get("content-type")):
        filename = _filename(part)
    if ctype in ("text/rfc822-headers", "message/delivery-status"):
        return False, filename
    return bool(
        filename or disposition.startswith("attachment") or not ctype.startswith("text/")
    ), filename


def attachment_payloads(raw: bytes) -> list[tuple[Attachment, bytes]]:
    """The attachments of a stored message with their decoded content, numbered as
    :func:`parse_message` numbered them."""
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    found: list[tuple[Attachment, bytes]] = []
    for index, part, ctype in _parts(msg, []):
        is_attachment, filename = _is_attachment(part, ctype)
        if not is_attachment:
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:
            data = None
        content = data if isinstance(data, bytes) else str(part.get_payload()).encode()
        found.append((Attachment(index, filename or "(unnamed)", ctype, len(content)), content))
    return found


def normalised_text(text: str) -> bytes:
    """Text as the content digest sees it: LF line ends, no trailing spaces, no mbox
    ``>From`` quoting, no blank lines around it."""
    text = _TRAILING_SPACE.sub("", text.replace("\r\n", "\n"))
    if "From " in text:
        text = _MBOX_QUOTED_FROM.sub("", text)
    return text.strip("\n").encode("utf-8", "surrogatepass")


def _normalised_bytes(data: bytes) -> bytes:
    return _TRAILING_SPACE_BYTES.sub(b"", data.replace(b"\r\n", b"\n")).strip(b"\n")


def _payload_digest(part: Message) -> tuple[bytes, int]:
    """Digest and size of an attachment's payload, without decoding base64 (the
    whitespace-free base64 text names the bytes as exactly as the bytes do)."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return hashlib.sha256(repr(payload).encode()).digest(), 0
    elided = _elided(payload)
    if elided is not None:
        return elided[1], elided[0]
    encoding = str(part.get("content-transfer-encoding", "")).strip().strip('"').lower()
    data = payload.encode("ascii", "surrogateescape")
    if encoding == "base64":
        stripped = data.translate(None, _WHITESPACE)
        padding = stripped[-2:].count(b"=")  # "=" pads the last group; no bytes
        return hashlib.sha256(stripped).digest(), max(0, len(stripped) * 3 // 4 - padding)
    return hashlib.sha256(_normalised_bytes(data)).digest(), len(payload)


def _walk(
    msg: Message, problems: list[str], digest: hashlib._Hash, elided: bool
) -> tuple[str, bool, list[Attachment], list[str]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    bounce_refs: list[str] = []
    for index, part, ctype in _parts(msg, problems, bounce_refs):
        if ctype == "text/rfc822-headers" or ctype == "message/delivery-status":
            text = _decode_part(part, problems)
            digest.update(hashlib.sha256(normalised_text(text)).digest())
            bounce_refs.extend(m.lower()[1:-1] for m in _EMBEDDED_MSGID.findall(text))
            continue
        is_attachment, filename = _is_attachment(part, ctype)
        if not is_attachment and elided and _elided(str(part.get_payload())):
            problems.append(f"a {ctype} part too large to read: kept as an attachment")
            is_attachment = True
        if is_attachment:
            part_digest, size = _payload_digest(part)
            digest.update(part_digest)
            attachments.append(Attachment(index, filename or "(unnamed)", ctype, size))
            continue
        text = _decode_part(part, problems)
        digest.update(hashlib.sha256(normalised_text(text)).digest())
        (html if ctype == "text/html" else plain).append(text)
    if plain:
        body = "\n\n".join(t for t in plain if t.strip())
    else:
        body = "\n\n".join(html_to_text(t) for t in html)
    if len(body) > MAX_BODY_CHARS:
        problems.append(f"body longer than {MAX_BODY_CHARS} characters: cut for display")
        body = body[:MAX_BODY_CHARS]
    return body, bool(html), attachments, list(dict.fromkeys(bounce_refs))


def _decode_part(part: Message, problems: list[str]) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        data = str(part.get_payload()).encode("utf-8", "surrogateescape")
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    decoded = decode_bytes(data, charset)
    if decoded.problem:
        problems.append(decoded.problem)
    return decoded.text


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return "(undecodable name)"
    if not name:
        return ""
    return decode_header(str(name))[0].strip()[:255]


def _body_bytes(raw: bytes) -> bytes:
    """What follows the header block (LF or CRLF line ends); nothing if there is none."""
    parts = _HEADER_END.split(raw, 1)
    return parts[1] if len(parts) == 2 else b""


def _raw_text(raw: bytes) -> str:
    body = _body_bytes(raw)
    return decode_bytes(body[:MAX_BODY_CHARS]).text


def _gmail_labels(value: str | None) -> list[str]:
    if not value:
        return []
    text = raw_to_str(value).replace("\r", "").replace("\n", "")
    labels: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            labels.append("".join(current))
            current = []
        else:
            current.append(char)
    labels.append("".join(current))
    skip = {"opened", "unread", "archived", "sent", "inbox", "important", ""}
    result = [label.strip().lower() for label in labels]
    return [label[:60] for label in dict.fromkeys(result) if label not in skip]
