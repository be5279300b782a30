"""Events are listed in the order every machine agrees on: the shared log's position
(``log_seq``), then, for events not in the log yet, their UUIDv7."""

from __future__ import annotations

from agentconsole.store.db import connect
from agentconsole.store.events import record_event, ticket_events
from tests.mailfactory import ingest, mail


def test_logged_events_come_first_by_position_then_the_rest_by_uuid() -> None:
    conn = connect(memory=True)
    ingest(conn, [mail(msgid="<a1@example.com>", subject="Withdrawal not received")])
    conn.execute("DELETE FROM events")
    # Written here in this order (local ids 1..4), but created elsewhere earlier or
    # later, and partly placed in the shared log already.
    uuids = {
        "late": "0195f000-0000-7000-8000-000000000004",
        "early": "0195f000-0000-7000-8000-000000000001",
        "logged_second": "0195f000-0000-7000-8000-000000000009",
        "logged_first": "0195f000-0000-7000-8000-000000000008",
    }
    for kind, uuid in uuids.items():
        record_event(conn, kind, actor="lin", ticket_id=1, uuid=uuid, origin="elsewhere")
    conn.execute("UPDATE events SET log_seq = 7 WHERE kind = 'logged_second'")
    conn.execute("UPDATE events SET log_seq = 3 WHERE kind = 'logged_first'")
    events = ticket_events(conn, 1)
    assert [e.kind for e in events] == ["logged_first", "logged_second", "early", "late"]
    assert [e.log_seq for e in events] == [3, 7, None, None]
    assert {e.origin for e in events} == {"elsewhere"}
    ref = conn.execute("SELECT ref FROM tickets WHERE id = 1").fetchone()[0]
    assert {e.ticket_ref for e in events} == {ref}
