"""Records read back whole: every field of a message, an event and a tag undo, so a
column read from the wrong place cannot pass unnoticed."""

from __future__ import annotations

import base64
import sqlite3

import pytest

from agentconsole.domain.tickets import change_tags, undo
from agentconsole.models import AttachmentInfo, Event, Message
from agentconsole.store.events import customer_events, ticket_events
from agentconsole.store.messages import MessageNotFound, raw_message, ticket_messages
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import SUPPORT, ingest, mail

WITH_FILE = (
    f"From: Wang Fang <wang@example.com>\nTo: {SUPPORT}\nSubject: receipt\n"
    "Date: Mon, 05 Oct 2026 10:00:00 +0800\nMessage-ID: <f@x>\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"
    "Receipt attached.\n--B\nContent-Type: image/png\n"
    "Content-Disposition: attachment; filename=r.png\nContent-Transfer-Encoding: base64\n\n"
    f"{base64.b64encode(b'PNGDAT').decode()}\n--B--\n"
).encode()


def test_a_tickets_messages_read_back_field_by_field(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            WITH_FILE,
            mail(
                sender=f"Lin <{SUPPORT}>",
                to="Wang Fang <wang@example.com>",
                subject="Re: receipt",
                msgid="<r@x>",
                in_reply_to="<f@x>",
                date=None,
                body="Thanks, we got it.",
            ),
        ],
    )
    first, second = ticket_messages(conn, 1)
    assert first == Message(
        id=1,
        ticket_id=1,
        direction="in",
        auto_kind=None,
        from_name="Wang Fang",
        from_addr="wang@example.com",
        to=(SUPPORT,),
        subject="receipt",
        date=1791165600,
        body_text="Receipt attached.",
        status="ok",
        problems=(),
        thread_rule="new",
        thread_detail="no earlier message matched",
        source="eml:test:0",
        attachments=(AttachmentInfo(1, 3, "r.png", "image/png", 6),),
    )
    assert (second.id, second.direction, second.from_name, second.to) == (
        2,
        "out",
        "Lin",
        ("wang@example.com",),
    )
    assert (second.status, second.problems) == ("degraded", ("no valid Date header",))
    assert (second.thread_rule, second.thread_detail) == ("in-reply-to", "In-Reply-To f@x")
    assert (second.body_text, second.attachments, second.source) == (
        "Thanks, we got it.",
        (),
        "eml:test:1",
    )
    assert raw_message(conn, 1) == WITH_FILE


def test_a_missing_raw_message_says_which(conn: sqlite3.Connection) -> None:
    with pytest.raises(MessageNotFound, match="^no raw bytes stored for message 7$"):
        raw_message(conn, 7)


def test_events_read_back_whole(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    # the SLA's at-risk and breach events follow (the mail is weeks old by now)
    [created] = [e for e in ticket_events(conn, 1) if not e.kind.startswith("sla_")]
    assert isinstance(created, Event)
    assert (created.id, created.kind, created.actor, created.ticket_id) == (
        2,
        "ticket_created",
        "import",
        1,
    )
    assert created.customer_id == 1
    assert created.data == {
        "category": "withdrawal",
        "priority": "normal",
        "source": "eml:test:0",
        "status": "new",
    }
    assert created.at > 1_700_000_000 and len(created.uuid) == 36
    customer, also_created = customer_events(conn, 1)
    assert also_created == created  # the ticket names its customer
    assert (customer.id, customer.kind, customer.ticket_id, customer.customer_id) == (
        1,
        "customer_created",
        None,
        1,
    )
    assert customer.at == created.at and customer.uuid < created.uuid
    assert customer.data == {"address": "wang@example.com", "name": "Wang Fang"}


def test_undoing_a_tag_change_puts_back_both_sides(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(), mail(msgid="<2@x>", sender="li@example.com")])
    change_tags(conn, [1, 2], ["vip"], [], actor="lin")
    change = change_tags(conn, [1, 2], ["refund"], ["vip"], actor="lin")
    assert [get_ticket(conn, i).tags for i in (1, 2)] == [("refund",), ("refund",)]
    undo(conn, change, actor="zoe")
    assert [get_ticket(conn, i).tags for i in (1, 2)] == [("vip",), ("vip",)]
    undone = [
        (e.kind, e.actor, e.data.get("tag")) for e in ticket_events(conn, 2) if e.actor == "zoe"
    ]
    assert undone == [("tag_removed", "zoe", "refund"), ("tag_added", "zoe", "vip")]
