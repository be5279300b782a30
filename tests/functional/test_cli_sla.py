"""``agentconsole sla`` through the real entry point on the demo mailbox: report in
every format, explain, simulate, check, recompute, and the errors users see."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import ROOT

PERIOD = ("--from", "2026-10-01", "--to", "2026-11-22")


def demo_env(demo_template: Path, tmp: Path) -> dict[str, str]:
    """The CLI's environment on a copy of the demo store in ``tmp``, no config, UTC."""
    shutil.copy(demo_template, tmp / "s.db")
    return dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
        COLUMNS="200",
        NO_COLOR="1",
        TZ="UTC",
    )


@pytest.fixture(scope="module")
def env(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return demo_env(demo_template, tmp_path_factory.mktemp("sla"))


def test_report_json_has_both_sections_with_their_figures(env: dict[str, str]) -> None:
    result = run(env, "sla", "report", *PERIOD, "--format", "json")
    data = json.loads(result.stdout)
    assert data["tickets"] > 100
    for section in ("first_response", "resolution"):
        figures = data[section]
        assert set(figures) >= {"median", "p90", "met", "breached", "target", "targets"}
        assert figures["breached"] > 0
    first = data["first_response"]
    assert 0 <= first["median"] <= first["p90"]
    assert first["targets"]["standard"] == 24 * 3600
    assert first["met"] + first["breached"] <= first["held"]
    assert len(data["days"]) == 53  # every day of the period, quiet ones too
    assert data["since"] == "2026-10-01T00:00:00+00:00"


def test_report_by_agent_table_and_csv(env: dict[str, str]) -> None:
    table = run(env, "sla", "report", *PERIOD, "--by", "priority").stdout
    lines = table.splitlines()
    assert lines[0] == "SLA, tickets created 2026-10-01 to 2026-11-22 (business time)"
    assert lines[1].split()[:4] == ["priority", "count", "first", "reply"]
    assert lines[2].startswith("all ")
    assert any(line.startswith("urgent ") for line in lines)
    csv_text = run(env, "sla", "report", *PERIOD, "--by", "category", "--format", "csv").stdout
    header, *rows = csv_text.splitlines()
    assert header.startswith("group,tickets,first_response_target,first_response_median")
    assert {row.split(",")[0] for row in rows} >= {"withdrawal", "security"}


def test_report_html_is_one_self_contained_xml_file_with_charts(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "sla.html"
    result = run(env, "sla", "report", *PERIOD, "--by", "agent", "--out", str(out))
    assert result.stderr.strip() == f"wrote {out}"
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])  # after <!DOCTYPE html>
    assert root.tag == "html"
    charts = root.findall(".//svg")
    assert [c.get("aria-label") for c in charts] == [
        "Breaches per day",
        "Incoming tickets per day",
        "median against target",
    ]
    assert len(charts[0].findall("rect")) == 53
    for reference in ("http:", "https:", "src=", "href=", "url(", "@import", "<script"):
        assert reference not in text


def test_report_errors_are_one_line_and_exit_2(env: dict[str, str]) -> None:
    for args, message in (
        (("--since", "30d", "--from", "2026-10-01"), "--since cannot be combined"),
        (("--from", "2026-10-01"), "--from and --to go together"),
        (("--from", "2026-13-01", "--to", "2026-10-01"), "--from 2026-13-01: use a date"),
        (("--since", "forever"), "--since forever: use an age like 30d"),
        (("--from", "2026-10-05", "--to", "2026-10-01"), "--to 2026-10-01 is before"),
    ):
        result = run(env, "sla", "report", *args, check=False)
        assert result.returncode == 2, args
        assert result.stderr.startswith("error: " + message), result.stderr
        assert "Traceback" not in result.stderr


def test_explain_json_names_the_policy_and_due_times(env: dict[str, str]) -> None:
    listing = run(env, "tickets", "due:any", "--json", "--limit", "1").stdout
    ref = json.loads(listing)["tickets"][0]["ref"]
    data = json.loads(run(env, "sla", "explain", ref, "--json").stdout)
    assert data["ref"] == ref
    assert data["policy"] in {"standard", "urgent money", "money", "security", "complaint"}
    assert data["why"].startswith(f'first matching policy "{data["policy"]}"')
    assert set(data) >= {"first_response_due", "next_response_due", "resolution_due", "segments"}
    dues = [data[f"{c}_due"] for c in ("first_response", "next_response", "resolution")]
    assert any(d is not None for d in dues)
    for due in dues:
        assert due is None or due.endswith("+08:00")  # the calendar's Asia/Shanghai
    assert data["segments"] and all(s["seconds"] > 0 for s in data["segments"])
    text = run(env, "sla", "explain", ref).stdout
    assert text.startswith(f'{ref}: first matching policy "{data["policy"]}"')
    assert "business time that counted" in text


def test_explain_an_unknown_ticket_exits_1(env: dict[str, str]) -> None:
    result = run(env, "sla", "explain", "T-ZZZZZZZZ", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no ticket T-ZZZZZZZZ"


def test_simulate_a_stricter_file_finds_more_breaches_and_writes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    strict = tmp_path / "strict.toml"
    shipped = (ROOT / "data" / "sla.toml").read_text(encoding="utf-8")
    strict.write_text(
        shipped.replace('first_response = "24h"', 'first_response = "1m"'), encoding="utf-8"
    )
    before = run(env, "sla", "report", *PERIOD, "--format", "json").stdout
    data = json.loads(
        run(env, "sla", "simulate", "--policies", str(strict), "--since", "400d", "--json").stdout
    )
    assert data["breached_with_policies"] > data["breached_now"]
    assert (
        data["newly_breached"]["count"]
        == data["breached_with_policies"]
        - data["breached_now"]
        + data["no_longer_breached"]["count"]
    )
    assert data["by_policy"]["standard"]["then"] >= data["by_policy"]["standard"]["now"]
    assert run(env, "sla", "report", *PERIOD, "--format", "json").stdout.replace("now", "").count(
        "breached"
    ) == before.replace("now", "").count("breached")
    text = run(env, "sla", "simulate", "--policies", str(strict), "--since", "400d").stdout
    assert text.splitlines()[0].startswith(f"{data['tickets']} tickets replayed under {strict}")


def test_check_passes_the_shipped_file_and_reports_a_bad_one(
    env: dict[str, str], tmp_path: Path
) -> None:
    ok = run(env, "sla", "check")
    assert ok.stdout.strip().endswith("calendars, 3 escalation rules)")
    assert "data/sla.toml: ok (" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[[policies]]\nname = "x"\nwhen = "priority:soon"\ncalendar = "cn"\n')
    result = run(env, "sla", "check", "--policies", str(bad), check=False)
    assert result.returncode == 1
    assert "priority:soon" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {bad}: ")
    missing = run(env, "sla", "check", "--policies", str(tmp_path / "no.toml"), check=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_recompute_reports_every_ticket(env: dict[str, str]) -> None:
    result = run(env, "sla", "recompute")
    assert result.stdout.startswith("recomputed 165 tickets under ")
    assert ": 0 changed, 0 escalations applied, in " in result.stdout  # computed on import


def test_a_broken_policy_file_stops_a_change_with_one_line(cli_env: dict[str, str]) -> None:
    """Mail cannot be filed without its due times: the import stops, nothing half done."""
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    (config.parent / "sla.toml").write_text('[[policies]]\nname = "x"\nwhen = "due:soon"\n')
    result = run(cli_env, "import", str(ROOT / "data" / "demo" / "support.mbox"), check=False)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {config.parent / 'sla.toml'}")
    assert "sla check" in line
    assert "Traceback" not in result.stderr
    count = run(cli_env, "tickets", "--json", check=False)
    assert count.returncode == 1  # no ticket was stored


def test_report_and_explain_load_no_console_no_import_and_json_no_rich(
    env: dict[str, str], tmp_path: Path
) -> None:
    from tests.unit.test_import_hygiene import NEVER_FOR_READS, _matching, loaded

    db = env["AGENTCONSOLE_DB"]
    for args in (
        ("sla", "report", *PERIOD, "--format", "json"),
        ("sla", "explain", "T-QFMX95MZ", "--json"),
    ):
        modules = loaded(tmp_path, "--db", db, *args)
        assert "agentconsole.cli.sla_cmd" in modules
        assert _matching(modules, ("rich", *NEVER_FOR_READS)) == [], args
