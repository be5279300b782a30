"""`agentconsole sla` refusing what cannot be meant, through the real entry point: a
format that contradicts the file's suffix, a policy path that is not a regular file,
targets beyond any real date, an empty period."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run
from tests.functional.test_cli_sla import PERIOD, demo_env


@pytest.fixture
def env(demo_template: Path, tmp_path: Path) -> dict[str, str]:
    return demo_env(demo_template, tmp_path)


@pytest.mark.parametrize(
    ("args", "name", "message"),
    [
        (
            ("--format", "csv"),
            "x.html",
            "--format csv writes csv, but the file's name says html: name it .csv, or leave"
            " out --format csv (the suffix chooses)",
        ),
        (
            ("--json",),
            "j.csv",
            "--json writes json, but the file's name says csv: name it .json, or leave out"
            " --json (the suffix chooses)",
        ),
        (
            ("--format", "html"),
            "r.JSON",
            "--format html writes html, but the file's name says json: name it .html, or"
            " leave out --format html (the suffix chooses)",
        ),
    ],
)
def test_a_format_contradicting_the_out_suffix_is_refused(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], name: str, message: str
) -> None:
    out = tmp_path / name
    result = run(env, "sla", "report", *PERIOD, *args, "--out", str(out), check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: --out {out}: {message}\n"
    assert not out.exists()


def test_a_suffix_the_program_does_not_know_stays_the_users_choice(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "report.txt"
    run(env, "sla", "report", *PERIOD, "--format", "csv", "--out", str(out))
    assert out.read_text(encoding="utf-8").startswith("group,tickets,")
    page = tmp_path / "r.htm"
    run(env, "sla", "report", *PERIOD, "--format", "html", "--out", str(page))
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_check_names_what_a_policy_path_is_when_it_is_not_a_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for path, why in (
        (
            tmp_path,
            f"is a folder, not a policy file: name the file in it, e.g. {tmp_path}/sla.toml",
        ),
        (fifo, "is not a regular file (a pipe or a device): name a TOML policy file"),
        (Path("/dev/zero"), "is not a regular file (a pipe or a device): name a TOML policy file"),
        (tmp_path / "nope.toml", "no such file"),
    ):
        result = run(env, "sla", "check", "--policies", str(path), check=False)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"error: --policies {path}: {why}\n"


def test_check_refuses_a_target_beyond_the_longest_saying_what_it_is(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(
        '[calendars.cn]\ntimezone = "Asia/Shanghai"\nhours = { mon = ["09:00-18:00"] }\n\n'
        '[[policies]]\nname = "rest"\nwhen = ""\nfirst_response = "99999h"\n'
        'resolution = "2000h"\n',
        encoding="utf-8",
    )
    result = run(env, "sla", "check", "--policies", str(path), check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:8: policy #1 \"rest\": first_response: '99999h' is longer than the longest"
        ' target, 2000h (about a working year of 8-hour days): write at most "2000h", or'
        " leave the target out for a clock the policy does not run",
        f"error: {path}: 1 problem",
    ]
    explain = run(env, "sla", "explain", "T-QFMX95MZ", "--policies", str(path), check=False)
    assert explain.returncode == 2
    assert explain.stderr.startswith(f'error: {path}:8: policy #1 "rest": first_response: ')


@pytest.mark.parametrize("age", ["0d", "0h", "00w"])
def test_an_empty_period_is_refused(env: dict[str, str], age: str) -> None:
    result = run(env, "sla", "report", "--since", age, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --since {age}: an empty period: give an age of at least 1h, e.g. 1d or 12h\n"
    )
