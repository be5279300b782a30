"""Which recorded events wait for the team log: record_event queues them (migration 17
dropped the trigger that did, at a cost on every event an import records)."""

from __future__ import annotations

from agentconsole.store import open_db
from agentconsole.store.events import record_event
from agentconsole.store.remote_events import machine_id, queued_count
from tests.mailfactory import ingest
from tests.teamlog import ticket_mail


def test_an_agents_event_of_this_machine_is_queued_and_nobody_elses() -> None:
    conn = open_db(memory=True).conn
    ours = machine_id(conn)
    queued = [
        record_event(conn, "status", actor="alice", ticket_id=1, data={"to": "open"}),
        record_event(conn, "tag_added", actor="bob", ticket_id=1, origin=ours),
    ]
    record_event(conn, "status", actor="import", ticket_id=1)
    record_event(conn, "sla_breached", actor="sla", ticket_id=1)
    record_event(conn, "status", actor="carol", ticket_id=1, origin="feedface")
    rows = conn.execute("SELECT event_id, appended_at FROM team_outbox ORDER BY 1").fetchall()
    assert rows == [(queued[0], None), (queued[1], None)]


def test_imported_mail_queues_nothing_and_the_trigger_is_gone() -> None:
    conn = open_db(memory=True).conn
    ingest(conn, [ticket_mail(n) for n in range(3)])
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 6
    assert queued_count(conn) == 0
    triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert triggers == []
