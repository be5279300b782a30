"""Sending a reply and adding a note, on a real store: one transaction each."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from agentconsole.compose import lint_draft, send_draft
from agentconsole.compose.build import new_draft
from agentconsole.compose.drafts import drafts_for, save_draft
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.send import record_draft
from agentconsole.store.messages import raw_message
from agentconsole.store.outbox import list_outbox, outbox_raw
from agentconsole.store.tickets import get_ticket
from tests.mailfactory import ingest, mail, make_config

CUSTOMER_MAIL = mail(
    sender=f"{'=?utf-8?B?546L5bCP5piO?='} <xm@example.cn>",  # 王小明
    subject="提现未到账",
    body="您好，我的提现三天了还没到账，卡号 6222 0212 3456 7890 128。",
    msgid="<Q1.Abc@Example.CN>",
    references="<Root@Example.CN>",
)


@pytest.fixture
def ticket(conn: sqlite3.Connection) -> int:
    ingest(conn, [CUSTOMER_MAIL])
    return 1


def counts(conn: sqlite3.Connection) -> tuple[int, int, int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM outbox),"
        " (SELECT count(*) FROM events), (SELECT count(*) FROM drafts)"
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def kinds(conn: sqlite3.Connection, ticket_id: int) -> list[str]:
    rows = conn.execute("SELECT kind FROM events WHERE ticket_id = ? ORDER BY id", (ticket_id,))
    return [r[0] for r in rows]


def test_a_reply_is_stored_queued_and_moves_the_ticket_in_one_go(
    conn: sqlite3.Connection, ticket: int
) -> None:
    config = make_config(agent_name="林小姐")
    draft = save_draft(conn, new_draft(conn, ticket, "reply", config, canned_text="已为您核实。"))
    before = kinds(conn, ticket)
    result = record_draft(conn, draft, config, actor="lin")
    assert result.queued and result.outbox_id == 1 and result.stored_id == 2
    assert result.message_id is not None and result.message_id.endswith("@okwallet.example>")

    row = conn.execute(
        "SELECT direction, ticket_id, from_addr, subject, source FROM messages WHERE id = 2"
    ).fetchone()
    assert row == (
        "out",
        ticket,
        "support@okwallet.example",
        f"Re: 提现未到账 [{get_ticket(conn, ticket).ref}]",
        "compose",
    )
    [entry] = list_outbox(conn)
    assert (entry.status, entry.attempts, entry.ticket_id, entry.to) == (
        "queued",
        0,
        ticket,
        ("xm@example.cn",),
    )
    assert entry.rfc_message_id == result.message_id
    sent = outbox_raw(conn, 1)
    assert raw_message(conn, 2) == sent  # the stored copy is the bytes that leave

    parsed = BytesParser(policy=policy.default).parsebytes(sent)
    assert isinstance(parsed, EmailMessage)
    assert str(parsed["In-Reply-To"]) == "<Q1.Abc@Example.CN>"
    assert str(parsed["References"]) == "<Root@Example.CN> <Q1.Abc@Example.CN>"
    assert str(parsed["From"]) == "林小姐 <support@okwallet.example>"
    assert parsed["To"].addresses[0].display_name == "王小明"

    after = get_ticket(conn, ticket)
    assert after.status == "pending"
    assert after.first_response_at is not None and after.last_agent_at == after.first_response_at
    assert after.message_count == 2
    assert kinds(conn, ticket)[len(before) :] == ["status", "reply_queued"]
    queued = conn.execute(
        "SELECT data, message_id, actor FROM events WHERE kind = 'reply_queued'"
    ).fetchone()
    assert json.loads(queued[0]) == {
        "message_id": result.message_id,
        "outbox": 1,
        "to": ["xm@example.cn"],
    }
    assert queued[1:] == (2, "lin")
    assert drafts_for(conn, ticket) == []


def test_the_sent_folder_copy_is_recognised_not_stored_twice(
    conn: sqlite3.Connection, ticket: int
) -> None:
    config = make_config()
    record_draft(
        conn, new_draft(conn, ticket, "reply", config, canned_text="OK"), config, actor="lin"
    )
    sent = outbox_raw(conn, 1)
    sent_folder_copy = b"Received: from mx by imap; Mon, 5 Oct 2026\r\n" + sent
    summary = ingest(conn, [sent_folder_copy, sent.replace(b"\r\n", b"\n")], config)
    assert (summary.imported, summary.duplicates) == (0, 2)
    assert counts(conn)[0] == 2


def test_the_status_after_a_reply_follows_the_config(conn: sqlite3.Connection, ticket: int) -> None:
    for setting, expected in (("unchanged", "new"), ("solved", "solved")):
        config = make_config(status_after_reply=setting)
        record_draft(
            conn,
            new_draft(conn, ticket, "reply", config, canned_text=f"x {setting}"),
            config,
            actor="lin",
        )
        assert get_ticket(conn, ticket).status == expected
    assert get_ticket(conn, ticket).solved_at is not None


def test_a_note_is_stored_but_never_queued(conn: sqlite3.Connection, ticket: int) -> None:
    config = make_config()
    before = get_ticket(conn, ticket)
    draft = new_draft(conn, ticket, "note", config, canned_text="客户很着急，财务请优先处理。")
    assert (draft.to, draft.cc, draft.answers_message_id) == ((), (), None)
    result = record_draft(conn, draft, config, actor="lin")
    assert (result.queued, result.outbox_id, result.message_id) == (False, None, None)
    assert list_outbox(conn) == []
    row = conn.execute(
        "SELECT direction, body_text FROM messages WHERE id = ?", (result.stored_id,)
    ).fetchone()
    assert row[0] == "note" and row[1].strip() == "客户很着急，财务请优先处理。"
    after = get_ticket(conn, ticket)
    assert (after.status, after.first_response_at, after.last_agent_at, after.message_count) == (
        before.status,
        None,
        None,
        1,
    )
    assert kinds(conn, ticket)[-1] == "note_added"


def test_a_failed_send_changes_nothing(
    conn: sqlite3.Connection, ticket: int, tmp_path: Path
) -> None:
    config = make_config()
    draft = save_draft(conn, new_draft(conn, ticket, "reply", config, canned_text="x"))
    before, state = counts(conn), get_ticket(conn, ticket)
    with pytest.raises(ComposeError, match="no such file to attach"):
        record_draft(
            conn, replace(draft, attachments=(str(tmp_path / "gone.pdf"),)), config, actor="lin"
        )
    # a failure inside the transaction (the outbox refuses the row): all rolled back
    conn.execute(
        "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk"):
        record_draft(conn, draft, config, actor="lin")
    assert counts(conn) == before
    assert get_ticket(conn, ticket) == state
    assert drafts_for(conn, ticket) == [draft]


def test_attachments_are_stored_with_their_chinese_names(
    conn: sqlite3.Connection, ticket: int, tmp_path: Path
) -> None:
    config = make_config()
    statement = tmp_path / "交易记录.pdf"
    statement.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 100)
    for mode in ("reply", "note"):
        draft = new_draft(conn, ticket, mode, config, canned_text="见附件")
        result = record_draft(
            conn, replace(draft, attachments=(str(statement),)), config, actor="lin"
        )
        files = conn.execute(
            "SELECT filename, content_type, size FROM attachments WHERE message_id = ?",
            (result.stored_id,),
        ).fetchall()
        assert files == [("交易记录.pdf", "application/pdf", statement.stat().st_size)]
    assert [e.id for e in list_outbox(conn)] == [1]


def test_a_large_reply_keeps_its_bytes(
    conn: sqlite3.Connection, ticket: int, tmp_path: Path
) -> None:
    """Over 8 MB an import spools the compressed bytes instead of holding them."""
    config = make_config()
    scan = tmp_path / "scan.png"
    scan.write_bytes(bytes(range(256)) * 40_000)
    draft = new_draft(conn, ticket, "reply", config, canned_text="见附件")
    result = record_draft(conn, replace(draft, attachments=(str(scan),)), config, actor="lin")
    assert result.outbox_id is not None and result.stored_id is not None
    assert raw_message(conn, result.stored_id) == outbox_raw(conn, result.outbox_id)
    stored = BytesParser(policy=policy.default).parsebytes(raw_message(conn, result.stored_id))
    assert isinstance(stored, EmailMessage)
    [part] = list(stored.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("scan.png", scan.read_bytes())


def test_the_customers_answer_to_our_reply_joins_the_ticket(
    conn: sqlite3.Connection, ticket: int
) -> None:
    config = make_config()
    result = record_draft(
        conn, new_draft(conn, ticket, "reply", config, canned_text="x"), config, actor="lin"
    )
    assert result.message_id is not None
    answer = mail(
        sender="xm@example.cn",
        subject="另一个问题",  # a new subject: only In-Reply-To ties it to the ticket
        msgid="<a2@example.cn>",
        in_reply_to=result.message_id,
        date="Mon, 05 Oct 2099 10:00:00 +0800",
    )
    ingest(conn, [answer], config)
    assert conn.execute("SELECT ticket_id, thread_rule FROM messages WHERE id = 3").fetchone() == (
        ticket,
        "in-reply-to",
    )
    assert get_ticket(conn, ticket).status == "open"


def test_a_blocked_send_changes_nothing_and_an_override_is_recorded(
    conn: sqlite3.Connection, ticket: int
) -> None:
    config = make_config()
    asking = "请回复您收到的短信验证码，以便我们核实身份。\n\n感谢您的耐心等待！"
    draft = save_draft(conn, new_draft(conn, ticket, "reply", config, canned_text=asking))
    before, state = counts(conn), get_ticket(conn, ticket)
    findings = lint_draft(draft, conn, config)
    assert "AC201" in [f.code for f in findings if f.severity == "error"]
    blocked = send_draft(conn, draft, config, actor="lin", override_reason=None)
    assert (blocked.queued, blocked.stored_id, blocked.findings) == (False, None, findings)
    for reason in ("", "   ", "\u200b"):
        with pytest.raises(ComposeError, match="^the override reason is empty$"):
            send_draft(conn, draft, config, actor="lin", override_reason=reason)
    assert counts(conn) == before and get_ticket(conn, ticket) == state
    sent = send_draft(conn, draft, config, actor="lin", override_reason="customer asked")
    assert sent.queued and sent.findings == findings
    [(data, actor)] = conn.execute(
        "SELECT data, actor FROM events WHERE kind = 'lint_overridden'"
    ).fetchall()
    errors = list(dict.fromkeys(f.code for f in findings if f.severity == "error"))
    assert (json.loads(data), actor) == ({"reason": "customer asked", "codes": errors}, "lin")


def test_a_note_is_never_linted(conn: sqlite3.Connection, ticket: int) -> None:
    config = make_config()
    draft = new_draft(conn, ticket, "note", config, canned_text="请提供验证码 (客户原话)")
    assert lint_draft(draft, conn, config) == []
    assert send_draft(conn, draft, config, actor="lin", override_reason=None).stored_id == 2


def test_the_core_refuses_an_empty_reply_or_note(conn: sqlite3.Connection, ticket: int) -> None:
    config = make_config()
    before = counts(conn)
    for mode, text in (("reply", ""), ("reply", " \n\u200b"), ("note", "\t\n")):
        draft = new_draft(conn, ticket, mode, config, canned_text=text)
        with pytest.raises(ComposeError, match="^nothing to send: the reply is empty$"):
            send_draft(conn, draft, config, actor="lin", override_reason=None)
    assert counts(conn) == before
