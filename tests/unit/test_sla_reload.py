"""PolicyWatch: the policy file in force read once, again only when it changes; a file
gone or broken keeps the last good set in force and is reported once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentconsole.datafiles import data_dir
from agentconsole.domain import sla
from agentconsole.domain.sla_reload import PolicyWatch
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def fresh_policies() -> Iterator[None]:
    sla.use_policy_set(None)
    yield
    sla.use_policy_set(None)


def test_a_watch_reads_on_change_and_keeps_the_last_good_set(tmp_path: Path) -> None:
    path = tmp_path / "sla.toml"
    shutil.copy(ROOT / "data" / "sla.toml", path)
    watch = PolicyWatch(str(path))
    first = watch.check()
    assert first.first and first.loaded is not None and first.path == str(path)
    assert sla.policy_set_for_changes() is first.loaded
    assert watch.check().loaded is None  # unchanged: one stat, nothing read

    path.unlink()
    gone = watch.check()
    assert gone.problem == f'[sla] policies = "{path}" in the config: no such file ({path})'
    assert gone.new_problem and gone.fallback
    assert not watch.check().new_problem  # said once
    assert sla.policy_set_for_changes() is first.loaded  # the last good set stays

    good = (ROOT / "data" / "sla.toml").read_text(encoding="utf-8")
    path.write_text(good.replace('first_response = "24h"', 'first_response = "1d"', 1))
    broken = watch.check()
    assert broken.new_problem and broken.problem.startswith(f"{path}:78: ")
    shutil.copy(ROOT / "data" / "sla.toml", path)
    fixed = watch.check()
    assert fixed.loaded is not None and not fixed.first and not fixed.problem
    assert sla.policy_set_for_changes() is fixed.loaded


def test_a_file_broken_from_the_start_leaves_changes_without_a_policy_set(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sla.toml"
    path.write_text("at_risk = 2\n")
    check = PolicyWatch(str(path)).check()
    assert check.problem and not check.fallback and check.new_problem
    assert sla.policy_set_for_changes() is None
    problem = sla.policy_problem()
    assert problem is not None and str(problem) == check.problem


def test_a_watch_follows_the_search_order_as_files_come_and_go(tmp_path: Path) -> None:
    """sla.toml added to the config folder wins from the next look; removed, the shipped
    file is in force again: both a change, never a problem naming [sla] policies."""
    shipped = data_dir() / "sla.toml"
    watch = PolicyWatch(None, config_dir=tmp_path)
    first = watch.check()
    assert first.first and first.path == str(shipped)
    assert watch.check().loaded is None

    added = tmp_path / "sla.toml"
    good = shipped.read_text(encoding="utf-8")
    added.write_text(good.replace('first_response = "24h"', 'first_response = "2h"', 1))
    new = watch.check()
    assert new.path == str(added) and new.loaded is not None and not new.first
    assert sla.policy_set_for_changes() is new.loaded

    added.unlink()
    back = watch.check()
    assert not back.problem
    assert back.path == first.path and back.loaded is not None and not back.first
    assert back.loaded.source == first.path
