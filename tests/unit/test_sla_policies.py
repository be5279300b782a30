"""Policy files: the shipped default, the search order, and every problem `sla check`
reports, each with its file, line, table and what to type instead."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentconsole.datafiles import data_dir
from agentconsole.sla.escalations import ESCALATION_KEYS
from agentconsole.sla.policies import (
    EscalationRule,
    Policy,
    PolicyError,
    check_policy_file,
    find_policy_file,
    load_policy_set,
    parse_policy_text,
)
from agentconsole.sla.policyfile import CALENDAR_KEYS, POLICY_KEYS, TOP_KEYS, PolicyReader

TODAY = date(2026, 11, 23)
H = 3600

ISSUE_EXAMPLE = """\
[calendars.cn]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-12:00", "13:00-18:00"], tue = ["09:00-12:00", "13:00-18:00"], \
wed = ["09:00-12:00", "13:00-18:00"], thu = ["09:00-12:00", "13:00-18:00"], \
fri = ["09:00-12:00", "13:00-18:00"] }
country = "CN"                  # optional: public holidays and make-up working days
holidays = ["2026-10-08"]       # extra days off
workdays = ["2026-10-10"]       # extra working days (调休), worked with the hours of a weekday

[[policies]]
name = "urgent money"
when = "priority:urgent category:withdrawal,deposit,security"   # first match wins
calendar = "cn"
first_response = "2h"           # business time: h and m
next_response = "4h"
resolution = "16h"

[[policies]]
name = "standard"
when = ""                       # everything else
calendar = "cn"
first_response = "24h"
next_response = "24h"
resolution = "80h"
"""

GOOD = """\
at_risk = 0.8

[calendars.cn]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-18:00"] }

[[policies]]
name = "standard"
when = ""
first_response = "8h"
"""


def write(tmp_path: Path, text: str, name: str = "sla.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, **kwargs: object) -> list[str]:
    path = write(tmp_path, text)
    found = check_policy_file(path, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return [line.replace(str(path), "sla.toml") for line in found]


# -- the shipped default --------------------------------------------------------------


def test_the_shipped_default_follows_the_domain_figures() -> None:
    policies = load_policy_set(None, config_dir=None)
    assert policies.source == str(data_dir() / "sla.toml")
    assert policies.at_risk_share == 0.75
    assert sorted(policies.calendars) == ["cn", "security"]
    assert [
        (p.name, p.first_response, p.next_response, p.resolution) for p in policies.policies
    ] == [
        ("security", 1 * H, 2 * H, 14 * H),
        ("urgent money", 2 * H, 4 * H, 16 * H),
        ("money", 4 * H, 8 * H, 40 * H),
        ("complaint", 8 * H, 8 * H, 24 * H),
        ("low", 48 * H, 48 * H, 120 * H),
        ("standard", 24 * H, 24 * H, 80 * H),
    ]
    assert policies.policies[-1].when == ""
    assert policies.calendars["cn"].country == "CN"
    assert policies.calendars["cn"].is_working_day(date(2026, 10, 10))  # 调休 Saturday
    assert policies.calendars["security"].is_working_day(date(2026, 10, 1))
    assert policies.escalations == (
        EscalationRule(on="at_risk", add_tag="sla-risk", name="flag at risk"),
        EscalationRule(
            on="breach", raise_priority=True, add_tag="sla-breached", name="breached: raise"
        ),
        EscalationRule(
            on="breach",
            when="category:security,account_locked,withdrawal,deposit,payment,complaint",
            clocks=("first_response", "next_response"),
            assign_to="lead",
            name="breached money or security: to the lead",
        ),
    )


def test_the_shipped_default_passes_the_check() -> None:
    assert check_policy_file(data_dir() / "sla.toml", today=TODAY) == []


def test_the_issue_example_keeps_working() -> None:
    policies = parse_policy_text(ISSUE_EXAMPLE, "example.toml")
    assert policies.policies[0] == Policy(
        "urgent money",
        "priority:urgent category:withdrawal,deposit,security",
        "cn",
        2 * H,
        4 * H,
        16 * H,
    )
    assert policies.policy("standard") == Policy("standard", "", "cn", 24 * H, 24 * H, 80 * H)
    assert policies.policy("nope") is None
    assert policies.at_risk_share == 0.75
    cal = policies.calendar_for(policies.policies[0])
    assert not cal.is_working_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 10))
    assert policies.policies[0].target("next_response") == 4 * H


def test_a_single_calendar_needs_no_calendar_key(tmp_path: Path) -> None:
    policies = load_policy_set(write(tmp_path, GOOD), config_dir=None)
    assert policies.policies == (Policy("standard", "", "cn", 8 * H, None, None),)
    assert policies.at_risk_share == 0.8


def test_years_without_data_are_collected_per_calendar() -> None:
    policies = load_policy_set(None, config_dir=None)
    cal = policies.calendars["cn"]
    cal.elapsed(1_800_000_000, 1_800_100_000)  # January 2027
    assert policies.years_without_data() == {"cn": [2027]}


# -- where the file comes from ----------------------------------------------------------


def test_search_order(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    shipped = data_dir() / "sla.toml"
    assert find_policy_file(None, config_dir=config) == shipped
    assert find_policy_file(None, config_dir=None) == shipped
    in_config = write(config, GOOD)
    assert find_policy_file(None, config_dir=config) == in_config
    named = write(config, GOOD, "team.toml")
    assert find_policy_file(None, config_dir=config, configured="team.toml") == named
    explicit = write(tmp_path, GOOD, "other.toml")
    assert find_policy_file(explicit, config_dir=config, configured="team.toml") == explicit
    assert load_policy_set(None, config_dir=config).source == str(in_config)


def test_a_named_file_that_is_missing_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        find_policy_file(tmp_path / "nope.toml", config_dir=None)
    assert str(caught.value) == f"--policies {tmp_path / 'nope.toml'}: no such file"
    with pytest.raises(PolicyError) as caught:
        load_policy_set(None, config_dir=tmp_path, configured="team.toml")
    assert str(caught.value) == (
        f'[sla] policies = "team.toml" in the config: no such file ({tmp_path / "team.toml"})'
    )


def test_loading_stops_at_the_first_problem_and_says_how_many_more(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('"8h"', '"8d"').replace("0.8", "2"))
    with pytest.raises(PolicyError) as caught:
        load_policy_set(path, config_dir=None)
    assert str(caught.value) == (
        f"{path}:1: at_risk: 2 is not a share of the target: write a number between 0 and 1, "
        "e.g. at_risk = 0.75 (and 1 more: run `agentconsole sla check`)"
    )


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD + "name = \n")
    assert len(found) == 1
    assert found[0].startswith("sla.toml: not valid TOML (")
    assert found[0].endswith("(at line 11, column 8))")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "sla.toml"
    path.write_bytes(b"at_risk = 0.5\n# \xff\n")
    assert check_policy_file(path) == [f"{path}: not valid TOML (not UTF-8 at byte 16)"]


# -- sla check: every problem, where, and what to type instead -------------------------------


def test_unknown_keys_name_the_nearest_known_key(tmp_path: Path) -> None:
    text = GOOD.replace("at_risk", "at_rsk").replace(
        'first_response = "8h"', 'first_reponse = "8h"'
    )
    text = text.replace("hours = {", 'contry = "CN"\nhours = { mn = ["09:00-12:00"], ')
    assert problems(tmp_path, text) == [
        'sla.toml:1: unknown key "at_rsk" (did you mean "at_risk"?)',
        'sla.toml:5: calendar "cn": unknown key "contry" (did you mean "country"?)',
        'sla.toml:6: calendar "cn": hours: unknown key "mn" (did you mean "mon"?)',
        'sla.toml:11: policy #1 "standard": unknown key "first_reponse" '
        '(did you mean "first_response"?)',
        'sla.toml:8: policy #1 "standard": sets no target: give first_response, '
        'next_response or resolution, e.g. first_response = "24h"',
    ]


def test_an_unknown_key_with_nothing_close_lists_the_known_ones(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD + "zzz = 1\n") == [
        'sla.toml:11: policy #1 "standard": unknown key "zzz" (known keys: "name", "when", '
        '"calendar", "first_response", "next_response", "resolution")'
    ]


def test_overlapping_hours(tmp_path: Path) -> None:
    text = GOOD.replace('["09:00-18:00"]', '["09:00-13:00", "12:00-18:00"]')
    assert problems(tmp_path, text) == [
        'sla.toml:5: calendar "cn": hours.mon: 09:00-13:00 and 12:00-18:00 overlap: '
        "write them as one range or end the first where the second starts"
    ]


def test_bad_ranges_and_hours_that_are_not_lists(tmp_path: Path) -> None:
    text = GOOD.replace('mon = ["09:00-18:00"]', 'mon = ["9-18"], tue = "09:00-18:00"')
    assert problems(tmp_path, text) == [
        "sla.toml:5: calendar \"cn\": hours.mon: '9-18' is not a range of hours: write it as "
        '"09:00-12:00" (24-hour clock; "18:00-24:00" runs to midnight)',
        'sla.toml:5: calendar "cn": hours.tue: must be a list of ranges, '
        'e.g. mon = ["09:00-12:00", "13:00-18:00"]',
    ]


def test_a_when_that_does_not_parse(tmp_path: Path) -> None:
    text = GOOD.replace('when = ""', 'when = "priority:superurgent"')
    assert problems(tmp_path, text) == [
        'sla.toml:9: policy #1 "standard": when = "priority:superurgent" does not parse: '
        "priority:superurgent: unknown priority (one of urgent, high, normal, low)"
    ]


def test_an_unknown_calendar(tmp_path: Path) -> None:
    text = GOOD.replace('when = ""', 'when = ""\ncalendar = "cm"')
    assert problems(tmp_path, text) == [
        'sla.toml:10: policy #1 "standard": calendar "cm" is not defined (did you mean "cn"?)'
    ]


def test_with_two_calendars_a_policy_must_name_one(tmp_path: Path) -> None:
    text = (
        GOOD + '\n[calendars.hk]\ntimezone = "Asia/Hong_Kong"\nhours = { sat = ["10:00-14:00"] }\n'
    )
    assert problems(tmp_path, text) == [
        'sla.toml:7: policy #1 "standard": needs calendar = one of "cn", "hk"'
    ]


def test_bad_zone_country_dates_and_durations(tmp_path: Path) -> None:
    text = GOOD.replace('"Asia/Shanghai"', '"Asia/Beijing"').replace('"8h"', '"1d"')
    text = text.replace("hours =", 'holidays = ["2026-13-01"]\nhours =')
    assert problems(tmp_path, text) == [
        "sla.toml:4: calendar \"cn\": unknown timezone 'Asia/Beijing': use an IANA name such "
        'as "Asia/Shanghai" or "Europe/Berlin"',
        "sla.toml:5: calendar \"cn\": holidays: '2026-13-01' is not a date: "
        'write it as "2026-10-08"',
        "sla.toml:11: policy #1 \"standard\": first_response: '1d' is not a duration: "
        'write hours and minutes, e.g. "2h", "90m" or "1h30m"',
    ]
    assert problems(tmp_path, GOOD.replace("hours =", 'country = "XX"\nhours =')) == [
        "sla.toml:5: calendar \"cn\": unknown country 'XX': use a code the holidays package "
        'knows, such as "CN", "HK", "SG", "DE" or "US"'
    ]


def test_a_year_without_holiday_data(tmp_path: Path) -> None:
    text = GOOD.replace("hours =", 'country = "CN"\nhours =')
    assert problems(tmp_path, text) == []
    assert problems(tmp_path, text, years=(2027,)) == [
        'sla.toml:5: calendar "cn": the holidays package has no official CN holiday data for '
        "2027, so its days off and make-up working days would be guessed: update it "
        "(pip install -U holidays), or list that year's make-up days in "
        'workdays = ["2027-..."] and extra days off in holidays = [...]'
    ]
    typed_in = text.replace("hours =", 'workdays = ["2027-02-20"]\nhours =')
    assert problems(tmp_path, typed_in, years=(2027,)) == []


def test_policies_after_a_catch_all_can_never_apply(tmp_path: Path) -> None:
    text = (
        GOOD + '\n[[policies]]\nname = "standard"\nwhen = "category:complaint"\nresolution = "8h"\n'
    )
    assert problems(tmp_path, text) == [
        'sla.toml:12: policy #2 "standard": can never apply: policy #1 "standard" has an empty '
        "when and matches every ticket first (first match wins): move that one to the end",
        'sla.toml:13: policy #2 "standard": a second policy with this name: give each a name '
        "of its own",
    ]


def test_missing_calendars_and_policies(tmp_path: Path) -> None:
    assert problems(tmp_path, "at_risk = 0.5\n") == [
        'sla.toml: no calendar: add one, e.g. [calendars.cn] with timezone = "Asia/Shanghai" '
        'and hours = { mon = ["09:00-12:00", "13:00-18:00"] }',
        "sla.toml: no policy: add [[policies]] with name, when, calendar and targets",
    ]


def test_make_up_hours_by_weekday_name(tmp_path: Path) -> None:
    text = GOOD.replace("hours =", 'workday_hours = "tue"\nhours =').replace(
        'mon = ["09:00-18:00"]', 'mon = ["09:00-18:00"], tue = ["10:00-16:00"]'
    )
    text = text.replace("workday_hours =", 'workdays = ["2026-11-22"]\nworkday_hours =')
    cal = load_policy_set(write(tmp_path, text), config_dir=None).calendars["cn"]
    assert cal.hours_on(date(2026, 11, 22)) == ((600, 960),)
    assert problems(tmp_path, text.replace('"tue"', '"tues"')) == [
        'sla.toml:6: calendar "cn": workday_hours = "tues" is not a weekday: write "tue" '
        "(make-up days are worked with that day's hours) or a list like "
        '["09:00-12:00", "13:00-18:00"]'
    ]


# -- escalations ---------------------------------------------------------------------------


def test_escalation_rules_parse(tmp_path: Path) -> None:
    text = GOOD + (
        '\n[[escalations]]\non = "breach"\nwhen = "category:complaint"\nclocks = "resolution"\n'
        'priority = "urgent"\nassign_to = "lead"\n'
    )
    policies = load_policy_set(write(tmp_path, text), config_dir=None)
    assert policies.escalations == (
        EscalationRule(
            on="breach",
            when="category:complaint",
            clocks=("resolution",),
            priority="urgent",
            assign_to="lead",
        ),
    )


def test_escalation_problems(tmp_path: Path) -> None:
    text = GOOD + (
        '\n[[escalations]]\non = "breached"\nadd_tag = "two words"\n'
        '\n[[escalations]]\non = "at_risk"\n'
        '\n[[escalations]]\non = "at_risk"\npriority = "asap"\nclocks = ["first"]\n'
        '\n[[escalations]]\non = "breach"\nraise_priority = true\npriority = "urgent"\n'
    )
    assert problems(tmp_path, text) == [
        'sla.toml:13: escalation #1: on = \'breached\': write on = "at_risk" or on = "breach"',
        "sla.toml:14: escalation #1: add_tag = 'two words': one word, "
        'e.g. add_tag = "sla-breached"',
        "sla.toml:16: escalation #2: does nothing: give raise_priority = true, priority = "
        '"urgent", add_tag = "..." or assign_to = "..."',
        "sla.toml:22: escalation #3: clocks = ['first']: a list of \"first_response\", "
        '"next_response", "resolution"',
        'sla.toml:21: escalation #3: priority = \'asap\': one of "urgent", "high", "normal", "low"',
        "sla.toml:27: escalation #4: give raise_priority = true or priority = ..., not both",
    ]


def test_a_time_where_a_day_is_wanted(tmp_path: Path) -> None:
    text = GOOD.replace("hours =", "holidays = [2026-10-08T10:00:00]\nhours =")
    assert problems(tmp_path, text) == [
        'sla.toml:5: calendar "cn": holidays: 2026-10-08 10:00:00 is a time: give the day '
        "only, e.g. 2026-10-08"
    ]


def test_an_escalation_without_on(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD + '\n[[escalations]]\nadd_tag = "x"\n') == [
        'sla.toml:12: escalation #1: needs on write on = "at_risk" or on = "breach"'
    ]


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["09:00-12:00", "2h", "Asia/Shanghai", "CN", "mon", "breach", "2026-10-08"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [*TOP_KEYS, *CALENDAR_KEYS, *POLICY_KEYS, *ESCALATION_KEYS, "mon", "x"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*TOP_KEYS, "zz"]), values, max_size=4))
def test_property_any_structure_gives_problems_never_a_crash(raw: dict[str, object]) -> None:
    reader = PolicyReader("fuzz.toml", "")
    calendars, policies, share, escalations = reader.read(raw)
    assert all(line.startswith("fuzz.toml") for line in reader.problems)
    assert 0 < share < 1
    if not reader.problems:
        assert policies and calendars


def test_make_up_hours_naming_a_day_without_hours(tmp_path: Path) -> None:
    text = GOOD.replace("hours =", 'workday_hours = "sat"\nhours =')
    assert problems(tmp_path, text) == [
        'sla.toml:5: calendar "cn": workday_hours = "sat" has no hours: name a day that has '
        'some, or give the ranges, e.g. ["09:00-12:00", "13:00-18:00"]'
    ]


def test_raising_a_priority_is_one_step_up() -> None:
    from agentconsole.sla.escalations import priority_after, raised

    assert [raised(p) for p in ("low", "normal", "high", "urgent", "odd")] == [
        "normal",
        "high",
        "urgent",
        "urgent",
        "odd",
    ]
    assert priority_after(EscalationRule(on="breach", raise_priority=True), "normal") == "high"
    assert priority_after(EscalationRule(on="breach", priority="urgent"), "low") == "urgent"
    assert priority_after(EscalationRule(on="at_risk", add_tag="x"), "low") == "low"
