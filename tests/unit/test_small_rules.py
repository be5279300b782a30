"""Small rules whose slips no other test saw: change labels (the console's undo line),
escalation's parts, counts of automatic mail, DSN detection by its report type, which
files a Maildir or a folder of messages holds, and their total size."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from agentconsole.domain.tickets import Change, change_field, change_tags, escalate
from agentconsole.mail.classify import classify
from agentconsole.mail.sources import EmlSource, MaildirSource, open_sources
from agentconsole.store.tickets import TicketNotFound, get_ticket
from tests.mailfactory import SUPPORT, ingest, mail


def test_changes_are_labelled_for_the_undo_line(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail(), mail(msgid="<2@x>", sender="li@example.com")])
    assert change_field(conn, [1], "assignee", "zoe", actor="lin") == Change(
        "assignee → zoe", "assignee", ((1, None),)
    )
    assert change_field(conn, [1, 2], "assignee", None, actor="lin") == Change(
        "assignee → nobody", "assignee", ((1, "zoe"),)
    )
    assert change_tags(conn, [2], ["vip"], [], actor="lin") == Change(
        "tags", tags_added=((2, "vip"),)
    )
    assert change_tags(conn, [2], [], ["vip"], actor="lin") == Change(
        "tags", tags_removed=((2, "vip"),)
    )


def test_escalation_of_a_ticket_already_high_changes_only_its_tags(
    conn: sqlite3.Connection,
) -> None:
    ingest(conn, [mail(), mail(msgid="<2@x>", sender="li@example.com")])
    change_field(conn, [1], "priority", "urgent", actor="lin")
    change = escalate(conn, [1], actor="lin")
    assert change == Change(
        "escalated", extra=(Change(""), Change("tags", tags_added=((1, "escalated"),)))
    )
    assert (get_ticket(conn, 1).priority, get_ticket(conn, 1).tags) == ("urgent", ("escalated",))
    both = escalate(conn, [1, 2], actor="lin")
    assert both.label == "escalated" and both.extra[0].previous == ((2, "normal"),)
    assert both.extra[1].tags_added == ((2, "escalated"),)


def test_automatic_mail_is_counted_by_kind(conn: sqlite3.Connection) -> None:
    raws = [mail(msgid=f"<l{i}@x>", headers=["List-Id: <news.example.org>"]) for i in range(3)]
    raws += [
        mail(msgid=f"<a{i}@x>", subject="Out of office", headers=["Auto-Submitted: auto-replied"])
        for i in range(2)
    ]
    raws += [
        mail(sender="mailer-daemon@mx.example", msgid=f"<b{i}@x>", subject="Undelivered")
        for i in range(2)
    ]
    summary = ingest(conn, raws)
    assert (summary.list_or_bulk, summary.auto_replies, summary.bounces) == (3, 2, 2)
    assert (summary.unfiled, summary.tickets_created) == (7, 0)


def test_a_delivery_report_from_any_sender_is_a_bounce() -> None:
    headers = {"content-type": "multipart/report; Report-Type=Delivery-Status; boundary=x"}
    verdict = classify(headers, "multipart/report", "relay@mx.example", "Your message")
    assert verdict == ("bounce", "multipart/report delivery-status")
    other = {"content-type": "multipart/report; report-type=disposition-notification"}
    assert classify(other, "multipart/report", "a@b.example", "Read") == (
        "auto_reply",
        "multipart/report",
    )


def test_an_automatic_message_joining_a_ticket_takes_its_customer(
    conn: sqlite3.Connection,
) -> None:
    ooo = mail(
        msgid="<ooo@x>",
        subject="Out of office",
        in_reply_to="<r1@x>",
        headers=["Auto-Submitted: auto-replied"],
        date="Mon, 05 Oct 2026 12:01:00 +0800",
    )
    reply = mail(
        sender=SUPPORT, to="wang@example.com", msgid="<r1@x>", in_reply_to="<m1@example.com>"
    )
    ingest(conn, [mail(), reply, ooo])
    rows = conn.execute("SELECT ticket_id, customer_id FROM messages ORDER BY id").fetchall()
    assert rows == [(1, 1), (1, 1), (1, 1)]


def test_what_a_maildir_holds(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for folder in (root, root / ".Sent", root / "Archive", root / ".notes"):
        folder.mkdir(parents=True)
    for folder in (root, root / ".Sent", root / "Archive"):
        (folder / "cur").mkdir()
        (folder / "new").mkdir()
    (root / "cur" / "1:2,S").write_bytes(mail(msgid="<1@x>"))
    (root / "cur" / ".hidden").write_bytes(b"x")
    (root / "cur" / "subdir").mkdir()
    (root / "new" / "2").write_bytes(mail(msgid="<2@x>"))
    (root / ".Sent" / "cur" / "3:2,S").write_bytes(mail(msgid="<3@x>"))
    (root / "Archive" / "cur" / "4:2,S").write_bytes(mail(msgid="<4@x>"))
    [source] = open_sources(root)
    assert isinstance(source, MaildirSource)
    labels = [item.where.label for item in source.messages()]
    assert labels == [
        f"maildir:{root}/cur/1:2,S",
        f"maildir:{root}/new/2",
        f"maildir:{root}/.Sent/cur/3:2,S",
    ]
    files = ["cur/1:2,S", "new/2", ".Sent/cur/3:2,S"]
    assert source.size() == sum(os.path.getsize(root / f) for f in files)


def test_what_a_folder_of_messages_holds(tmp_path: Path) -> None:
    names = ["a.eml", "b.MIME", "c.msg822", "d.txt", "e.emlx"]
    for index, name in enumerate(names):
        (tmp_path / name).write_bytes(mail(msgid=f"<{index}@x>"))
    [source] = open_sources(tmp_path)
    assert isinstance(source, EmlSource)
    labels = [item.where.label for item in source.messages()]
    assert labels == [f"eml:{tmp_path / n}" for n in names[:3]]
    assert source.size() == sum(os.path.getsize(tmp_path / n) for n in names[:3])
    (tmp_path / "b.MIME").unlink()
    os.symlink(tmp_path / "gone.eml", tmp_path / "b.eml")  # a broken link: size skips it
    assert source.size() == sum(os.path.getsize(tmp_path / n) for n in ("a.eml", "c.msg822"))


def test_a_missing_ticket_and_an_empty_escalation(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    with pytest.raises(TicketNotFound, match="^no ticket T-5$"):
        get_ticket(conn, 5)
    assert escalate(conn, [], actor="lin") == Change(
        "escalated", extra=(Change(""), Change("tags"))
    )
    assert get_ticket(conn, 1).priority == "normal"
