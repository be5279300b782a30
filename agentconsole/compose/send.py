"""Sending a draft: its bytes built, stored on the ticket and queued, in one go.

The bytes are built here (:mod:`agentconsole.compose.mime`) and read back by the
import's own preparation (:func:`agentconsole.ingest.prepare.prepare`), so the stored
message has exactly the row, search entry and dedupe key an import of the same bytes
would give it: when sync later finds our copy in the Sent folder it is a duplicate,
not a second reply. Recording it is the domain's
(:mod:`agentconsole.domain.outgoing`), in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from dataclasses import dataclass, replace

from agentconsole.compose.addresses import address_list
from agentconsole.compose.build import agent_text
from agentconsole.compose.errors import ComposeError, DuplicateReply
from agentconsole.compose.mime import (
    Outgoing,
    answered_ids,
    build_email,
    check_mail_size,
    email_bytes,
    thread_references,
)
from agentconsole.config import Config
from agentconsole.domain.outgoing import OutgoingMessage, Override, add_note, queue_reply
from agentconsole.ingest.message_insert import attachment_rows, message_row, search_text
from agentconsole.ingest.prepare import prepare
from agentconsole.mail.sources import Provenance
from agentconsole.store.compose_reads import thread_message
from agentconsole.store.db import write_txn
from agentconsole.store.drafts import MODES, Draft
from agentconsole.store.messages import MessageNotFound, raw_message
from agentconsole.store.outbox import ticket_outbox
from agentconsole.store.ticket_rows import ticket_customer
from agentconsole.store.tickets import get_ticket

DUPLICATE_WINDOW = 600
"""Seconds in which the same words queued again on a ticket are taken for a mistake."""
SOURCE = "compose"
"""The ``source`` of a message written in agentconsole (an import names its file)."""


@dataclass(frozen=True)
class Recorded:
    """A draft stored on its ticket: ``stored_id`` is the reply's or note's
    ``messages.id``; a reply also has its Message-ID header and outbox entry."""

    stored_id: int
    message_id: str | None = None
    outbox_id: int | None = None

    @property
    def queued(self) -> bool:
        return self.outbox_id is not None


def sender(config: Config) -> tuple[str, str]:
    """(name, address) our mail is from: ``compose.from_address``, else the first
    support address; signed with the agent's name."""
    address = config.from_address or (
        config.support_addresses[0] if config.support_addresses else ""
    )
    if not address:
        raise ComposeError("no address to send from: set [compose] from_address")
    return config.agent_name or config.agent, address


def _threading(conn: sqlite3.Connection, draft: Draft) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) for a reply to ``draft.answers_message_id``."""
    if draft.answers_message_id is None or draft.mode in ("forward", "note"):
        return None, ()
    try:
        raw = raw_message(conn, draft.answers_message_id)
    except MessageNotFound:
        return None, ()
    answered, refs = answered_ids(raw)
    return answered, thread_references(answered, refs)


def _pairs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, address) of each recipient as the mail's header has it: the import's
    reading of the header lower-cases whole addresses, but the part before @ may be
    case-sensitive, and the outbox sends to these."""
    return [(a.display_name, a.addr_spec) for a in address_list(values)]


def outgoing_message(
    conn: sqlite3.Connection,
    draft: Draft,
    config: Config,
    *,
    now: int | None = None,
    automatic: bool = False,
) -> OutgoingMessage:
    """The draft as the message the store will hold: built, then prepared as an import
    prepares mail. ComposeError when an address or attachment is bad. ``automatic``
    marks it ``Auto-Submitted: auto-replied`` (an acknowledgement), which the import's
    reading then files as automatic mail."""
    if draft.mode not in MODES:
        raise ComposeError(f"unknown draft mode {draft.mode!r} (one of: {', '.join(MODES)})")
    if draft.mode != "note" and not draft.to:
        raise ComposeError("the reply has nobody to go to: add an address to To")
    name, address = sender(config)
    in_reply_to, references = _threading(conn, draft)
    mail = Outgoing(
        from_name=name,
        from_addr=address,
        to=() if draft.mode == "note" else draft.to,
        cc=() if draft.mode == "note" else draft.cc,
        subject=draft.subject,
        body=draft.body,
        attachments=draft.attachments,
        in_reply_to=in_reply_to,
        references=references,
        automatic=automatic,
    )
    message = build_email(mail, now=now)
    raw = email_bytes(message)
    check_mail_size(len(raw))
    prepared = prepare(raw, Provenance("eml", path=SOURCE), config.identifier_patterns)
    parsed = prepared.parsed
    if parsed.status == "quarantined":  # our own bytes: never expected, never stored so
        raise ComposeError("the reply could not be read back: " + "; ".join(parsed.problems))
    row = message_row(
        prepared,
        ticket_id=draft.ticket_id,
        customer_id=ticket_customer(conn, draft.ticket_id),
        outbound=True,
        date=parsed.date,
        rule="note" if draft.mode == "note" else draft.mode,
        detail=f"written by {config.agent}",
        now=int(time.time() if now is None else now),
    )
    to, cc = _pairs(mail.to), _pairs(mail.cc)
    row = replace(
        row,
        source=SOURCE,
        direction="note" if draft.mode == "note" else "out",
        to_json=json.dumps(to, ensure_ascii=False),
        cc_json=json.dumps(cc, ensure_ascii=False),
    )
    if prepared.large_raw is not None:
        prepared.large_raw.file.close()
    return OutgoingMessage(
        row=row,
        rfc_message_id=str(message["Message-ID"]),
        raw=raw,
        raw_compressed=prepared.raw_compressed or zlib.compress(raw, 6),
        search=search_text(prepared),
        attachments=tuple(attachment_rows(prepared)),
        named_ids=tuple(dict.fromkeys([*parsed.in_reply_to, *parsed.references])),
        recipients=tuple(a for _, a in [*to, *cc]),
    )


def _ago(seconds: int) -> str:
    minutes = max(0, seconds) // 60
    if minutes == 0:
        return "less than a minute ago"
    return f"{minutes} minute{'s' if minutes != 1 else ''} ago"


def check_not_duplicate(
    conn: sqlite3.Connection, message: OutgoingMessage, config: Config, now: int
) -> None:
    """DuplicateReply when a reply with the same written words (greeting, signature
    and quote aside) was queued on the ticket in the last :data:`DUPLICATE_WINDOW`
    seconds. Run inside the write transaction that queues, so that of several
    commands run at once exactly one queues."""
    ticket_id = message.row.ticket_id
    if ticket_id is None:
        return
    words = agent_text(message.row.body_text, config)
    for entry in reversed(ticket_outbox(conn, ticket_id)):
        if entry.queued_at < now - DUPLICATE_WINDOW:
            break
        earlier = thread_message(conn, entry.message_id)
        if agent_text(earlier.body_text, config) == words:
            ref = get_ticket(conn, ticket_id).ref
            raise DuplicateReply(
                f"an identical reply to {ref} was queued {_ago(now - entry.queued_at)}"
                f" ({entry.rfc_message_id}); send it again with --again"
            )


def record_draft(
    conn: sqlite3.Connection,
    draft: Draft,
    config: Config,
    *,
    actor: str,
    override: Override | None = None,
    again: bool = False,
) -> Recorded:
    """Store the draft on its ticket: a note is added, a reply queued (the linter's
    verdict is the caller's, :func:`agentconsole.compose.send_draft`). DuplicateReply
    when the same reply was just queued, unless ``again``."""
    now = int(time.time())
    message = outgoing_message(conn, draft, config, now=now)
    if draft.mode == "note":
        stored = add_note(conn, draft.ticket_id, message, actor=actor, draft_id=draft.id, now=now)
        return Recorded(stored)
    with write_txn(conn):  # BEGIN IMMEDIATE: the check and the queueing are one
        if not again:
            check_not_duplicate(conn, message, config, now)
        queued = queue_reply(
            conn,
            draft.ticket_id,
            message,
            actor=actor,
            status_after=config.status_after_reply,
            draft_id=draft.id,
            override=override,
            now=now,
        )
    return Recorded(queued.message_id, message.rfc_message_id, queued.outbox_id)
