"""A dashboard number's drill-down query: the figure's own query with one filter more,
which compiles and names the group exactly (names as agents type them)."""

from __future__ import annotations

import pytest

from agentconsole.drilldown import group_drill, quoted_value
from agentconsole.store.query import compile_query


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("lin", "lin"),
        ("王娜", "王娜"),
        ("Lin Xiao", '"Lin Xiao"'),
        ("ops:night", '"ops:night"'),
        ("[red]x[/]", "[red]x[/]"),
        ('say "hi"', None),
        ("a,b", None),
        ("me", None),
        ("None", None),
        ("  ", None),
    ],
)
def test_a_name_is_written_as_one_filter_value(name: str, written: str | None) -> None:
    assert quoted_value(name) == written


def test_a_cells_query_adds_one_filter_to_the_figure() -> None:
    drill = group_drill("assignee", "Lin Xiao", "at_risk")
    assert drill is not None
    assert drill.query == 'assignee:"Lin Xiao" due:risk -status:solved,closed'
    assert drill.label == "Lin Xiao: at risk"
    compiled = compile_query(drill.query)
    assert compiled.params[0] == "lin xiao"  # the whole name, one value
    assert group_drill("category", "withdrawal", "open") is not None
    assert group_drill("assignee", "a,b", "open") is None


def test_a_label_never_carries_control_characters() -> None:
    drill = group_drill("assignee", "x\x1b[2J", "breached")
    assert drill is not None and drill.label == "x␛[2J: breached"
