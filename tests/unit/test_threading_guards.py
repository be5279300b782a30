"""Threading and arrival rules that a small slip would break without a sound: who
becomes a participant, which tickets the subject window may join, what an old
message does to a solved ticket, and a duplicate's Gmail labels."""

from __future__ import annotations

import sqlite3

from agentconsole.domain.tickets import update_ticket
from agentconsole.store.events import ticket_events
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import SUPPORT, ingest, mail

OUR_REPLY = mail(
    sender=SUPPORT,
    to="wang@example.com",
    subject="Re: Withdrawal not received",
    msgid="<r1@okwallet.example>",
    in_reply_to="<c1@example.com>",
    date="Mon, 05 Oct 2026 12:00:00 +0800",
)


def _participants(conn: sqlite3.Connection, ticket_id: int) -> set[str]:
    rows = conn.execute(
        "SELECT address FROM ticket_participants WHERE ticket_id = ?", (ticket_id,)
    ).fetchall()
    return {row[0] for row in rows}


def _placement(conn: sqlite3.Connection, message_id: int) -> tuple[int | None, str, str]:
    row = conn.execute(
        "SELECT ticket_id, thread_rule, thread_detail FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    return row[0], row[1], row[2]


def test_the_recipients_of_automatic_mail_do_not_become_participants(
    conn: sqlite3.Connection,
) -> None:
    out_of_office = mail(
        msgid="<ooo@example.com>",
        subject="Out of office",
        to=f"{SUPPORT}, boss@example.com",
        headers=["Cc: everyone@example.com", "Auto-Submitted: auto-replied"],
        in_reply_to="<r1@okwallet.example>",
        date="Mon, 05 Oct 2026 12:01:00 +0800",
    )
    from_boss = mail(
        sender="boss@example.com",
        msgid="<boss@example.com>",
        subject="Re: Withdrawal not received [T-1]",
        date="Tue, 06 Oct 2026 09:00:00 +0800",
    )
    summary = ingest(conn, [mail(msgid="<c1@example.com>"), OUR_REPLY, out_of_office, from_boss])
    assert summary.auto_replies == 1
    assert _placement(conn, 3)[:2] == (1, "in-reply-to")
    assert _participants(conn, 1) == {"wang@example.com", SUPPORT}
    # so the boss, named only by an auto-reply, cannot join the ticket by its reference
    ticket_id, rule, detail = _placement(conn, 4)
    assert (ticket_id, rule) == (2, "new")
    assert detail == "ignored [T-1] in subject: boss@example.com is not a participant"


def test_the_recipients_of_a_persons_mail_do_become_participants(
    conn: sqlite3.Connection,
) -> None:
    with_cc = mail(msgid="<c1@example.com>", headers=["Cc: Husband <li@example.com>"])
    from_husband = mail(
        sender="li@example.com",
        msgid="<li@example.com>",
        subject="Any news? [T-1]",
        date="Tue, 06 Oct 2026 09:00:00 +0800",
    )
    ingest(conn, [with_cc, from_husband])
    assert _participants(conn, 1) == {"wang@example.com", SUPPORT, "li@example.com"}
    assert _placement(conn, 2) == (1, "subject-ref", "[T-1] from a participant")


def _same_subject_two_days_later() -> bytes:
    return mail(
        msgid="<c2@example.com>",
        subject="Re: Withdrawal not received",
        date="Wed, 07 Oct 2026 10:00:00 +0800",
    )


def test_the_subject_window_never_joins_a_closed_ticket(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid="<c1@example.com>")])
    update_ticket(conn, [1], "status", "closed", actor="lin")
    summary = ingest(conn, [_same_subject_two_days_later()])
    assert summary.tickets_created == 1 and summary.followups == 0
    assert _placement(conn, 2) == (2, "new", "no earlier message matched")
    assert get_ticket(conn, 1).status == "closed"
    assert get_ticket(conn, 1).message_count == 1


def test_the_subject_window_joins_a_solved_ticket_and_older_mail_leaves_it_solved(
    conn: sqlite3.Connection,
) -> None:
    """Solved at the wall clock's now, after the mail's dates: the follow-up joins by
    subject but, being older than the solving, does not reopen the ticket."""
    ingest(conn, [mail(msgid="<c1@example.com>")])
    update_ticket(conn, [1], "status", "solved", actor="lin")
    solved_at = get_ticket(conn, 1).solved_at
    summary = ingest(conn, [_same_subject_two_days_later()])
    assert summary.tickets_created == 0 and summary.followups == 1
    assert _placement(conn, 2) == (1, "subject-window", "same customer and subject within 14 days")
    ticket = get_ticket(conn, 1)
    assert (ticket.status, ticket.solved_at, ticket.message_count) == ("solved", solved_at, 2)


def test_newer_mail_reopens_a_solved_ticket(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid="<c1@example.com>")])
    update_ticket(conn, [1], "status", "solved", actor="lin")
    later = mail(
        msgid="<c2@example.com>",
        in_reply_to="<c1@example.com>",
        date="Mon, 01 Jan 2035 10:00:00 +0000",
    )
    ingest(conn, [later])
    ticket = get_ticket(conn, 1)
    assert (ticket.status, ticket.solved_at) == ("open", None)


def test_gmail_labels_on_a_copy_already_stored_still_tag_its_ticket(
    conn: sqlite3.Connection,
) -> None:
    original = mail(msgid="<c1@example.com>")
    takeout_copy = b'X-Gmail-Labels: Inbox,Billing,"Priority, VIP"\n' + original
    first = ingest(conn, [original])
    assert get_ticket(conn, 1).tags == ()
    again = ingest(conn, [takeout_copy])
    assert (first.imported, again.imported, again.duplicates) == (1, 0, 1)
    assert sorted(get_ticket(conn, 1).tags) == ["billing", "priority, vip"]
    events = [(e.kind, e.actor, e.data) for e in ticket_events(conn, 1)][1:]
    events = [e for e in events if not e[0].startswith("sla_")]  # the SLA's, by now
    assert events == [
        ("tag_added", "import", {"tag": "billing", "from": "mailbox label"}),
        ("tag_added", "import", {"tag": "priority, vip", "from": "mailbox label"}),
    ]
    assert all(e.at > 1_700_000_000 for e in ticket_events(conn, 1))
    assert ingest(conn, [takeout_copy]).duplicates == 1  # labels already there: no new events
    assert conn.execute("SELECT count(*) FROM events WHERE kind = 'tag_added'").fetchone() == (2,)
