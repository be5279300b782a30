"""Import looking forwards (agentconsole.ingest.relink): mail read before what it
answers ends where reading in date order would have put it."""

from __future__ import annotations

from agentconsole.domain.tickets import update_ticket
from agentconsole.refs import message_ref
from agentconsole.store.db import connect
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import SUPPORT, ingest, mail, make_config

ORIGINAL = mail(msgid="<o1@example.com>", subject="Login fails")
REPLY = mail(
    sender=f"Support <{SUPPORT}>",
    to="wang@example.com",
    msgid="<r1@okwallet.example>",
    subject="Re: Login fails",
    in_reply_to="<o1@example.com>",
    references="<o1@example.com>",
    date="Mon, 05 Oct 2026 12:00:00 +0800",
)
AUTO_REPLY = mail(
    msgid="<auto1@example.com>",
    subject="Automatic reply: Re: Login fails",
    in_reply_to="<r1@okwallet.example>",
    headers=["Auto-Submitted: auto-replied"],
    date="Mon, 05 Oct 2026 12:01:00 +0800",
)
NO_WINDOW = make_config(subject_window_days=0)


def test_an_auto_reply_read_first_is_filed_when_what_it_answers_arrives() -> None:
    conn = connect(memory=True)
    summary = ingest(conn, [AUTO_REPLY], NO_WINDOW)
    assert summary.unfiled == 1
    ingest(conn, [ORIGINAL, REPLY], NO_WINDOW)
    rows = conn.execute(
        "SELECT message_id, ticket_id, thread_rule, thread_detail FROM messages ORDER BY date"
    ).fetchall()
    assert rows == [
        ("o1@example.com", 1, "new", "no earlier message matched"),
        (
            "r1@okwallet.example",
            1,
            "in-reply-to",
            "In-Reply-To o1@example.com",
        ),
        ("auto1@example.com", 1, "in-reply-to", "names r1@okwallet.example, read later"),
    ]
    assert conn.execute("SELECT ticket_id FROM message_tickets ORDER BY 1").fetchall() == [
        (1,),
        (1,),
        (1,),
    ]
    ticket = get_ticket(conn, 1)
    # automatic mail never counts as the customer's: we answered last, so pending
    assert (ticket.status, ticket.message_count, ticket.last_customer_at) == (
        "pending",
        3,
        ticket.created_at,
    )


def test_a_reply_read_first_is_merged_with_its_original_and_timed_as_in_date_order() -> None:
    in_order = connect(memory=True)
    ingest(in_order, [ORIGINAL, REPLY], NO_WINDOW)
    reversed_ = connect(memory=True)
    summary = ingest(reversed_, [REPLY, ORIGINAL], NO_WINDOW)
    assert (summary.tickets_created, summary.tickets_merged) == (2, 1)
    merged, expected = get_ticket(reversed_, 2), get_ticket(in_order, 1)
    assert (
        (merged.subject, merged.status, merged.first_response_at, merged.created_at)
        == (
            expected.subject,
            expected.status,
            expected.first_response_at,
            expected.created_at,
        )
        == ("Login fails", "pending", expected.first_response_at, expected.created_at)
    )
    assert expected.first_response_at is not None
    assert reversed_.execute("SELECT merged_into, status FROM tickets WHERE id = 1").fetchone() == (
        2,
        "closed",
    )


def test_an_older_message_read_late_keeps_an_agents_status_but_fixes_the_clocks() -> None:
    conn = connect(memory=True)
    ingest(conn, [REPLY], NO_WINDOW)  # our reply alone: pending, no first response yet
    update_ticket(conn, [1], "status", "solved", actor="lin")
    ingest(conn, [ORIGINAL], make_config())  # joins by the subject window
    ticket = get_ticket(conn, 1)
    assert ticket.status == "solved"  # the agent's decision stands
    assert (ticket.subject, ticket.first_response_at, ticket.message_count) == (
        "Login fails",
        ticket.last_agent_at,
        2,
    )


def test_an_unfiled_message_older_than_its_ticket_names_it_in_either_order() -> None:
    """An auto-reply dated (wrongly) before the mail it answers is the ticket's first
    message: read after it, it joins by In-Reply-To and names the ticket; read before
    it, it waits unfiled and is filed later, and must name the ticket just the same."""
    early_auto = mail(
        msgid="<auto0@example.com>",
        subject="Automatic reply: Login fails",
        in_reply_to="<o1@example.com>",
        headers=["Auto-Submitted: auto-replied"],
        date="Sun, 04 Oct 2026 08:00:00 +0800",
    )
    refs = []
    for order in ([ORIGINAL, early_auto], [early_auto, ORIGINAL]):
        conn = connect(memory=True)
        for raw in order:
            ingest(conn, [raw], NO_WINDOW)
        ticket = get_ticket(conn, 1)
        assert ticket.message_count == 2
        refs.append(ticket.ref)
    assert refs[0] == refs[1] == message_ref("auto0@example.com", b"")


def test_a_follow_up_older_than_the_first_message_renames_the_ticket_a_newer_one_not() -> None:
    """The ref follows the ticket's first message: a message joining it that is dated
    earlier takes the ref over; one dated later leaves it (and is not looked at)."""
    later = mail(msgid="<b@example.com>", date="Tue, 06 Oct 2026 10:00:00 +0800")
    earlier = mail(msgid="<a@example.com>", date="Mon, 05 Oct 2026 10:00:00 +0800")
    latest = mail(msgid="<c@example.com>", date="Wed, 07 Oct 2026 10:00:00 +0800")
    conn = connect(memory=True)
    ingest(conn, [later], make_config())
    assert get_ticket(conn, 1).ref == message_ref("b@example.com", b"")
    ingest(conn, [earlier, latest], make_config())
    ticket = get_ticket(conn, 1)
    assert (ticket.message_count, ticket.ref) == (3, message_ref("a@example.com", b""))
    rules = conn.execute("SELECT thread_rule FROM messages ORDER BY id").fetchall()
    assert rules == [("new",), ("subject-window",), ("subject-window",)]
