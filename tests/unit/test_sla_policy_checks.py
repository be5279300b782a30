"""Policy files whose `when` cannot be meant: circular (due:), depending on who looks
(assignee:me), and files where some tickets would get no SLA at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from agentconsole.sla.policies import PolicyError, check_policy_file, load_policy_set

HEAD = """[calendars.cn]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-18:00"] }

[[policies]]
name = "first"
when = "WHEN"
first_response = "8h"
"""
TAIL = """
[[policies]]
name = "rest"
when = ""
first_response = "24h"
"""


def check(tmp_path: Path, text: str) -> tuple[list[str], list[str]]:
    path = tmp_path / "sla.toml"
    path.write_text(text, encoding="utf-8")
    warnings: list[str] = []
    found = check_policy_file(path, today=date(2026, 11, 23), warnings=warnings)
    return (
        [line.replace(str(path), "sla.toml") for line in found],
        [line.replace(str(path), "sla.toml") for line in warnings],
    )


@pytest.mark.parametrize("when", ["due:breached", "priority:high due:risk", "-due:any"])
def test_a_when_on_due_times_is_refused_as_circular(tmp_path: Path, when: str) -> None:
    found, warnings = check(tmp_path, HEAD.replace("WHEN", when) + TAIL)
    assert found == [
        f'sla.toml:7: policy #1 "first": when = "{when}" uses due:, which is circular (a '
        "ticket's due time comes from the policy it matches): choose by status, priority, "
        "category, tag, assignee or from, and act on at-risk or breached tickets with "
        "[[escalations]]"
    ]
    assert warnings == []


def test_a_when_on_assignee_me_is_refused(tmp_path: Path) -> None:
    found, _ = check(tmp_path, HEAD.replace("WHEN", "assignee:me,lin") + TAIL)
    assert found == [
        'sla.toml:7: policy #1 "first": when = "assignee:me,lin" uses assignee:me, which '
        "depends on who runs the command: name the agent instead, e.g. assignee:lin"
    ]
    path = tmp_path / "sla.toml"
    with pytest.raises(PolicyError, match="uses assignee:me"):
        load_policy_set(path, config_dir=None)


def test_a_named_assignee_and_other_filters_are_fine(tmp_path: Path) -> None:
    assert check(tmp_path, HEAD.replace("WHEN", "assignee:lin status:open") + TAIL) == ([], [])


def test_no_catch_all_is_a_warning_naming_what_to_add(tmp_path: Path) -> None:
    found, warnings = check(tmp_path, HEAD.replace("WHEN", "category:complaint"))
    assert found == []
    assert warnings == [
        "sla.toml:5: no policy has an empty when, so tickets matching none of the policies "
        'get no SLA targets: add a last policy with when = ""'
    ]
    # loading still works: the warning is for sla check
    assert len(load_policy_set(tmp_path / "sla.toml", config_dir=None).policies) == 1


@pytest.mark.parametrize(
    ("when", "term"),
    [
        ("after:1d", "after:1d"),
        ('priority:high before:"12h"', "before:12h"),
        ("-after:2w", "after:2w"),
    ],
)
def test_a_when_with_an_age_relative_to_now_is_refused(
    tmp_path: Path, when: str, term: str
) -> None:
    toml_when = when.replace('"', '\\"')
    found, _ = check(tmp_path, HEAD.replace("WHEN", toml_when) + TAIL)
    key = term.split(":")[0]
    assert found == [
        f'sla.toml:7: policy #1 "first": when = "{when}" uses {term}, an age counted from '
        "now, so a ticket's policy would change as it ages with nothing happening to it: "
        f"give a date instead, e.g. {key}:2026-11-01 (compared with the ticket's creation), "
        "and act on tickets left waiting with [[escalations]]"
    ]
    with pytest.raises(PolicyError, match="an age counted from now"):
        load_policy_set(tmp_path / "sla.toml", config_dir=None)


def test_a_when_with_absolute_dates_is_fine(tmp_path: Path) -> None:
    when = "after:2026-01-01 before:2026-12-31"
    assert check(tmp_path, HEAD.replace("WHEN", when) + TAIL) == ([], [])


def test_every_problem_of_one_calendar_is_told(tmp_path: Path) -> None:
    text = """[calendars.cn]
timezone = "Asia/Shangai"
hours = { mon = ["09:00-13:00", "12:00-18:00"] }
country = "XX"

[[policies]]
name = "rest"
when = ""
first_response = "24h"
"""
    found, warnings = check(tmp_path, text)
    assert found == [
        "sla.toml:2: calendar \"cn\": unknown timezone 'Asia/Shangai': use an IANA name such"
        ' as "Asia/Shanghai" or "Europe/Berlin"',
        'sla.toml:3: calendar "cn": hours.mon: 09:00-13:00 and 12:00-18:00 overlap: write '
        "them as one range or end the first where the second starts",
        "sla.toml:4: calendar \"cn\": unknown country 'XX': use a code the holidays package "
        'knows, such as "CN", "HK", "SG", "DE" or "US"',
    ]
    assert warnings == []


def test_duplicate_names_and_a_broken_catch_all_are_judged_as_written(tmp_path: Path) -> None:
    """A policy broken in one way is still a catch-all and still has its name: no false
    "no policy has an empty when" warning, and the duplicate name is told too."""
    text = (
        HEAD.replace("WHEN", "priority:high")
        + """
[[policies]]
name = "first"
when = ""
first_response = "1d"
"""
    )
    found, warnings = check(tmp_path, text)
    assert found == [
        "sla.toml:13: policy #2 \"first\": first_response: '1d' is not a duration: write"
        ' hours and minutes, e.g. "2h", "90m" or "1h30m"',
        'sla.toml:11: policy #2 "first": a second policy with this name: give each a name'
        " of its own",
    ]
    assert warnings == []
