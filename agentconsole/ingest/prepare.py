"""The parallel half of an import: read, parse and enrich one message.

Runs in worker processes. Everything that depends only on the message itself happens
here (parsing, compression of the raw bytes, the deduplication key, full-text tokens,
category and identifier guesses) so the single writer process does nothing but
threading and inserts. Never raises: a failure becomes a quarantined message.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agentconsole.identifiers import find_identifiers
from agentconsole.ingest.enrich import guess_category
from agentconsole.mail.headers import normalise_subject
from agentconsole.mail.parse import ParsedMessage, parse_message, quarantined
from agentconsole.mail.quoting import own_text
from agentconsole.mail.sources import MailRef, read_raw
from agentconsole.store.cjk import index_text


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed message ready for the writer."""

    label: str
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


_PATTERNS: Mapping[str, Sequence[str]] = {}


def init_worker(patterns: Mapping[str, Sequence[str]]) -> None:
    """Pool initializer: the identifier patterns from the config."""
    global _PATTERNS
    _PATTERNS = patterns


def dedupe_key(parsed: ParsedMessage, raw: bytes) -> bytes:
    """The same message from two exports (mbox and Maildir, INBOX and a label) gets the
    same key: its Message-ID with the sender, date and subject (so a stranger reusing an
    id does not make a different mail vanish). Without a Message-ID, the bytes decide."""
    digest = hashlib.sha256()
    if parsed.message_id:
        for part in (parsed.message_id, parsed.from_addr, str(parsed.date), parsed.subject):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return b"m" + digest.digest()[:16]
    digest.update(raw.replace(b"\r\n", b"\n").strip())
    return b"r" + digest.digest()[:16]


def prepare_raw(raw: bytes, label: str, patterns: Mapping[str, Sequence[str]]) -> Prepared:
    parsed = parse_message(raw)
    category, priority = "other", "normal"
    identifiers: list[tuple[str, str]] = []
    if parsed.status != "quarantined" and parsed.auto_kind is None:
        mine = own_text(parsed.body_text)
        category, priority = guess_category(parsed.subject, mine)
        identifiers = find_identifiers(mine, patterns)
    sender = f"{parsed.from_name} {parsed.from_addr}"
    return Prepared(
        label=label,
        size=len(raw),
        dedupe_key=dedupe_key(parsed, raw),
        raw_compressed=zlib.compress(raw, 6),
        parsed=parsed,
        fts_subject=index_text(parsed.subject),
        fts_sender=index_text(sender),
        fts_body=index_text(parsed.body_text),
        category=category,
        norm_subject=normalise_subject(parsed.subject),
        priority=priority,
        identifiers=identifiers,
        to_json=json.dumps(parsed.to, ensure_ascii=False),
        cc_json=json.dumps(parsed.cc, ensure_ascii=False),
        references_json=json.dumps(parsed.references[-50:]),
        problems_json=json.dumps(parsed.problems, ensure_ascii=False),
    )


def prepare(ref: MailRef) -> Prepared | tuple[str, str]:
    """Worker entry point: a Prepared message, or (label, error) if it cannot be read."""
    try:
        raw = read_raw(ref)
    except OSError as exc:
        return ref.label, f"cannot read: {exc.strerror or exc}"
    try:
        return prepare_raw(raw, ref.label, _PATTERNS)
    except Exception as exc:  # the parser never raises; enrichment must not lose mail either
        parsed = quarantined(raw, f"cannot prepare: {type(exc).__name__}: {exc}"[:200])
        return Prepared(
            ref.label,
            len(raw),
            dedupe_key(parsed, raw),
            zlib.compress(raw, 6),
            parsed,
            "",
            "",
            "",
            "other",
            "normal",
            "",
            [],
            problems_json=json.dumps(parsed.problems),
        )
