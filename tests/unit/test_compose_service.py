"""The console's compose calls on ConsoleService: a draft survives a new service."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from agentconsole.service import ConsoleService
from agentconsole.store import open_db
from tests.mailfactory import ingest, mail, make_config


@pytest.fixture
def service(tmp_path: Path) -> ConsoleService:
    path = tmp_path / "s.db"
    conn = open_db(path).conn
    ingest(conn, [mail(sender="Ann Lee <ann@example.org>", subject="Card declined")])
    conn.close()
    return ConsoleService(path, make_config())


def test_a_saved_draft_is_offered_back_after_a_restart(service: ConsoleService) -> None:
    draft = service.new_draft(1, "reply", canned_text="Sorry.")
    assert draft.id is None and draft.body.startswith("Dear Ann Lee,\n\nSorry.")
    saved = service.save_draft(replace(draft, body=draft.body + "More."))
    assert saved.id == 1
    again = ConsoleService(service.db_path, service.config)  # the app quit and came back
    assert again.drafts_for(1) == [saved]
    assert again.discard_draft(1) is True
    assert again.drafts_for(1) == []
    assert again.discard_draft(1) is False


def test_the_outbox_of_a_ticket(service: ConsoleService) -> None:
    from agentconsole.compose.send import record_draft
    from agentconsole.store import open_db

    assert service.outbox_for(1) == []
    conn = open_db(service.db_path).conn
    draft = service.new_draft(1, "reply", canned_text="Done.")
    record_draft(conn, draft, service.config, actor="lin")
    conn.close()
    [entry] = service.outbox_for(1)
    assert (entry.status, entry.to, entry.subject) == (
        "queued",
        ("ann@example.org",),
        draft.subject,
    )
