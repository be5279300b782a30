"""A reply as RFC 5322 bytes, built by the stdlib ``email`` package.

``EmailMessage`` with ``policy.SMTP`` does the encoding that hand-written headers get
wrong: RFC 2047 encoded words for Chinese names and subjects, RFC 2231 parameters for
Chinese attachment file names, CRLF line ends, folding. What this module adds is what
makes a reply land in the customer's thread (``In-Reply-To`` and ``References`` from
the message answered, exact as it sent them), a ``Message-ID`` on our own domain, and
the checks that keep hostile or mistyped text out of the header block (see
:mod:`agentconsole.compose.addresses`). ``Auto-Submitted`` is never set: a person
wrote this, and an auto-responder on the other side must answer it.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from agentconsole.compose.addresses import address_list, body_text, header_text, parse_address
from agentconsole.compose.errors import ComposeError
from agentconsole.files import FileRefused, read_limited, regular_size, size_text
from agentconsole.limits import MAX_ATTACHMENT_BYTES, MAX_MAIL_BYTES, MAX_RECIPIENTS

MAX_REFERENCES = 20
"""References kept from the answered message (RFC 5322 suggests trimming the middle;
mail programs need the first and the last few to thread)."""
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """A file to attach, as it was when checked: shown with its size in the pane."""

    path: Path
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class Outgoing:
    """Everything a reply's bytes are made from. ``in_reply_to`` and ``references``
    are Message-IDs in angle brackets, as the answered message carried them."""

    from_name: str
    from_addr: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    automatic: bool = False
    """An automatic acknowledgement, marked ``Auto-Submitted: auto-replied`` (RFC 3834)
    so that other robots do not answer it; a human reply never carries the header."""


def check_attachment(path_text: str) -> AttachmentFile:
    """The file at ``path_text`` if it can be attached; ComposeError naming it if it is
    missing, a directory, not a regular file (a device, a pipe), unreadable, empty or
    too large. Never a silent skip."""
    path = Path(path_text).expanduser()
    try:
        size = regular_size(path, MAX_ATTACHMENT_BYTES, "an attachment")
    except FileRefused as exc:
        raise ComposeError(str(exc)) from None
    except FileNotFoundError:
        raise ComposeError(f"{path}: no such file to attach") from None
    except IsADirectoryError:
        raise ComposeError(f"{path}: is a directory, not a file to attach") from None
    except OSError as exc:
        raise ComposeError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise ComposeError(f"{path}: is empty, nothing to attach")
    kind, encoding = mimetypes.guess_type(path.name)
    if kind is None or encoding is not None:
        kind = "application/octet-stream"
    return AttachmentFile(path, path.name, size, kind)


def check_mail_size(size: int) -> None:
    """ComposeError when a mail of ``size`` bytes is more than servers accept."""
    if size > MAX_MAIL_BYTES:
        raise ComposeError(
            f"the mail is too large to send: {human_size(size)} with its attachments"
            f" (at most {size_text(MAX_MAIL_BYTES)} in all)"
        )


def human_size(size: int) -> str:
    """``812 B``, ``14.2 KB``, ``3.1 MB``: the size shown next to an attachment."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _read(attachment: AttachmentFile) -> bytes:
    try:
        return read_limited(attachment.path, MAX_ATTACHMENT_BYTES, "an attachment")
    except FileRefused as exc:
        raise ComposeError(str(exc)) from None
    except OSError as exc:
        raise ComposeError(f"{attachment.path}: cannot be read ({exc.strerror or exc})") from None


def message_id_domain(from_addr: str) -> str:
    """The domain our Message-IDs are made on: the sending address's."""
    return parse_address(from_addr).domain


def answered_ids(raw: bytes) -> tuple[str | None, tuple[str, ...]]:
    """(Message-ID, References) of a stored message, exactly as its sender wrote them
    (the store keeps them lower-cased for matching; a reply must repeat them as they
    were, since mail programs compare them exactly)."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)

    def ids(name: str) -> list[str]:
        values = headers.get_all(name) or []
        return [found for value in values for found in _MSGID.findall(str(value))]

    own = ids("Message-ID")
    return (own[0] if own else None), tuple(ids("References"))


def thread_references(answered_id: str | None, answered_refs: Sequence[str]) -> tuple[str, ...]:
    """The References of a reply: the answered message's, then its own id; when too
    long the first (the thread's root) and the latest are kept."""
    refs = [ref for ref in answered_refs if ref != answered_id]
    if answered_id:
        refs.append(answered_id)
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]
    return tuple(refs)


def _one_id(value: str) -> str:
    """A Message-ID fit for a header: ``<left@right>`` and nothing else (no space, no
    line break that could start a header of its own)."""
    if not _MSGID.fullmatch(value):
        raise ComposeError(f"{header_text(value)[:80]!r} is not a Message-ID")
    return value


def build_email(
    mail: Outgoing, *, now: float | None = None, message_id: str | None = None
) -> EmailMessage:
    """The reply as an ``EmailMessage`` (``policy.SMTP``); ComposeError when an address
    does not parse or an attachment cannot be read."""
    sender = parse_address(mail.from_addr)
    to = address_list(mail.to)
    cc = address_list(mail.cc)
    if len(to) + len(cc) > MAX_RECIPIENTS:
        raise ComposeError(
            f"too many recipients: {len(to) + len(cc)} in To and Cc"
            f" (at most {MAX_RECIPIENTS} in one reply)"
        )
    attachments = [check_attachment(path) for path in mail.attachments]
    check_mail_size(len(mail.body.encode()) + sum(a.size for a in attachments))
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(
        display_name=header_text(mail.from_name), username=sender.username, domain=sender.domain
    )
    if to:
        message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = header_text(mail.subject)
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    if mail.in_reply_to:
        message["In-Reply-To"] = _one_id(mail.in_reply_to)
    if mail.references:
        message["References"] = " ".join(_one_id(ref) for ref in mail.references)
    if mail.automatic:
        message["Auto-Submitted"] = "auto-replied"
    # 7-bit clean on the wire: some relays and Sent folders still mangle 8-bit bodies.
    body = body_text(mail.body)
    message.set_content(body, cte="quoted-printable" if body.isascii() else "base64")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            _read(attachment),
            maintype=maintype,
            subtype=subtype,
            filename=header_text(attachment.name),
        )
    return message


def email_bytes(message: EmailMessage) -> bytes:
    """The exact bytes to send (CRLF line ends, as SMTP wants them)."""
    return message.as_bytes(policy=policy.SMTP)
