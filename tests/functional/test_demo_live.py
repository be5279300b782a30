"""``agentconsole demo`` shows a live queue whenever it is run: tickets at risk of
breaching their SLA, tickets breached, and the bundled demo files left as they are.

The demo moves its mail forward by whole weeks to the present (agentconsole/demo_mail.py);
these tests build the demo database as the command does, at chosen moments (the clock
patched, as the screenshots do), and count what the dashboard's "now" panel shows."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from agentconsole.cli import Context
from agentconsole.cli.console_cmd import DEMO_MAILBOX, RECENT_MAILBOX, build_demo_db
from agentconsole.demo_mail import DEMO_END, WEEK, demo_shift, shift_message
from agentconsole.store import open_db
from agentconsole.store.dashboard_rows import now_figures
from tests.cli import run
from tests.mailfactory import make_config

SHANGHAI = timedelta(hours=8)

MOMENTS = {
    # the wall-clock time in Shanghai, where the demo's team works
    "saturday night": datetime(2026, 12, 5, 22, 0) - SHANGHAI,
    "monday 09:05": datetime(2026, 12, 7, 9, 5) - SHANGHAI,
    "wednesday afternoon": datetime(2026, 12, 9, 15, 30) - SHANGHAI,
    "friday after work": datetime(2026, 12, 11, 18, 30) - SHANGHAI,
    "a thursday next year": datetime(2027, 4, 15, 11, 0) - SHANGHAI,
    "sunday before the data ends": datetime(2026, 11, 22, 20, 0) - SHANGHAI,
}


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=list(MOMENTS))
def test_the_demo_has_tickets_at_risk_and_breached_whenever_it_starts(
    moment: datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = moment.replace(tzinfo=UTC)
    monkeypatch.setattr(time, "time", lambda: now.timestamp())
    target = tmp_path / "demo.db"

    imported = build_demo_db(target, Context(make_config(), str(target)))

    conn = open_db(target).conn
    figures = now_figures(conn, now=int(now.timestamp()), day_start=int(now.timestamp()))
    newest = conn.execute("SELECT max(created_at) FROM tickets").fetchone()[0]
    conn.close()
    assert imported > 400
    assert 3 <= figures.totals.at_risk <= 20, figures.totals
    assert figures.totals.breached >= 3
    assert figures.totals.open > figures.totals.breached + figures.totals.at_risk
    # the newest ticket came in within the last week, none in the future
    assert now.timestamp() - 7 * 86400 < newest <= now.timestamp()


def test_the_shift_is_whole_weeks_and_lands_now_in_the_last_week_of_the_data() -> None:
    for hours in range(0, 24 * 400, 37):
        now = datetime(2026, 11, 30, tzinfo=UTC) + timedelta(hours=hours)
        shift = demo_shift(now)
        assert shift % WEEK == timedelta(0)
        assert DEMO_END - WEEK <= now - shift < DEMO_END


def test_only_the_date_header_moves() -> None:
    message = [
        b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n",
        b"From: a@example.com\n",
        b"Date: Fri, 20 Nov 2026 10:15:00 +0800\n",
        b"Subject: Date: not this\n",
        b"\n",
        b"Date: Fri, 20 Nov 2026 10:15:00 +0800\n",
    ]
    moved, when = shift_message(message, 2 * WEEK)
    assert moved[2] == b"Date: Fri, 04 Dec 2026 10:15:00 +0800\n"
    assert moved[:2] + moved[3:] == message[:2] + message[3:]
    assert when == parsedate_to_datetime("Fri, 04 Dec 2026 10:15:00 +0800")
    broken = [message[0], b"Date: the day after tomorrow\n", b"\n", b"body\n"]
    assert shift_message(broken, WEEK) == (broken, None)


def test_the_demo_command_at_this_moment(cli_env: dict[str, str], tmp_path: Path) -> None:
    bundled = {
        p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (DEMO_MAILBOX, RECENT_MAILBOX)
    }
    db = tmp_path / "demo.db"

    result = run(cli_env, "demo", "--no-console", "--keep", str(db))

    assert result.stdout.startswith("demo database with ")
    env = cli_env | {"AGENTCONSOLE_DB": str(db)}
    at_risk = json.loads(run(env, "tickets", "due:risk", "--json").stdout)["total"]
    breached = json.loads(run(env, "tickets", "due:breached", "--json").stdout)["total"]
    assert at_risk >= 3 and breached >= 3
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundled} == bundled
    assert sorted(p.name for p in tmp_path.iterdir() if "demo" in p.name) == ["demo.db"]
