"""The team event log without a server: two (or more) real databases, a list as the
Events folder. Changes travel as the codec's bytes and are applied in log order by
the domain layer; every machine ends with the same tickets."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentconsole.domain import claims
from agentconsole.domain.merge import merge_tickets
from agentconsole.domain.tickets import escalate, set_tags, update_ticket
from agentconsole.store.events import record_event, ticket_events
from agentconsole.store.remote_events import pending_count, queued_count
from agentconsole.store.tickets import get_ticket
from agentconsole.sync.team_log import settle_pending, take_batches
from tests.mailfactory import ingest
from tests.teamlog import ListLog, machine, state, ticket_id, ticket_mail


def assign(conn: sqlite3.Connection, number: int, who: str | None, actor: str) -> None:
    update_ticket(conn, [ticket_id(conn, number)], "assignee", who, actor=actor)


def test_a_change_reaches_the_other_machine_once_and_is_not_published_again() -> None:
    a, b, log = machine(), machine(), ListLog()
    assign(a, 0, "alice", "alice")
    set_tags(a, [ticket_id(a, 0)], ["vip", "kyc"], [], actor="alice")
    update_ticket(a, [ticket_id(a, 0)], "status", "pending", actor="alice")
    assert log.publish(a) == 4
    assert log.publish(a) == 0  # appended: not again, though queued until read back
    assert queued_count(a) == 4
    assert [d.outcome for d in log.fetch(a)] == ["own"] * 4
    applied = log.fetch(b)
    assert [(d.kind, d.outcome) for d in applied] == [
        ("assignee", "applied"),
        ("tag_added", "applied"),
        ("tag_added", "applied"),
        ("status", "applied"),
    ]
    assert state(b, 0) == ("pending", "normal", "withdrawal", "alice", ("kyc", "vip"))
    assert state(a, 0) == state(b, 0)
    assert take_batches(b) == [] and queued_count(b) == 0 and queued_count(a) == 0
    # the event keeps its identity: uuid, actor, origin and log position
    (event_a,) = [e for e in ticket_events(a, ticket_id(a, 0)) if e.kind == "assignee"]
    (event_b,) = [e for e in ticket_events(b, ticket_id(b, 0)) if e.kind == "assignee"]
    assert (event_b.uuid, event_b.actor, event_b.origin, event_b.log_seq) == (
        event_a.uuid,
        "alice",
        event_a.origin,
        1 * 1024 + 0,
    )
    assert event_a.log_seq == event_b.log_seq
    assert log.fetch(b) == []  # the checkpoint moved: nothing read twice


def test_the_later_change_in_log_order_wins_on_both_machines() -> None:
    a, b, log = machine(), machine(), ListLog()
    assign(a, 0, "alice", "alice")
    assign(b, 0, "bob", "bob")
    log.publish(a)  # alice's change is first in the log, bob's is still queued at b
    (seen,) = log.fetch(b)
    assert (seen.kind, seen.outcome) == ("assignee", "superseded")
    assert get_ticket(b, ticket_id(b, 0)).assignee == "bob"
    log.sync(b)
    log.sync(a)
    assert get_ticket(a, ticket_id(a, 0)).assignee == "bob"
    assert state(a, 0) == state(b, 0)
    # both changes are in both histories, in the same order
    history = [[(e.uuid, e.log_seq) for e in ticket_events(c, ticket_id(c, 0))] for c in (a, b)]
    assert [h for h in history[0] if h[1]] == [h for h in history[1] if h[1]]


def test_tags_added_and_removed_at_once_converge() -> None:
    a, b, log = machine(), machine(), ListLog()
    set_tags(a, [ticket_id(a, 0)], ["refund"], [], actor="alice")
    log.sync(a)
    log.sync(b)
    set_tags(a, [ticket_id(a, 0)], [], ["refund"], actor="alice")
    set_tags(b, [ticket_id(b, 0)], ["urgent-kyc"], [], actor="bob")
    log.sync(b)
    log.sync(a)
    log.sync(b)
    assert get_ticket(a, ticket_id(a, 0)).tags == ("urgent-kyc",)
    assert state(a, 0) == state(b, 0)


def test_escalation_travels_as_its_priority_tag_and_record() -> None:
    a, b, log = machine(), machine(), ListLog()
    escalate(a, [ticket_id(a, 1)], actor="alice")
    log.sync(a)
    kinds = [(d.kind, d.outcome) for d in log.sync(b)]
    assert kinds == [
        ("priority", "applied"),
        ("tag_added", "applied"),
        ("escalated", "recorded"),
    ]
    assert state(b, 1) == state(a, 1) == ("new", "high", "withdrawal", None, ("escalated",))


def test_first_claim_in_log_order_wins_everywhere_and_the_loser_is_told() -> None:
    a, b, c, log = machine(), machine(), machine(), ListLog()
    claims.ask(b, ticket_id(b, 0), claims.CLAIM, "bob")
    claims.ask(a, ticket_id(a, 0), claims.CLAIM, "alice")
    assert claims.holder(a, ticket_id(a, 0)) is None  # asked, not decided
    log.publish(b)
    mine = [d for d in log.sync(a) if d.kind == "claim"]
    assert [(d.outcome, d.detail) for d in mine] == [
        ("applied", "claimed by bob"),
        ("own", "lost to bob"),
    ]
    log.sync(b)
    log.sync(c)
    assert [claims.holder(x, ticket_id(x, 0)) for x in (a, b, c)] == ["bob"] * 3
    # alice cannot release bob's claim; bob can, then alice's new claim wins
    claims.ask(a, ticket_id(a, 0), claims.RELEASE, "alice")
    log.sync(a)
    assert claims.holder(a, ticket_id(a, 0)) == "bob"
    claims.ask(b, ticket_id(b, 0), claims.RELEASE, "bob")
    log.sync(b)
    claims.ask(a, ticket_id(a, 0), claims.CLAIM, "alice")
    log.sync(a)
    for x in (b, c):
        log.sync(x)
    assert [claims.holder(x, ticket_id(x, 0)) for x in (a, b, c)] == ["alice"] * 3


def test_an_event_for_a_ticket_not_here_yet_waits_then_applies_in_order() -> None:
    a, log = machine(tickets=3), ListLog()
    b = machine(tickets=2)  # ticket 2's mail has not reached b
    assign(a, 2, "alice", "alice")
    assign(a, 2, "carol", "alice")
    claims.ask(a, ticket_id(a, 2), claims.CLAIM, "alice")
    log.sync(a)
    outcomes = [d.outcome for d in log.sync(b)]
    assert outcomes == ["pending"] * 3 and pending_count(b) == 3
    assert log.fetch(b) == []  # the checkpoint moved on; they wait in the table
    ingest(b, [ticket_mail(2)])
    done = settle_pending(b)
    assert [(d.kind, d.outcome) for d in done] == [
        ("assignee", "applied"),
        ("assignee", "applied"),
        ("claim", "applied"),
    ]
    assert pending_count(b) == 0 and queued_count(b) == 0
    assert state(b, 2) == state(a, 2) and get_ticket(b, ticket_id(b, 2)).assignee == "carol"
    assert claims.holder(b, ticket_id(b, 2)) == "alice"


def test_a_merge_is_replayed_and_its_consequences_are_not_published_again() -> None:
    a, b, log = machine(), machine(), ListLog()
    assign(a, 1, "alice", "alice")
    log.sync(a)
    log.sync(b)
    survivor, absorbed = ticket_id(a, 0), ticket_id(a, 1)
    merge_tickets(a, survivor, absorbed, actor="alice", reason="same customer")
    assert log.publish(a) == 1  # the survivor's ticket_merged only
    applied = log.sync(b)
    assert [(d.kind, d.outcome) for d in applied] == [("ticket_merged", "applied")]
    assert take_batches(b) == []
    after = get_ticket(b, ticket_id(b, 0))
    assert (after.assignee, after.message_count) == ("alice", 2)
    assert get_ticket(b, ticket_id(b, 1)).id == after.id  # the absorbed ref leads there


def test_changes_the_log_does_not_carry_leave_the_queue() -> None:
    a = machine()
    with_reveal = ticket_id(a, 0)
    from agentconsole.domain.tickets import record_reveal

    record_reveal(a, with_reveal, [], actor="alice")
    from agentconsole.store.db import write_txn

    with write_txn(a):
        record_event(a, "sensitive_revealed", actor="alice", ticket_id=with_reveal)
    assert queued_count(a) == 1
    assert take_batches(a) == [] and queued_count(a) == 0


def test_events_the_import_records_are_never_queued() -> None:
    a = machine(tickets=5)
    assert queued_count(a) == 0


OPS = st.lists(
    st.tuples(
        st.sampled_from("ab"),
        st.sampled_from(
            ["assign", "status", "tag", "untag", "claim", "release", "publish", "fetch"]
        ),
        st.integers(0, 1),
        st.sampled_from(["x", "y", "z"]),
    ),
    max_size=30,
)
STATUS_OF = {"x": "open", "y": "pending", "z": "solved"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_two_machines_converge_over_any_interleaving(ops: list[tuple[str, str, int, str]]) -> None:
    machines, log = {"a": machine(), "b": machine()}, ListLog()
    for name, op, number, value in ops:
        conn = machines[name]
        ids = [ticket_id(conn, number)]
        if op == "assign":
            update_ticket(conn, ids, "assignee", f"{value}-{name}", actor=name)
        elif op == "status":
            update_ticket(conn, ids, "status", STATUS_OF[value], actor=name)
        elif op in ("claim", "release"):
            claims.ask(conn, ids[0], op, f"agent-{value}")
        elif op in ("tag", "untag"):
            add, remove = ([value], []) if op == "tag" else ([], [value])
            set_tags(conn, ids, add, remove, actor=name)
        elif op == "publish":
            log.publish(conn)
        else:
            log.fetch(conn)
    for _ in range(2):
        for conn in machines.values():
            log.sync(conn)
    for number in (0, 1):
        assert state(machines["a"], number) == state(machines["b"], number)
        holders = {claims.holder(c, ticket_id(c, number)) for c in machines.values()}
        assert len(holders) == 1
    assert all(queued_count(c) == 0 for c in machines.values())


def write_note(conn: sqlite3.Connection, number: int, body: str) -> None:
    from agentconsole.compose.send import record_draft
    from agentconsole.store.drafts import Draft
    from tests.mailfactory import make_config

    draft = Draft(None, ticket_id(conn, number), "note", None, (), (), "note", body, (), 0)
    record_draft(conn, draft, make_config(agent="alice"), actor="alice")


def test_an_internal_note_travels_with_its_text_and_is_one_message_everywhere() -> None:
    from agentconsole.store.compose_reads import thread_message
    from agentconsole.store.messages import ticket_messages

    a, b, log = machine(), machine(), ListLog()
    write_note(a, 0, "客户已验证身份，可以退款 [bold]x[/] \x1b]0;t\x07")
    assert log.publish(a) == 1
    log.fetch(a)
    applied = log.fetch(b)
    assert [(d.kind, d.outcome) for d in applied] == [("note_added", "applied")]
    notes = [m for m in ticket_messages(b, ticket_id(b, 0)) if m.direction == "note"]
    assert len(notes) == 1
    assert "客户已验证身份，可以退款" in thread_message(b, notes[0].id).body_text
    (event_a,) = [e for e in ticket_events(a, ticket_id(a, 0)) if e.kind == "note_added"]
    (event_b,) = [e for e in ticket_events(b, ticket_id(b, 0)) if e.kind == "note_added"]
    assert (event_b.uuid, event_b.actor, event_b.log_seq) == (event_a.uuid, "alice", 1024)
    assert "raw" not in event_b.data
    assert take_batches(b) == [] and queued_count(b) == 0
    assert (
        get_ticket(b, ticket_id(b, 0)).message_count == get_ticket(a, ticket_id(a, 0)).message_count
    )


def test_a_note_whose_bytes_are_not_mail_is_kept_as_history_only() -> None:
    import base64

    from agentconsole.domain.remote import apply_event
    from agentconsole.store.db import write_txn
    from agentconsole.store.remote_events import LogEvent
    from agentconsole.sync.remote_notes import note_message

    b = machine()
    hostile = LogEvent(
        uuid="0190f5e2-7a3b-7c4d-8e5f-0123456789ab",
        kind="note_added",
        at=1_800_000_000,
        actor="mallory",
        origin="feedface",
        ticket_ref=get_ticket(b, ticket_id(b, 0)).ref,
        message_key="00",
        data={"raw": base64.b64encode(b"\x00" * 10).decode(), "attachments": 0},
    )
    with write_txn(b):
        done = apply_event(b, hostile, 5000, now=1, notes=note_message)
    assert (done.outcome, done.detail.startswith("the note cannot be read")) == ("recorded", True)
    assert get_ticket(b, ticket_id(b, 0)).message_count == 1
    (event,) = [e for e in ticket_events(b, ticket_id(b, 0)) if e.kind == "note_added"]
    assert (event.actor, event.data) == ("mallory", {"attachments": 0})


def test_an_appended_event_not_read_back_in_time_is_appended_again() -> None:
    import time

    from agentconsole.store.db import write_txn
    from agentconsole.store.remote_events import mark_appended, queued_events
    from agentconsole.sync.team_log import READ_BACK_SECONDS

    a, lost, log = machine(), ListLog(), ListLog()
    assign(a, 0, "alice", "alice")
    assert lost.publish(a) == 1  # a folder that is then lost
    assert lost.publish(a) == 0
    (queued,) = queued_events(a, 10, int(time.time()) + 1)
    with write_txn(a):
        mark_appended(a, [queued.event_id], int(time.time()) - READ_BACK_SECONDS - 1)
    assert log.publish(a) == 1
    b = machine()
    log.sync(b)
    log.fetch(a)
    assert state(b, 0) == state(a, 0) and queued_count(a) == 0


def test_a_hostile_event_is_skipped_with_its_reason_and_changes_nothing() -> None:
    from agentconsole.domain.remote import apply_event
    from agentconsole.store.db import write_txn
    from agentconsole.store.remote_events import LogEvent

    b = machine()
    ref = get_ticket(b, ticket_id(b, 0)).ref
    before = state(b, 0)

    def event(number: int, kind: str, data: dict[str, object]) -> LogEvent:
        uuid = f"0190f5e2-7a3b-7c4d-8e5f-{number:012d}"
        return LogEvent(uuid, kind, 1_800_000_000, "mallory", "feedface", ref, None, None, data)

    cases = [
        (event(1, "assignee", {"to": "eve\x1b]0;pwned\x07"}), "assignee holds control characters"),
        (
            event(2, "status", {"to": "deleted"}),
            "status 'deleted' is not one of new, open, pending, solved, closed",
        ),
        (event(3, "tag_added", {"tag": "VIP "}), "tag is not a trimmed lower-case name"),
        (event(4, "tag_added", {"tag": "a\x1bb"}), "tag holds control characters"),
        (event(5, "claim", {"agent": ""}), "claim: the agent name is empty"),
        (event(6, "drop_tables", {}), "unknown kind 'drop_tables'"),
        (event(7, "ticket_merged", {"survivor": ref}), "merge without both refs"),
    ]
    with write_txn(b):
        done = [apply_event(b, e, 9000 + i, now=1) for i, (e, _) in enumerate(cases)]
    assert [(d.outcome, d.detail) for d in done] == [("skipped", why) for _, why in cases]
    assert state(b, 0) == before and claims.holder(b, ticket_id(b, 0)) is None
    assert not [e for e in ticket_events(b, ticket_id(b, 0)) if e.actor == "mallory"]
