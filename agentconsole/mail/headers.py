"""Header decoding that survives what real and hostile mail puts in headers.

The stdlib's ``policy=default`` header objects are slow and raise on inputs such as
``From: alice@`` (IndexError) or an unknown charset in an encoded word; ``compat32``
is fast but hands back raw 8-bit bytes as surrogate escapes. So the parser reads raw
header strings and this module decodes them itself: raw 8-bit bytes by charset
detection, RFC 2047 encoded words with a tolerant decoder, addresses and dates with
fallbacks. Every function returns something usable and never raises.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import quopri
import re
from datetime import UTC, datetime

from agentconsole.mail.charsets import decode_bytes

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")
_FOLD = re.compile(r"\r?\n[ \t]+")
_MSGID = re.compile(r"<([^<>\s]+)>")
# One mailbox in the common shapes: "Name" <a@b>, Name <a@b>, =?..?= <a@b>, a@b.
_ONE_ADDRESS = re.compile(
    r'^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>",;:@\\]*?))\s*<([^<>\s,;:"@]+@[^<>\s,;:"@]+)>\s*$'
    r'|^\s*([^<>\s,;:"@]+@[^<>\s,;:"@]+)\s*$'
)


def raw_to_str(value: str) -> str:
    """Turn a compat32 raw header (8-bit bytes as surrogates) into real text."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("ascii", "surrogateescape")
        return decode_bytes(data).text


def _decode_word(charset: str, encoding: str, payload: str) -> tuple[str, str | None]:
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    try:
        if encoding in "bB":
            padded = payload + "=" * (-len(payload) % 4)
            data = base64.b64decode(padded, validate=False)
        else:
            data = quopri.decodestring(
                payload.replace("_", " ").encode("ascii", "replace"), header=False
            )
    except (binascii.Error, ValueError):
        return payload, "broken encoded word"
    decoded = decode_bytes(data, charset)
    return decoded.text, decoded.problem


def decode_header(value: str | None) -> tuple[str, str | None]:
    """Decode a header value to text; also return a problem description if any.

    Adjacent encoded words are joined (RFC 2047 says the space between them is not
    text), each word is decoded on its own so one bad charset does not spoil the rest.
    """
    if value is None:
        return "", None
    text = _FOLD.sub(" ", raw_to_str(str(value)))
    if "=?" not in text:
        return text, None
    text = _BETWEEN_WORDS.sub(r"\1\2", text)
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        word, problem = _decode_word(match.group(1), match.group(2), match.group(3))
        if problem:
            problems.append(problem)
        return word

    decoded = _ENCODED_WORD.sub(replace, text)
    return decoded, (problems[0] if problems else None)


def parse_addresses(value: str | None, limit: int = 200) -> tuple[list[tuple[str, str]], int]:
    """Return up to ``limit`` (display name, address) pairs and the total count.

    Addresses are lower-cased; a name is decoded from encoded words. Garbage that has no
    ``@`` is dropped. A header with 20,000 recipients is cut, not choked on.
    """
    if not value:
        return [], 0
    text = _FOLD.sub(" ", raw_to_str(str(value)))
    single = _ONE_ADDRESS.match(text)
    if single:  # the stdlib's address parser is a large part of parsing time
        quoted, plain, addr, bare = single.groups()
        if bare:
            return [("", bare.lower())], 1
        name = quoted.replace('\\"', '"') if quoted is not None else (plain or "")
        return [(decode_header(name)[0].strip(), addr.lower())], 1
    try:
        pairs = email.utils.getaddresses([text])
    except Exception:  # the stdlib has raised IndexError/ValueError on hostile input
        pairs = [("", part) for part in text.split(",")]
    result: list[tuple[str, str]] = []
    total = 0
    for name, addr in pairs:
        addr = addr.strip().strip("<>").lower()
        if "@" not in addr or addr.startswith("@"):
            continue
        total += 1
        if len(result) < limit:
            result.append((decode_header(name)[0].strip(), addr))
    return result, total


_ANGLE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def parse_sender(value: str | None) -> tuple[str, str]:
    """The (display name, address) of a From header, never fooled by a display name
    that looks like an address: in ``support@bank.example <x@evil.test>`` the sender is
    x@evil.test, whatever the stdlib's lenient parser would make of it."""
    if not value:
        return "", ""
    text = _FOLD.sub(" ", raw_to_str(str(value)))
    angle = _ANGLE.search(text)
    if angle and len(_ANGLE.findall(text)) == 1:
        name = text[: angle.start()].strip().strip('"').strip()
        return decode_header(name)[0].strip(), angle.group(1).lower()
    pairs, _ = parse_addresses(text, limit=1)
    return pairs[0] if pairs else ("", "")


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 5322 date (or something close) into an aware UTC datetime."""
    if not value:
        return None
    text = _FOLD.sub(" ", raw_to_str(str(value))).strip()
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        result = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not 1980 <= result.year <= 2100:
        return None
    return result


def message_ids(value: str | None, limit: int = 100) -> list[str]:
    """Return the message ids in a header (``<id>`` forms), newest reference last."""
    if not value:
        return []
    found = _MSGID.findall(raw_to_str(str(value)))
    if not found:
        bare = raw_to_str(str(value)).strip()
        found = [bare] if bare and " " not in bare and "@" in bare else []
    return [mid.lower() for mid in found[-limit:]]


_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|sv|vs|antw|r|tr|wg)\s*(?:\[\d+\])?\s*[:：]|"
    r"(?:回复|回覆|答复|转发|轉寄|转寄|答覆)\s*[:：]|\[[^\]]*\]\s*)\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def normalise_subject(subject: str) -> str:
    """Strip reply/forward prefixes (English, German, Chinese; full-width colons) and
    bracketed tags such as our own ``[T-42]``, then fold case and white space, so that
    a customer's "RE: 回复：Withdrawal" matches their first "Withdrawal"."""
    text = subject
    while True:
        stripped = _SUBJECT_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return _SPACES.sub(" ", text).strip().casefold()


def to_epoch(moment: datetime) -> int:
    """Seconds since the epoch: the store keeps instants as integers, UTC."""
    return int(moment.timestamp())
