"""Drafts in the store: saved, read back whole, listed newest first, deleted."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.drafts import (
    Draft,
    DraftNotFound,
    all_drafts,
    delete_draft,
    get_draft,
    ticket_drafts,
    write_draft,
)
from agentconsole.store.migrations import current_version
from tests.mailfactory import ingest, mail


def test_migration_seven_makes_drafts_and_outbox(conn: sqlite3.Connection) -> None:
    assert current_version(conn) >= 7
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"drafts", "outbox"} <= tables
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO outbox (message_id, rfc_message_id, status, raw, queued_at)"
            " VALUES (1, '<a@b>', 'lost', x'00', 0)"
        )


def test_a_draft_round_trips_with_chinese_text(conn: sqlite3.Connection) -> None:
    ingest(conn, [mail()])
    draft = Draft(
        id=None,
        ticket_id=1,
        mode="reply_all",
        answers_message_id=1,
        to=("王小明 <xm@example.cn>",),
        cc=("ann@example.org",),
        subject="Re: 提现 [T-1]",
        body="您好，王小明：\n⟦transaction id⟧",
        attachments=("/tmp/交易.pdf",),
        updated_at=100,
        author="lin",
    )
    draft_id = write_draft(conn, draft)
    assert get_draft(conn, draft_id) == Draft(**{**draft.__dict__, "id": draft_id})
    later = write_draft(conn, Draft(**{**draft.__dict__, "id": draft_id, "body": "x"}))
    assert later == draft_id
    second = write_draft(conn, Draft(**{**draft.__dict__, "updated_at": 200}))
    assert [d.id for d in ticket_drafts(conn, 1)] == [second, draft_id]
    assert [d.body for d in all_drafts(conn)] == ["您好，王小明：\n⟦transaction id⟧", "x"]
    assert delete_draft(conn, draft_id) is True
    assert delete_draft(conn, draft_id) is False
    with pytest.raises(DraftNotFound, match=f"draft {draft_id} no longer exists"):
        write_draft(conn, Draft(**{**draft.__dict__, "id": draft_id}))
    with pytest.raises(DraftNotFound):
        get_draft(conn, draft_id)


def test_a_draft_follows_its_ticket_into_a_merge(conn: sqlite3.Connection) -> None:
    from agentconsole.domain.merge import merge_tickets

    ingest(conn, [mail(msgid="<a@x.example>"), mail(msgid="<b@x.example>", subject="Other")])
    draft = Draft(None, 2, "reply", 2, ("wang@example.com",), (), "Re: Other", "x", (), 1)
    draft_id = write_draft(conn, draft)
    merge_tickets(conn, 1, 2, actor="lin", reason="same conversation")
    assert [d.id for d in ticket_drafts(conn, 1)] == [draft_id]
    assert ticket_drafts(conn, 2) == []
