"""domain.sla on real SQLite with the real clocks and a policy file: due times follow
every change in its transaction, at-risk and breach events are recorded once at their
instant, escalation rules act on recent instants only, merges and recompute-all."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from agentconsole.domain import sla
from agentconsole.domain.merge import merge_tickets
from agentconsole.domain.sla_escalation import WANTS_SUPERVISOR, supervisor_requested
from agentconsole.domain.tickets import update_ticket
from agentconsole.sla.policies import PolicySet, parse_policy_text
from agentconsole.store.query import compile_query
from agentconsole.store.tickets import count_tickets, get_ticket
from tests.mailfactory import SUPPORT, ingest, mail

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DAY = '["09:00-12:00", "13:00-18:00"]'
_HOURS = "{ " + ", ".join(f"{d} = {_DAY}" for d in ("mon", "tue", "wed", "thu", "fri")) + " }"
POLICIES = """
[calendars.cn]
timezone = "Asia/Shanghai"
hours = HOURS

[[policies]]
name = "urgent"
when = "priority:urgent"
calendar = "cn"
first_response = "1h"
resolution = "8h"

[[policies]]
name = "standard"
when = ""
calendar = "cn"
first_response = "2h"
next_response = "4h"
resolution = "16h"

[[escalations]]
name = "late"
on = "breach"
clocks = ["first_response"]
raise_priority = true
add_tag = "late"
assign_to = "lead"
""".replace("HOURS", _HOURS)


def at(text: str) -> int:
    """An instant in Shanghai time, e.g. '2026-11-16 10:00' (a Monday)."""
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI).timestamp())


MONDAY_10 = at("2026-11-16 10:00")


@pytest.fixture
def policies() -> Iterator[PolicySet]:
    policy_set = parse_policy_text(POLICIES, "test.toml")
    sla.use_policy_set(policy_set)
    yield policy_set
    sla.use_policy_set(None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The time the import, the domain and the query language read; tests move it."""
    now = [MONDAY_10 + 1800]
    for module in (
        "agentconsole.ingest.writer",
        "agentconsole.domain.tickets",
        "agentconsole.store.query",
    ):
        monkeypatch.setattr(f"{module}.time.time", lambda: float(now[0]))
    yield now


def _columns(conn: sqlite3.Connection, ticket_id: int = 1) -> dict[str, object]:
    cursor = conn.execute(
        "SELECT sla_policy, due_at, first_response_due_at, sla_at_risk_at, sla_breached_at,"
        " first_response_secs, sla_watch_at FROM tickets WHERE id = ?",
        (ticket_id,),
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _sla_events(conn: sqlite3.Connection) -> list[tuple[str, object, int]]:
    rows = conn.execute(
        "SELECT kind, json_extract(data, '$.clock'), at FROM events"
        " WHERE kind IN ('sla_at_risk', 'sla_breached') ORDER BY at, id"
    )
    return [(str(k), c, int(a)) for k, c, a in rows]


def _customer_mail(**values: object) -> bytes:
    fields = {
        "msgid": "<q1@x>",
        "subject": "A question",
        "body": "hello",
        "date": "Mon, 16 Nov 2026 10:00:00 +0800",
    }
    fields.update(values)
    return mail(**fields)  # type: ignore[arg-type]


def test_mail_arriving_sets_due_times_in_business_time(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(conn, [_customer_mail()])
    assert _columns(conn) == {
        "sla_policy": "standard",
        "due_at": at("2026-11-16 12:00"),  # 10:00 + 2 h of working time
        "first_response_due_at": at("2026-11-16 12:00"),
        "sla_at_risk_at": at("2026-11-16 11:30"),  # 75% of 2 h
        "sla_breached_at": at("2026-11-16 12:00"),  # to come
        "first_response_secs": None,
        "sla_watch_at": at("2026-11-16 11:30"),
    }
    assert _sla_events(conn) == []


def test_due_filters_use_the_at_risk_share(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(conn, [_customer_mail()])
    for moment, risk, breached in (
        ("2026-11-16 11:29", 0, 0),
        ("2026-11-16 11:30", 1, 0),
        ("2026-11-16 11:59", 1, 0),
        ("2026-11-16 12:01", 0, 1),
    ):
        clock[0] = at(moment)
        assert count_tickets(conn, compile_query("due:risk")) == risk, moment
        assert count_tickets(conn, compile_query("due:breached")) == breached, moment


def test_sweep_records_each_instant_once_and_escalates_a_recent_breach(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(conn, [_customer_mail()])
    assert sla.sweep(conn, policies, now=at("2026-11-16 11:00")) == 0  # nothing came yet
    assert sla.sweep(conn, policies, now=at("2026-11-16 11:40")) == 1
    assert _sla_events(conn) == [("sla_at_risk", "first_response", at("2026-11-16 11:30"))]
    assert sla.sweep(conn, policies, now=at("2026-11-16 11:50")) == 0  # recorded already
    clock[0] = at("2026-11-16 12:10")
    sla.sweep(conn, policies, now=clock[0])
    assert _sla_events(conn)[-1] == ("sla_breached", "first_response", at("2026-11-16 12:00"))
    ticket = get_ticket(conn, 1)
    assert (ticket.priority, ticket.assignee, ticket.tags) == ("high", "lead", ("late",))
    escalated = conn.execute(
        "SELECT actor, at, data FROM events WHERE kind = 'sla_escalated'"
    ).fetchall()
    assert escalated == [
        (
            "sla",
            clock[0],
            '{"actions": ["priority normal → high", "assigned to lead", "tag late"],'
            ' "at": ' + str(at("2026-11-16 12:00")) + ', "clock": "first_response",'
            ' "on": "breach", "rule": "late"}',
        )
    ]
    sla.sweep(conn, policies, now=at("2026-11-16 14:00"))
    assert conn.execute("SELECT count(*) FROM events WHERE kind LIKE 'sla_%'").fetchone() == (3,)


def test_history_is_not_new_work_no_escalation_for_an_old_breach(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    clock[0] = at("2026-11-20 10:00")  # imported four days later
    ingest(conn, [_customer_mail()])
    kinds = [kind for kind, _, _ in _sla_events(conn)]
    assert kinds.count("sla_breached") >= 1
    ticket = get_ticket(conn, 1)
    assert (ticket.priority, ticket.assignee, ticket.tags) == ("normal", None, ())


def test_our_reply_stops_the_first_response_clock_and_measures_it(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    reply = mail(
        sender=f"Support <{SUPPORT}>",
        to="wang@example.com",
        msgid="<r1@x>",
        in_reply_to="<q1@x>",
        subject="Re: A question",
        body="answered",
        date="Mon, 16 Nov 2026 13:30:00 +0800",
    )
    clock[0] = at("2026-11-16 14:00")
    ingest(conn, [_customer_mail(), reply])
    columns = _columns(conn)
    assert columns["first_response_secs"] == 2 * 3600 + 1800  # 10-12, 13-13:30
    assert columns["first_response_due_at"] is None
    assert columns["sla_breached_at"] == at("2026-11-16 12:00")  # it was late
    # pending on the customer: the resolution clock pauses, nothing is due
    assert columns["due_at"] is None


def test_a_field_change_moves_the_ticket_to_another_policy_in_its_transaction(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(conn, [_customer_mail()])
    update_ticket(conn, [1], "priority", "urgent", actor="lin")
    columns = _columns(conn)
    assert columns["sla_policy"] == "urgent"
    assert columns["due_at"] == at("2026-11-16 11:00")
    update_ticket(conn, [1], "status", "solved", actor="lin")
    assert _columns(conn)["due_at"] is None


def test_a_merged_ticket_has_no_clocks(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(
        conn,
        [
            _customer_mail(),
            _customer_mail(msgid="<q2@x>", subject="Other", sender="B <b@example.net>"),
        ],
    )
    assert _columns(conn, 2)["due_at"] is not None
    merge_tickets(conn, 1, 2, actor="lin", reason="same customer")
    assert _columns(conn, 2)["sla_policy"] is None and _columns(conn, 2)["due_at"] is None
    assert _columns(conn, 1)["sla_policy"] == "standard"


def test_recompute_all_in_batches_and_a_new_policy_file(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(
        conn,
        [
            _customer_mail(msgid=f"<q{i}@x>", subject=f"Q{i}", sender=f"C{i} <c{i}@example.net>")
            for i in range(5)
        ],
    )
    stricter = parse_policy_text(
        POLICIES.replace('first_response = "2h"', 'first_response = "30m"'), "strict.toml"
    )
    seen: list[tuple[int, int]] = []
    changed = sla.recompute_all(
        conn, stricter, now=clock[0], batch=2, progress=lambda d, t: seen.append((d, t))
    )
    assert changed == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert _columns(conn, 3)["first_response_due_at"] == at("2026-11-16 10:30")
    assert sla.recompute_all(conn, stricter, now=clock[0]) == 0  # nothing to change


def test_deferred_changes_wait_for_flush(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    with sla.deferred(conn):
        ingest(conn, [_customer_mail()])
        assert _columns(conn)["due_at"] is None  # noted, not computed
        conn.execute("BEGIN IMMEDIATE")
        assert sla.flush(conn, now=clock[0]) == 1
        conn.execute("COMMIT")
    assert _columns(conn)["due_at"] == at("2026-11-16 12:00")


def test_a_customer_asking_for_a_supervisor_is_flagged_once(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(conn, [_customer_mail()])
    conn.execute("BEGIN IMMEDIATE")
    assert supervisor_requested(conn, 1, actor="import", now=clock[0])
    assert not supervisor_requested(conn, 1, actor="import", now=clock[0])
    conn.execute("COMMIT")
    assert get_ticket(conn, 1).tags == (WANTS_SUPERVISOR,)
    kinds = [
        k
        for (k,) in conn.execute(
            "SELECT kind FROM events WHERE ticket_id = 1 AND kind LIKE 'escalation%'"
        )
    ]
    assert kinds == ["escalation_requested"]


def test_mail_asking_for_a_supervisor_flags_its_ticket(
    conn: sqlite3.Connection, policies: PolicySet, clock: list[int]
) -> None:
    ingest(
        conn,
        [
            _customer_mail(body="三天了还没到账，我要找你们主管！"),
            _customer_mail(
                msgid="<q2@x>",
                subject="Other",
                sender="B <b@example.net>",
                body="> speak to a manager\nThanks, all fine now.",
            ),
            mail(
                sender=f"Support <{SUPPORT}>",
                to="c@example.net",
                msgid="<o1@x>",
                subject="Hello",
                body="Please speak to a manager if you like.",
            ),
        ],
    )
    tags = {row[0]: row[1] for row in conn.execute("SELECT ticket_id, tag FROM ticket_tags")}
    assert tags == {1: WANTS_SUPERVISOR}  # not a quote, not our own mail
    [(actor, data)] = conn.execute(
        "SELECT actor, data FROM events WHERE kind = 'escalation_requested'"
    ).fetchall()
    assert actor == "import" and "supervisor" in data
