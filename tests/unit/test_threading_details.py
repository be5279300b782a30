"""Why a message joined its ticket, word for word (what ``show --explain`` prints), for
the rules whose details no other test read; and pages past the end of a listing."""

from __future__ import annotations

import sqlite3

from agentconsole.store.query import compile_query
from agentconsole.store.tickets import list_tickets
from tests.mailfactory import SUPPORT, ingest, mail, make_config


def _placement(conn: sqlite3.Connection, message_id: int) -> tuple[int | None, str, str]:
    row = conn.execute(
        "SELECT ticket_id, thread_rule, thread_detail FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    return row[0], row[1], row[2]


def test_our_own_mail_naming_a_ticket_joins_it(conn: sqlite3.Connection) -> None:
    colleague = "lin@okwallet.example"  # one of our addresses, not on this ticket yet
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                sender=colleague,
                to="someone.new@example.org",
                msgid="<o1@x>",
                subject="Following up [T-1]",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            ),
        ],
        make_config(support_addresses=(SUPPORT, colleague)),
    )
    assert _placement(conn, 2) == (1, "subject-ref", "[T-1] in our own mail")


def test_a_reference_to_no_ticket_is_noted(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid="<c1@example.com>", subject="[T-99] Help")])
    assert _placement(conn, 1) == (1, "new", "ignored [T-99] in subject: no such ticket")
    ingest(
        conn,
        [
            mail(
                msgid="<c2@example.com>",
                subject="Re: [T-98] Help",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            )
        ],
    )
    assert _placement(conn, 2) == (
        1,
        "subject-window",
        "ignored [T-98] in subject: no such ticket; same customer and subject within 14 days",
    )


def test_references_and_a_window_of_zero_days(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            mail(msgid="<c1@example.com>"),
            mail(
                msgid="<c2@example.com>",
                references="<c1@example.com>",
                date="Tue, 06 Oct 2026 10:00:00 +0800",
            ),
        ],
    )
    assert _placement(conn, 2) == (1, "references", "a message named in References")
    again = mail(msgid="<c3@example.com>", date="Tue, 06 Oct 2026 11:00:00 +0800")
    ingest(conn, [again], make_config(subject_window_days=0))
    assert _placement(conn, 3) == (2, "new", "no earlier message matched")


def test_a_page_past_the_end_is_empty(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(msgid=f"<{i}@x>", sender=f"c{i}@example.com") for i in range(4)])
    query = compile_query("")
    assert list_tickets(conn, query, offset=4, total=4) == []
    assert list_tickets(conn, query, offset=9, limit=2, total=4) == []
    assert [t.id for t in list_tickets(conn, query, offset=3, limit=5, total=4)] == [1]
    assert len(list_tickets(conn, query)) == 4
