"""Running the real ``agentconsole`` entry point from tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(
    env: dict[str, str], *args: str, check: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m agentconsole ARGS`` in ``env`` (and folder ``cwd``); raise with
    stderr if it fails and ``check`` is set."""
    result = subprocess.run(
        [sys.executable, "-m", "agentconsole", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result
