"""The parallel half of an import: parse and enrich one message's bytes.

Runs in worker processes (the main process reads the bytes from the source and sends
them). Everything that depends only on the message itself happens here (parsing,
compression of the raw bytes, the deduplication key, full-text tokens, category and
identifier guesses) so the single writer process does nothing but threading and
inserts. Never raises: a failure becomes a quarantined message.

Test hook: when the environment variable ``AGENTCONSOLE_TEST_KILL_WORKER`` is set, a
worker process that is handed a message containing its value kills itself with
SIGKILL, as the OOM killer would. The tests use it to prove that an import survives a
dead worker; it is read only in worker processes, never in the main one.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from agentconsole.identifiers import find_identifiers
from agentconsole.ingest.enrich import guess_category
from agentconsole.mail.headers import normalise_subject
from agentconsole.mail.parse import ParsedMessage, parse_message, quarantined
from agentconsole.mail.quoting import own_text
from agentconsole.mail.sources import Provenance
from agentconsole.refs import message_ref
from agentconsole.sla.escalation_words import asks_for_supervisor
from agentconsole.store.cjk import index_text

KILL_HOOK_ENV = "AGENTCONSOLE_TEST_KILL_WORKER"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed message ready for the writer, with where it was seen."""

    where: Provenance
    size: int
    dedupe_key: bytes
    raw_compressed: bytes
    parsed: ParsedMessage
    fts_subject: str
    fts_sender: str
    fts_body: str
    category: str
    priority: str
    norm_subject: str
    identifiers: list[tuple[str, str]]
    to_json: str = "[]"
    cc_json: str = "[]"
    references_json: str = "[]"
    problems_json: str = "[]"
    ref: str = ""
    """The message's own derived ref (:func:`agentconsole.refs.message_ref`), hashed
    here rather than in the single writer process."""
    wants_supervisor: bool = False
    """The customer asks for a supervisor or a senior agent in their own words (not in
    what they quote): :func:`agentconsole.sla.escalation_words.asks_for_supervisor`,
    run here in the parse workers rather than in the single writer."""
    large_raw: SpooledRaw | None = None
    """A large message's compressed bytes in a temporary file, written into the store
    in slices after the writer stored the row with an empty ``raw_compressed``
    (binding a 40 MB blob makes SQLite hold three copies of it at once)."""

    @property
    def label(self) -> str:
        """Where the message was seen, in one line."""
        return self.where.label

    def __reduce__(self) -> tuple[type[Prepared], tuple[object, ...]]:
        """Pickled as the constructor's arguments: the single writer process unpickles
        every message the workers prepare, and this loads twice as fast as the
        per-field state that slotted dataclasses pickle by default."""
        return Prepared, tuple(getattr(self, name) for name in self.__slots__)


_PATTERNS: Mapping[str, Sequence[str]] = {}
_JSON = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(..., ensure_ascii=False)``, whose encoder ``json.dumps`` builds anew
for every call."""
_COMPRESS_SLICE = 1024 * 1024
LARGE_RAW_BYTES = 8 * 1024 * 1024
"""Messages over this size are prepared in the main process, their raw bytes spooled."""
_KILL_MARKER = b""


def init_worker(patterns: Mapping[str, Sequence[str]], *, in_pool: bool = False) -> None:
    """Pool initializer: the identifier patterns from the config (and, in a pool's
    worker only, the test hook described in the module's docstring)."""
    global _PATTERNS, _KILL_MARKER
    _PATTERNS = patterns
    if in_pool:
        _KILL_MARKER = os.environ.get(KILL_HOOK_ENV, "").encode()


def _compressed(raw: bytes) -> tuple[bytes, SpooledRaw | None]:
    """(``raw_compressed``, ``large_raw``) for :class:`Prepared`."""
    if len(raw) <= LARGE_RAW_BYTES:
        return zlib.compress(raw, 6), None
    return b"", SpooledRaw.compress(raw)


class SpooledRaw:
    """A large message's zlib-compressed bytes, kept in a temporary file (deleted when
    closed or collected) so that memory holds the raw message once and nothing more.
    Only made in the main process (:data:`LARGE_RAW_BYTES` is the size above which
    messages are not sent to workers), so it is never pickled."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.file = file
        self.size = size

    @classmethod
    def compress(cls, raw: bytes) -> SpooledRaw:
        compressor = zlib.compressobj(6)
        file = tempfile.TemporaryFile()
        view = memoryview(raw)
        for start in range(0, len(raw), _COMPRESS_SLICE):
            file.write(compressor.compress(view[start : start + _COMPRESS_SLICE]))
        file.write(compressor.flush())
        return cls(file, file.tell())

    def slices(self, size: int = _COMPRESS_SLICE) -> Iterator[bytes]:
        """The compressed bytes from the start, ``size`` at a time."""
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk


def dedupe_key(parsed: ParsedMessage, raw: bytes) -> bytes:
    """What makes two copies one message: the same content, not only the same labels.

    The key is the Message-ID with the digest of the decoded text and attachments
    (``c``), or, without a Message-ID, the identifying headers (From, Date, Subject,
    To) with that digest (``h``). So an mbox copy, a Maildir copy with other
    ``Received:`` lines and an IMAP copy in CRLF get one key, while two different
    messages that share a Message-ID, sender, date and subject get two. A quarantined
    message, of which nothing was read, is keyed on its bytes (``r``)."""
    digest = hashlib.sha256()
    if parsed.status == "quarantined" or not parsed.content_digest:
        digest.update(raw.replace(b"\r\n", b"\n").strip())
        return b"r" + digest.digest()[:16]
    if parsed.message_id:
        fields = [parsed.message_id]
        prefix = b"c"
    else:
        to = ",".join(address for _, address in parsed.to)
        fields = [parsed.from_addr, str(parsed.date), parsed.subject, to]
        prefix = b"h"
    for value in fields:
        digest.update(value.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    digest.update(parsed.content_digest)
    return prefix + digest.digest()[:16]


def content_key(raw: bytes) -> bytes:
    """The dedupe key of a stored message's raw bytes (to re-key an older store)."""
    return dedupe_key(parse_message(raw), raw)


def prepare_raw(raw: bytes, where: Provenance, patterns: Mapping[str, Sequence[str]]) -> Prepared:
    parsed = parse_message(raw)
    category, priority = "other", "normal"
    identifiers: list[tuple[str, str]] = []
    wants_supervisor = False
    if parsed.status != "quarantined" and parsed.auto_kind is None:
        mine = own_text(parsed.body_text)
        category, priority = guess_category(parsed.subject, mine)
        identifiers = find_identifiers(mine, patterns)
        wants_supervisor = asks_for_supervisor(f"{parsed.subject}\n{mine}")
    sender = f"{parsed.from_name} {parsed.from_addr}"
    raw_compressed, large_raw = _compressed(raw)
    key = dedupe_key(parsed, raw)
    return Prepared(
        where=where,
        size=len(raw),
        dedupe_key=key,
        raw_compressed=raw_compressed,
        parsed=parsed,
        fts_subject=index_text(parsed.subject),
        fts_sender=index_text(sender),
        fts_body=index_text(parsed.body_text),
        category=category,
        norm_subject=normalise_subject(parsed.subject),
        priority=priority,
        identifiers=identifiers,
        to_json=_JSON(parsed.to),
        cc_json=_JSON(parsed.cc),
        references_json=json.dumps(parsed.references[-50:]),
        problems_json=_JSON(parsed.problems),
        ref=message_ref(parsed.message_id, key),
        wants_supervisor=wants_supervisor,
        large_raw=large_raw,
    )


def prepare_chunk(items: list[tuple[bytes, Provenance]]) -> list[Prepared]:
    """Worker entry point: prepare a chunk of messages, in order."""
    if _KILL_MARKER and any(_KILL_MARKER in raw for raw, _ in items):
        os.kill(os.getpid(), signal.SIGKILL)
    return [prepare(raw, where) for raw, where in items]


def prepare(
    raw: bytes, where: Provenance, patterns: Mapping[str, Sequence[str]] | None = None
) -> Prepared:
    """A Prepared message; never raises (what cannot be prepared is quarantined)."""
    try:
        return prepare_raw(raw, where, _PATTERNS if patterns is None else patterns)
    except Exception as exc:  # the parser never raises; enrichment must not lose mail either
        return prepare_quarantined(raw, where, f"cannot prepare: {type(exc).__name__}: {exc}")


def prepare_quarantined(raw: bytes, where: Provenance, reason: str) -> Prepared:
    """A message stored raw with ``reason``, read no further (cheap, in any process)."""
    parsed = quarantined(raw, reason[:200])
    raw_compressed, large_raw = _compressed(raw)
    key = dedupe_key(parsed, raw)
    return Prepared(
        where,
        len(raw),
        key,
        raw_compressed,
        parsed,
        "",
        "",
        "",
        "other",
        "normal",
        "",
        [],
        problems_json=json.dumps(parsed.problems),
        ref=message_ref(None, key),
        large_raw=large_raw,
    )
