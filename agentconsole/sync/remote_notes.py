"""Internal notes through the team's event log: their bytes go with the event.

A note is a message on its ticket (``direction = 'note'``), which teammates cannot get
from the mailbox. So the publisher puts the note's exact bytes (base64, up to
:data:`MAX_NOTE_BYTES`) into the ``note_added`` event, and a machine applying it
prepares those bytes exactly as import prepares mail (they came from a folder anyone
with the password can write to: hostile input like any mail) and stores the note with
the domain's :func:`~agentconsole.domain.outgoing.add_note`. Same bytes, same dedupe
key: the note is one message on every machine.
"""

from __future__ import annotations

import base64
import sqlite3
import time
import zlib
from dataclasses import replace

from agentconsole.domain.outgoing import OutgoingMessage
from agentconsole.domain.remote import NOTE, NOTE_RAW
from agentconsole.ingest.message_insert import attachment_rows, message_row, search_text
from agentconsole.ingest.prepare import prepare
from agentconsole.mail.sources import Provenance
from agentconsole.store.messages import MessageNotFound, raw_message
from agentconsole.store.remote_events import LogEvent, message_by_key
from agentconsole.store.ticket_rows import ticket_customer

MAX_NOTE_BYTES = 48 * 1024
"""A note larger than this (an attachment, mostly) travels as a history entry only."""
SOURCE = "team log"
"""The ``source`` of a note that came from a teammate's machine."""


def with_note_bytes(conn: sqlite3.Connection, event: LogEvent) -> LogEvent:
    """``event`` as published: a ``note_added`` carries its note's bytes when they are
    small enough; any other event is returned as it is."""
    if event.kind != NOTE or event.message_key is None:
        return event
    message_id = message_by_key(conn, event.message_key)
    if message_id is None:
        return event
    try:
        raw = raw_message(conn, message_id)
    except MessageNotFound:
        return event
    if len(raw) > MAX_NOTE_BYTES:
        return event
    return replace(event, data={**event.data, NOTE_RAW: base64.b64encode(raw).decode("ascii")})


def note_message(conn: sqlite3.Connection, ticket_id: int, raw: bytes) -> OutgoingMessage:
    """A teammate's note as the message to store on ``ticket_id``; ValueError when the
    bytes are too large or cannot be read as mail."""
    if len(raw) > MAX_NOTE_BYTES:
        raise ValueError(f"a note of {len(raw)} bytes is larger than {MAX_NOTE_BYTES}")
    prepared = prepare(raw, Provenance("eml", path=SOURCE))
    parsed = prepared.parsed
    if parsed.status == "quarantined":
        raise ValueError("; ".join(parsed.problems) or "quarantined")
    row = message_row(
        prepared,
        ticket_id=ticket_id,
        customer_id=ticket_customer(conn, ticket_id),
        outbound=True,
        date=parsed.date,
        rule="note",
        detail="written by a teammate",
        now=int(time.time()),
    )
    if prepared.large_raw is not None:
        prepared.large_raw.file.close()
    return OutgoingMessage(
        row=replace(row, source=SOURCE, direction="note"),
        rfc_message_id=parsed.message_id or "",
        raw=raw,
        raw_compressed=prepared.raw_compressed or zlib.compress(raw, 6),
        search=search_text(prepared),
        attachments=tuple(attachment_rows(prepared)),
    )
