"""Small builders for test messages: readable in tests, exact in bytes."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterable

from agentconsole.config import Config, default_identifier_patterns
from agentconsole.ingest.prepare import prepare_raw
from agentconsole.ingest.writer import ImportSummary, MailWriter
from agentconsole.mail.sources import Provenance

SUPPORT = "support@okwallet.example"


def make_config(**overrides: object) -> Config:
    base: dict[str, object] = {
        "agent": "lin",
        "support_addresses": (SUPPORT,),
        "subject_window_days": 14,
        "identifier_patterns": default_identifier_patterns(),
    }
    base.update(overrides)
    return Config(**base)  # type: ignore[arg-type]


def mail(
    *,
    sender: str = "Wang Fang <wang@example.com>",
    to: str = SUPPORT,
    subject: str = "Withdrawal not received",
    body: str = "My withdrawal has not arrived.",
    msgid: str | None = "<m1@example.com>",
    date: str | None = "Mon, 05 Oct 2026 10:00:00 +0800",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: Iterable[str] = (),
    charset: str = "utf-8",
    cte: str = "base64",
) -> bytes:
    """A single-part message; the body is encoded in ``charset`` with ``cte``."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if date:
        lines.append(f"Date: {date}")
    if msgid:
        lines.append(f"Message-ID: {msgid}")
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {references}")
    lines += list(headers)
    lines += [
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        f"Content-Transfer-Encoding: {cte}",
        "",
    ]
    data = body.encode(charset)
    payload = base64.encodebytes(data) if cte == "base64" else data + b"\n"
    return "\n".join(lines).encode("utf-8") + b"\n" + payload


def word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 encoded word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def ingest(
    conn: sqlite3.Connection, raws: Iterable[bytes], config: Config | None = None
) -> ImportSummary:
    """Store messages the way an import does, in one transaction."""
    config = config or make_config()
    summary = ImportSummary()
    writer = MailWriter(conn, config, summary)
    conn.execute("BEGIN IMMEDIATE")
    for index, raw in enumerate(raws):
        summary.messages_seen += 1
        where = Provenance("eml", path=f"test:{index}")
        writer.add(prepare_raw(raw, where, config.identifier_patterns))
    conn.execute("COMMIT")
    return summary
