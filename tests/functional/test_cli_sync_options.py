"""``agentconsole sync`` refuses options it cannot honour, in one line, before any work."""

from __future__ import annotations

import pytest

from tests.cli import run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", ""],
            "error: --since '': give days (180d), weeks (12w) or a date (2026-05-01)",
        ),
        (
            ["--since", "3x"],
            "error: --since '3x': give days (180d), weeks (12w) or a date (2026-05-01)",
        ),
        (
            ["--watch", "--interval", "0.1"],
            "error: --interval 0.1: give at least 1 and at most 1740 seconds",
        ),
        (
            ["--watch", "--interval", "nan"],
            "error: --interval nan: give at least 1 and at most 1740 seconds",
        ),
        (
            ["--interval", "1741"],
            "error: --interval 1741: give at least 1 and at most 1740 seconds",
        ),
    ],
)
def test_bad_since_and_interval_exit_2_in_one_line(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    result = run(cli_env, "sync", *args, check=False)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [message], "")


def test_the_interval_bounds_are_in_the_help(cli_env: dict[str, str]) -> None:
    shown = " ".join(run(cli_env, "sync", "--help").stdout.split())
    assert "the longest IDLE (1 to 1740). [default: 300.0]" in shown
