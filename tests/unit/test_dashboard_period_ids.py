"""The tickets behind each period number of the dashboard (its drill-down), on real
SQLite: a clock met or breached at the report's ``now``, incoming, first breached; the
half-open period, merged tickets left out, one local day; and the change stamp the
dashboard polls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentconsole.store.dashboard_rows import change_stamp, only_ids, period_ticket_ids
from agentconsole.store.db import connect
from agentconsole.store.query import compile_query
from agentconsole.store.tickets import count_tickets
from tests.mailfactory import ingest, mail

HOUR = 3600
DAY = 86400
T = int(datetime(2027, 3, 1, tzinfo=UTC).timestamp())  # the period starts, UTC midnight
SINCE, UNTIL, NOW = T, T + 3 * DAY, T + 2 * DAY

# ticket number: its SLA columns (the SLA engine writes these; set here by hand)
TICKETS: dict[int, dict[str, int | None]] = {
    # first response in time; resolution breached; late on day 1 UTC (day 2 at +08:00)
    1: {"created_at": T + 20 * HOUR, "first_response_secs": 100, "resolution_breached_at": T + DAY},
    # first response breached on day 2, and so the ticket's first breach
    2: {
        "created_at": T + DAY,
        "first_response_secs": 5000,
        "first_response_breached_at": T + DAY + 10,
        "sla_breached_at": T + DAY + 10,
    },
    # answered, its breach instant still ahead at the report's now: met; first breach now
    3: {
        "created_at": T,
        "first_response_secs": 100,
        "first_response_breached_at": NOW + 1,
        "resolution_breached_at": NOW,
        "sla_breached_at": NOW,
    },
    # created before the period, breached inside it
    4: {"created_at": T - 1, "first_response_secs": 10, "sla_breached_at": T + 5},
    # merged away: in no figure
    5: {"created_at": T, "first_response_secs": 10, "sla_breached_at": T + 5, "merged_into": 1},
    # created at the period's end: outside; breached after now: not yet
    6: {"created_at": UNTIL, "first_response_secs": 10, "sla_breached_at": NOW + 1},
    # not answered, not breached; resolved in time (solved unanswered)
    7: {"created_at": T + 2 * DAY - 1, "resolution_secs": 50},
}


@pytest.fixture
def store(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(
        conn,
        [
            mail(sender=f"C{n} <c{n}@example.org>", subject=f"Case {n}", msgid=f"<c{n}@x>")
            for n in TICKETS
        ],
    )
    with conn:
        # what the import's SLA pass wrote is replaced by exactly these columns
        conn.execute(
            "UPDATE tickets SET first_response_secs = NULL, resolution_secs = NULL,"
            " first_response_breached_at = NULL, resolution_breached_at = NULL,"
            " sla_breached_at = NULL"
        )
        for n, columns in TICKETS.items():
            sets = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(f"UPDATE tickets SET {sets} WHERE id = ?", (*columns.values(), n))
    return conn


def _ids(
    conn: sqlite3.Connection, figure: str, day: str | None = None, offset: int = 0
) -> list[int]:
    return period_ticket_ids(
        conn, figure, since=SINCE, until=UNTIL, now=NOW, offset=offset, day=day
    )


def test_each_figure_lists_its_tickets(store: sqlite3.Connection) -> None:
    assert _ids(store, "incoming") == [1, 2, 3, 7]
    assert _ids(store, "first_response_met") == [1, 3]
    assert _ids(store, "first_response_breached") == [2]
    assert _ids(store, "resolution_met") == [7]
    assert _ids(store, "resolution_breached") == [1, 3]
    assert _ids(store, "breaches") == [2, 3, 4]


def test_a_breach_counts_once_the_reports_now_reaches_it(store: sqlite3.Connection) -> None:
    later = NOW + 1
    assert period_ticket_ids(
        store, "first_response_met", since=SINCE, until=UNTIL, now=later, offset=0
    ) == [1]
    assert period_ticket_ids(
        store, "first_response_breached", since=SINCE, until=UNTIL, now=later, offset=0
    ) == [2, 3]
    assert period_ticket_ids(store, "breaches", since=SINCE, until=UNTIL, now=later, offset=0) == [
        2,
        3,
        4,
        6,
    ]
    # the period's end bounds the breaches too
    assert period_ticket_ids(store, "breaches", since=SINCE, until=NOW, now=later, offset=0) == [
        2,
        4,
    ]


def test_one_day_in_the_reports_time_zone(store: sqlite3.Connection) -> None:
    assert _ids(store, "incoming", day="2027-03-01") == [1, 3]
    assert _ids(store, "incoming", day="2027-03-02") == [2, 7]
    assert _ids(store, "incoming", day="2027-03-02", offset=8 * HOUR) == [1, 2]
    assert _ids(store, "first_response_met", day="2027-03-01") == [1, 3]
    assert _ids(store, "first_response_met", day="2027-03-01", offset=8 * HOUR) == [3]
    assert _ids(store, "breaches", day="2027-03-01") == [4]
    assert _ids(store, "breaches", day="2027-03-02") == [2]
    assert _ids(store, "breaches", day="2027-03-03") == [3]
    assert _ids(store, "incoming", day="2027-03-04") == []


@pytest.mark.parametrize(
    "figure", ["bogus_met", "first_response_late", "first_response", "breach", "met", ""]
)
def test_an_unknown_figure_is_refused(store: sqlite3.Connection, figure: str) -> None:
    with pytest.raises(ValueError, match=f"no such period figure: {figure!r}"):
        _ids(store, figure)


def test_a_query_narrowed_to_a_figures_tickets(store: sqlite3.Connection) -> None:
    query = compile_query("status:new,open")
    narrowed = only_ids(query, [2, 3, 99])
    assert narrowed.text == query.text
    assert narrowed.words == query.words
    assert count_tickets(store, query) == 7
    assert count_tickets(store, narrowed) == 2
    assert count_tickets(store, only_ids(query, [])) == 0
    with store:
        store.execute("UPDATE tickets SET status = 'solved' WHERE id = 3")
    assert count_tickets(store, narrowed) == 1


def test_the_change_stamp_moves_on_every_commit_from_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    mine, other = connect(path), connect(path)
    try:
        first = change_stamp(mine)
        assert change_stamp(mine) == first
        ingest(other, [mail()])
        second = change_stamp(mine)
        assert second[0] != first[0] and second[1] == first[1]
        ingest(mine, [mail(msgid="<m2@x>", subject="Another")])
        third = change_stamp(mine)
        assert third[0] == second[0] and third[1] > second[1]
    finally:
        mine.close()
        other.close()
