"""A prepared message as a stored row: what import records about each message."""

from __future__ import annotations

import sqlite3

from agentconsole.ingest.prepare import Prepared
from agentconsole.store.merge_rows import other_messages
from agentconsole.store.message_rows import MessageRow, SearchText, insert_message
from agentconsole.store.tickets import refresh_ticket_ref


def message_row(
    prepared: Prepared,
    *,
    ticket_id: int | None,
    customer_id: int | None,
    outbound: bool,
    date: int | None,
    rule: str,
    detail: str,
    now: int,
) -> MessageRow:
    """The row import stores for a prepared message (a reply sent from the console is
    stored the same way, so that its copy in the Sent folder is recognised later)."""
    parsed = prepared.parsed
    return MessageRow(
        dedupe_key=prepared.dedupe_key,
        message_id=parsed.message_id,
        ticket_id=ticket_id,
        customer_id=customer_id,
        direction="out" if outbound else "in",
        auto_kind=parsed.auto_kind,
        auto_reason=parsed.auto_reason,
        from_name=parsed.from_name,
        from_addr=parsed.from_addr,
        to_json=prepared.to_json,
        cc_json=prepared.cc_json,
        recipients_total=parsed.recipients_total,
        subject=parsed.subject,
        date=date,
        date_source="header" if parsed.date is not None else "import",
        imported_at=now,
        in_reply_to=parsed.in_reply_to[0] if parsed.in_reply_to else None,
        references_json=prepared.references_json,
        body_text=parsed.body_text,
        has_html=int(parsed.has_html),
        attachment_count=len(parsed.attachments),
        status=parsed.status,
        problems_json=prepared.problems_json,
        thread_rule=rule,
        thread_detail=detail,
        source=prepared.label,
        size=prepared.size,
        ref=prepared.ref,
    )


def search_text(prepared: Prepared) -> SearchText | None:
    """What the full-text index holds for the message; None keeps a quarantined one out."""
    if prepared.parsed.status == "quarantined":
        return None
    return SearchText(prepared.fts_subject, prepared.fts_sender, prepared.fts_body)


def attachment_rows(prepared: Prepared) -> list[tuple[int, str, str, int]]:
    """(part index, file name, content type, size) of each attachment."""
    return [(a.index, a.filename, a.content_type, a.size) for a in prepared.parsed.attachments]


def store_message(
    conn: sqlite3.Connection,
    prepared: Prepared,
    *,
    ticket_id: int | None,
    customer_id: int | None,
    outbound: bool,
    date: int | None,
    rule: str,
    detail: str,
    now: int,
) -> int:
    """Insert the message with its raw bytes, attachments and (unless quarantined)
    search entry; ``rule`` and ``detail`` say why it joined its ticket."""
    row = message_row(
        prepared,
        ticket_id=ticket_id,
        customer_id=customer_id,
        outbound=outbound,
        date=date,
        rule=rule,
        detail=detail,
        now=now,
    )
    message_id = insert_message(
        conn, row, prepared.raw_compressed, search_text(prepared), attachment_rows(prepared)
    )
    return message_id


def keep_ref(
    conn: sqlite3.Connection,
    ticket_id: int,
    message_id: int,
    *,
    opened: bool,
    named: bool = False,
) -> int | None:
    """Keep the ticket's ref following its first message now that stored message
    ``message_id`` joined it (``opened``: it opened the ticket; ``named``: the ticket
    was written with the ref it gives, see
    :func:`~agentconsole.ingest.ticket_attach.new_ticket`), and return the latest
    date among the ticket's other messages (None: there are none), which
    :func:`~agentconsole.ingest.relink.relink` needs.

    The ref is recomputed only when the message may have become the ticket's first:
    a follow-up after it (most of them) changes nothing, and recomputing the ref each
    time was a third of the writer's work."""
    if opened:
        if not named:
            refresh_ticket_ref(conn, ticket_id)
        return None
    others = other_messages(conn, ticket_id, message_id)
    if not others.first_before:
        refresh_ticket_ref(conn, ticket_id)
    return others.latest_date
