"""A report as JSON, CSV and HTML, with hostile names in it: agents and policies come
from people and mail, so they are escaped in the HTML and defused in the CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from agentconsole.sla.report import ClockFigures, DayFigures, GroupFigures, Report
from agentconsole.sla.report_formats import report_csv, report_dict, report_html

SINCE = 1_790_812_800  # 2026-10-01 00:00 UTC
HOSTILE = '<script>alert("x")</script>'


def _report() -> Report:
    first = ClockFigures(3600, held=4, measured=3, median=1800, p90=5400, met=2, breached=2)
    resolution = ClockFigures(None, held=4, measured=0, median=None, p90=None, met=0, breached=1)
    return Report(
        since=SINCE,
        until=SINCE + 2 * 86400,
        now=SINCE + 3 * 86400,
        by="agent",
        tickets=4,
        first_response=first,
        resolution=resolution,
        groups=(
            GroupFigures(HOSTILE, 3, first, resolution),
            GroupFigures('=HYPERLINK("x")', 1, first, resolution),
        ),
        days=(DayFigures("2026-10-01", 3, 1), DayFigures("2026-10-02", 1, 0)),
        targets={HOSTILE: {"first_response": 3600, "resolution": None}},
        utc_offset=8 * 3600,
    )


def test_json_sections() -> None:
    data = report_dict(_report())
    assert data["since"] == "2026-10-01T08:00:00+08:00"
    assert data["first_response"] == {
        "target": 3600,
        "held": 4,
        "measured": 3,
        "median": 1800,
        "p90": 5400,
        "met": 2,
        "breached": 2,
        "met_share": 0.5,
        "targets": {HOSTILE: 3600},
    }
    resolution = data["resolution"]
    assert isinstance(resolution, dict) and resolution["median"] is None
    assert resolution["met_share"] == 0.0


def test_csv_defuses_formulas() -> None:
    rows = list(csv.reader(io.StringIO(report_csv(_report()))))
    assert rows[0][:4] == ["group", "tickets", "first_response_target", "first_response_median"]
    assert rows[1][0] == HOSTILE
    assert rows[2][0] == '\'=HYPERLINK("x")'
    assert rows[1][1:8] == ["3", "3600", "1800", "5400", "2", "2", "4"]


def test_html_is_xml_with_names_escaped_and_three_charts() -> None:
    text = report_html(_report())
    assert text.startswith("<!DOCTYPE html>\n")
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.findall(".//script") == []
    assert HOSTILE in "".join(root.itertext())  # shown as text, not run
    assert len(root.findall(".//svg")) == 3
    bars = root.findall(".//svg")[0].findall("rect")
    assert [b.findtext("title") for b in bars] == ["2026-10-01: 1", "2026-10-02: 0"]
    assert "http" not in text and "url(" not in text


def test_csv_has_every_figure_of_the_json_groups() -> None:
    report = _report()
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    groups = report_dict(report)["groups"]
    assert isinstance(groups, list) and len(rows) == len(groups)
    for row, group in zip(rows, groups, strict=True):
        for clock in ("first_response", "resolution"):
            for part, value in group[clock].items():
                assert row[f"{clock}_{part}"] == ("" if value is None else str(value))
    assert rows[0]["first_response_measured"] == "3"
    assert rows[0]["first_response_met_share"] == "0.5"
