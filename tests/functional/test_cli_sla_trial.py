"""What a newcomer's trial of ``agentconsole sla`` found, through the real entry
point: long periods refused (never cut), hostile names in every format, the states
``explain`` shows, ``recompute`` under the file in force, and the small errors."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import ROOT
from tests.functional.test_cli_sla import demo_env


@pytest.fixture
def env(demo_template: Path, tmp_path: Path) -> dict[str, str]:
    return demo_env(demo_template, tmp_path)


def test_report_refuses_a_period_over_a_year_naming_the_option(env: dict[str, str]) -> None:
    for args, message in (
        (("--since", "500d"), "--since 500d: a report covers at most 366 days;"),
        (("--since", "99999d"), "--since 99999d: a report covers at most 366 days;"),
        (
            ("--from", "2024-01-01", "--to", "2026-01-01"),
            "--from 2024-01-01 --to 2026-01-01: 732 days; a report covers at most 366 days",
        ),
        (("--from", "2026-01-01", "--to", "9999-12-31"), "--to 9999-12-31: use a year from 1970"),
        (("--from", "0001-01-01", "--to", "2026-01-01"), "--from 0001-01-01: use a year from"),
        (("--since", ""), "--since '': use an age like 30d"),
    ):
        result = run(env, "sla", "report", *args, "--format", "json", check=False)
        assert (result.returncode, result.stdout) == (2, ""), args
        assert result.stderr.startswith("error: " + message), result.stderr
        assert "Traceback" not in result.stderr
    year = json.loads(run(env, "sla", "report", "--since", "366d", "--format", "json").stdout)
    assert len(year["days"]) == 367  # the partial first day, the whole year, today
    whole = run(env, "sla", "report", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    days = json.loads(whole.stdout)["days"]
    assert (days[0]["day"], days[-1]["day"], len(days)) == ("2026-01-01", "2026-12-31", 365)


PERIOD = ("--from", "2026-10-01", "--to", "2026-11-22")
HOSTILE = "ev\x1b]0;pwned\x07il\x9b"


def _assign(env: dict[str, str], ticket_id: int, agent: str) -> None:
    from agentconsole.domain.tickets import update_ticket
    from agentconsole.store.db import connect

    conn = connect(env["AGENTCONSOLE_DB"])
    try:
        update_ticket(conn, [ticket_id], "assignee", agent, actor="test")
    finally:
        conn.close()


def test_report_shows_control_characters_in_names_as_symbols_in_every_format(
    env: dict[str, str], tmp_path: Path
) -> None:
    _assign(env, 1, HOSTILE)
    shown = "ev\u241b]0;pwned\u2407il\ufffd"
    out = tmp_path / "r.html"
    run(env, "sla", "report", *PERIOD, "--by", "agent", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])  # well-formed XML, after the doctype
    names = [row.find("td").text for row in root.iter("tr") if row.find("td") is not None]
    assert shown in names and "(unassigned)" in names
    assert not any(ch in text for ch in "\x1b\x07\x9b")
    csv_text = run(env, "sla", "report", *PERIOD, "--by", "agent", "--format", "csv").stdout
    groups = {line.split(",")[0] for line in csv_text.splitlines()[1:]}
    assert {shown, "(unassigned)"} <= groups
    assert not any(ch in csv_text for ch in "\x1b\x07\x9b")
    table = run(env, "sla", "report", *PERIOD, "--by", "agent").stdout
    assert any(line.startswith(shown + " ") for line in table.splitlines())
    assert any(line.startswith("(unassigned) ") for line in table.splitlines())
    assert not any(ch in table for ch in "\x1b\x07\x9b")


def test_explain_keeps_a_breach_of_a_clock_stopped_by_solving(env: dict[str, str]) -> None:
    """A next-response clock that ran past its due time, then stopped when the ticket
    was solved without a reply, is "stopped" with its breach, not "not started"."""
    from agentconsole.domain.tickets import update_ticket
    from agentconsole.sla.explain import explain
    from agentconsole.sla.policies import load_policy_set
    from agentconsole.store.db import connect
    from agentconsole.store.tickets import ticket_refs

    conn = connect(env["AGENTCONSOLE_DB"])
    try:
        policies = load_policy_set(None, config_dir=None)
        now = int(time.time())
        late = [
            ticket_id
            for (ticket_id,) in conn.execute("SELECT id FROM tickets WHERE status = 'open'")
            if any(
                c.clock == "next_response" and c.running and c.breached_at is not None
                for c in getattr(explain(conn, ticket_id, policies, now=now), "clocks", ())
            )
        ]
        assert late, "the demo mailbox has an open ticket waiting past its next response"
        update_ticket(conn, [late[0]], "status", "solved", actor="test")
        ref = ticket_refs(conn, [late[0]])[late[0]]
    finally:
        conn.close()
    data = json.loads(run(env, "sla", "explain", ref, "--json").stdout)
    [clock] = [c for c in data["clocks"] if c["clock"] == "next_response"]
    assert clock["state"] == "stopped"
    assert clock["breached_at"] is not None and clock["elapsed"] > clock["target"]
    assert clock["due"] is None
    text = run(env, "sla", "explain", ref).stdout
    line = next(line for line in text.splitlines() if line.startswith("next response "))
    assert " stopped " in line and not line.endswith(" no")


def test_recompute_refuses_a_file_not_in_force_and_counts_escalations(
    env: dict[str, str], tmp_path: Path
) -> None:
    strict = tmp_path / "strict.toml"
    shipped = (ROOT / "data" / "sla.toml").read_text(encoding="utf-8")
    strict.write_text(
        shipped.replace('first_response = "24h"', 'first_response = "1m"'), encoding="utf-8"
    )
    before = run(env, "tickets", "due:any", "--json", "--limit", "500").stdout
    result = run(env, "sla", "recompute", "--policies", str(strict), check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"error: --policies {strict} is not the policy file in force ("
    ), result.stderr
    assert f"try it with `agentconsole sla simulate --policies {strict}`" in result.stderr
    assert run(env, "tickets", "due:any", "--json", "--limit", "500").stdout == before
    in_force = run(env, "sla", "recompute", "--policies", str(ROOT / "data" / "sla.toml"))
    assert in_force.stdout.startswith("recomputed 165 tickets under ")
    assert ": 0 changed, 0 escalations applied, in " in in_force.stdout


def test_explain_says_when_the_stored_due_time_is_from_an_older_policy_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    listing = run(env, "tickets", "due:any", "--json", "--limit", "1").stdout
    ref = json.loads(listing)["tickets"][0]["ref"]
    fresh = json.loads(run(env, "sla", "explain", ref, "--json").stdout)
    assert fresh["stored_due_current"] is True and fresh["stored_due"] == fresh["due"]
    assert "stored due" not in run(env, "sla", "explain", ref).stdout
    edited = tmp_path / "edited.toml"
    shipped = (ROOT / "data" / "sla.toml").read_text(encoding="utf-8")
    edited.write_text(shipped.replace('"24h"', '"1m"').replace('"4h"', '"1m"'), encoding="utf-8")
    trying = run(env, "sla", "explain", ref, "--policies", str(edited)).stdout.splitlines()
    assert trying[2].startswith("stored due ")
    assert f"(the queue's) is by the policy file in force; {edited} would give 20" in trying[2]
    Path(env["AGENTCONSOLE_CONFIG"]).write_text(f'[sla]\npolicies = "{edited}"\n')
    stale = json.loads(run(env, "sla", "explain", ref, "--json").stdout)
    assert stale["stored_due_current"] is False
    assert stale["stored_due"] == fresh["due"] != stale["due"]
    line = run(env, "sla", "explain", ref).stdout.splitlines()[2]
    assert line.startswith("stored due ") and "is from an older policy file" in line
    assert line.endswith("by the file in force now: run agentconsole sla recompute")
    run(env, "sla", "recompute")
    assert json.loads(run(env, "sla", "explain", ref, "--json").stdout)["stored_due_current"]


def test_check_names_a_year_without_holiday_data_as_the_dashboard_says(
    env: dict[str, str],
) -> None:
    """The dashboard's warning for a period in 2027 names ``sla check --year 2027``;
    that command finds the problem (the shipped calendar has no 2027 data)."""
    result = run(env, "sla", "check", "--year", "2027", check=False)
    assert result.returncode == 1
    [problem, summary] = result.stderr.strip().splitlines()
    assert 'calendar "cn": the holidays package has no official CN holiday data for 2027' in (
        problem
    )
    assert 'workdays = ["2027-..."]' in problem
    assert summary.endswith("sla.toml: 1 problem")
    bad = run(env, "sla", "check", "--year", "99999", check=False)
    assert bad.returncode == 2 and "--year" in bad.stderr and "Traceback" not in bad.stderr


def test_report_format_and_out_mistakes_are_errors_that_say_what_to_do(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "r.txt"
    for args, message in (
        (
            ("--format", "table", "--out", str(out)),
            f"--out {out}: --format table prints to the terminal; a file holds --format json,",
        ),
        (("--out", str(out)), f"--out {out}: a file holds json, csv or html: name it .json,"),
        (("--json", "--format", "csv"), "--json and --format csv disagree: give one of them"),
    ):
        result = run(env, "sla", "report", *PERIOD, *args, check=False)
        assert (result.returncode, result.stdout) == (2, ""), args
        assert result.stderr.startswith("error: " + message), result.stderr
    assert not out.exists()
    assert json.loads(run(env, "sla", "report", *PERIOD, "--json", "--format", "json").stdout)


def test_explain_of_a_merged_ref_names_the_ticket_it_went_into(env: dict[str, str]) -> None:
    listing = json.loads(run(env, "tickets", "--json", "--limit", "2").stdout)["tickets"]
    first, second = (t["ref"] for t in listing)
    merged = run(env, "merge", first, second).stdout.split()
    gone, kept = merged[1], merged[3]
    text = run(env, "sla", "explain", gone).stdout.splitlines()
    assert text[0] == (
        f"{gone} leads to {kept} (merged into it, or its first message is there):"
        f" these are {kept}'s clocks"
    )
    assert text[1].startswith(f"{kept}: ")
    data = json.loads(run(env, "sla", "explain", gone, "--json").stdout)
    assert (data["asked"], data["ref"]) == (gone, kept)
    assert run(env, "sla", "explain", kept).stdout.startswith(f"{kept}: first matching policy")


def test_check_and_recompute_print_whole_lines_when_piped(
    env: dict[str, str], tmp_path: Path
) -> None:
    narrow = dict(env, COLUMNS="40")
    folder = tmp_path / "a-folder-with-a-rather-long-name-to-pass-forty-columns"
    folder.mkdir()
    one = folder / "one.toml"
    one.write_text(
        '[calendars.all]\ntimezone = "UTC"\nhours = { mon = ["09:00-18:00"] }\n\n'
        '[[policies]]\nname = "all"\nwhen = ""\ncalendar = "all"\nfirst_response = "1h"\n',
        encoding="utf-8",
    )
    [line] = run(narrow, "sla", "check", "--policies", str(one)).stdout.splitlines()
    assert line == f"{one}: ok (1 policy, 1 calendar, 0 escalation rules)"
    [line] = run(narrow, "sla", "recompute").stdout.splitlines()
    assert line.startswith("recomputed 165 tickets under ")
    assert line.endswith(" s")
