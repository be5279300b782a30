"""The dashboard's drawing rules without a terminal: business times in the CLI's
hours form, bars from zero, and table layouts that never cut a number."""

from __future__ import annotations

from agentconsole.sla.report import ClockFigures
from agentconsole.widgets.dashboard_parts import bar_lines, clock_line
from agentconsole.widgets.group_tables import MIN_NAME, TableSpec, lay_out

HOUR = 3600


def test_business_times_are_written_in_hours_as_the_cli_writes_them() -> None:
    figures = ClockFigures(
        target=24 * HOUR,
        held=10,
        measured=10,
        median=5 * HOUR,
        p90=28 * HOUR + 34 * 60,
        met=8,
        breached=2,
    )
    line = clock_line("first response", figures).plain
    assert " median      5h " in line and " p90  28h34m " in line and "target 24h" in line
    assert "1d" not in line


def test_bars_start_from_zero() -> None:
    top, bottom = bar_lines([175, 176, 174, 178], 4, 2)
    assert (top, bottom) == ("████", "████")
    top, bottom = bar_lines([0, 1, 8, 16], 4, 2)
    assert bottom == " ▁██" and top == "   █"


def test_bars_fold_more_values_than_cells_keeping_the_largest() -> None:
    assert bar_lines([0, 8, 0, 0], 2, 1) == ["█ "]


def test_numbers_keep_their_width_and_names_are_cut_first() -> None:
    spec = TableSpec(
        "category",
        ["account_access", "deposit"],
        [("open", "open"), ("at risk", "risk"), ("breached", "brch")],
        [[123456, 16], [0, 2], [7, 0]],
    )
    [wide] = lay_out([spec], 200)
    assert wide.headers == ("open", "at risk", "breached")
    assert wide.name_width == len("account_access") + 1
    assert wide.number_widths == (len("123,456") + 1, len("at risk") + 1, len("breached") + 1)
    [narrow] = lay_out([spec], 30)
    assert narrow.headers == ("open", "risk", "brch")
    assert narrow.number_widths == (len("123,456") + 1, 5, 5)
    assert narrow.width == 30 and narrow.name_width == 30 - 8 - 5 - 5 - 1
    [tiny] = lay_out([spec], 10)  # no room at all: the numbers still whole
    assert tiny.name_width == MIN_NAME and tiny.number_widths == (8, 5, 5)


def test_wide_characters_are_measured_in_cells() -> None:
    spec = TableSpec("agent", ["李雷"], [("open", "open")], [[3]])
    [layout] = lay_out([spec], 80)
    assert layout.name_width == len("agent") + 1  # 李雷 is 4 cells, "agent" 5
    spec = TableSpec("agent", ["李雷韩梅梅"], [("open", "open")], [[3]])
    assert lay_out([spec], 80)[0].name_width == 10 + 1
