"""Files a user names are read safely (issue 7 trial, finding 1): devices, pipes and
huge files are refused in one line, exit 2, before they are read whole or block."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli import run
from tests.functional.test_cli_reply import GOOD_ZH, imported, outbox

__all__ = ["imported"]

DEVICE = "not a regular file (a device, pipe or socket is never read)"
REPLY_LIMIT = "larger than 1 MB, the limit for a reply's text"


def _exit_and_error(result: subprocess.CompletedProcess[str]) -> tuple[int, str]:
    return result.returncode, result.stderr.strip()


def test_devices_and_pipes_are_refused_without_reading(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    fifo = tmp_path / "ff"
    os.mkfifo(fifo)
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    for path in ("/dev/zero", str(fifo)):
        cases = [
            ("reply", imported, "--file", path),
            ("reply", imported, "--file", str(answer), "--attach", path),
            ("lint", path),
        ]
        for args in cases:
            result = run(cli_env, *args, check=False)
            assert _exit_and_error(result) == (2, f"error: {path}: {DEVICE}"), args
    assert outbox(cli_env) == []


def test_a_symlink_to_a_device_in_the_canned_folder_is_reported(
    cli_env: dict[str, str], imported: str
) -> None:
    folder = Path(cli_env["AGENTCONSOLE_CONFIG"]).parent / "canned"
    folder.mkdir()
    (folder / "zero.md").symlink_to("/dev/zero")
    result = run(cli_env, "canned", "list", check=False)
    assert result.stderr == "1 file(s) could not be loaded: run agentconsole canned lint\n"
    result = run(cli_env, "canned", "lint", check=False)
    assert f"{folder / 'zero.md'}: {DEVICE}" in result.stdout + result.stderr


def test_text_over_the_limit_is_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    named: list[tuple[str, ...]] = [("reply", imported, "--file", str(big)), ("lint", str(big))]
    for args in named:
        result = run(cli_env, *args, check=False)
        assert _exit_and_error(result) == (2, f"error: {big}: {REPLY_LIMIT}"), args
    piped: list[tuple[str, ...]] = [("reply", imported, "-"), ("lint", "-")]
    for args in piped:
        with open("/dev/zero", "rb") as endless:
            result = subprocess.run(
                [sys.executable, "-m", "agentconsole", *args],
                stdin=endless,
                env=cli_env,
                capture_output=True,
                text=True,
                timeout=60,
            )
        assert _exit_and_error(result) == (2, f"error: standard input: {REPLY_LIMIT}"), args
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"a" * (1024 * 1024))
    result = run(cli_env, "lint", str(exact), check=False)
    assert "larger than" not in result.stderr
    assert outbox(cli_env) == []


def test_a_config_that_is_a_device_or_huge_is_refused_at_once(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run(cli_env, "--config", "/dev/zero", "tickets", check=False)
    assert _exit_and_error(result) == (2, f"error: /dev/zero: {DEVICE}")
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * (1024 * 1024) + b"\n")
    result = run(cli_env, "--config", str(huge), "tickets", check=False)
    assert _exit_and_error(result) == (
        2,
        f"error: {huge}: larger than 1 MB, the limit for a config file",
    )
