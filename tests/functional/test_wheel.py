"""The built wheel works on its own: installed outside the checkout, it imports the
demo mailbox and searches it, finding its data files inside the package.

Dependencies come from this test run's environment (a ``.pth`` line), so the test needs
no network; ``.ci/run`` does the same with a clean install from the package index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import DEMO_MBOX, ROOT


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args[:3]} exit {result.returncode}: {result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_installed_wheel_imports_and_searches_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("agentconsole-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=tmp_path
    ).strip()
    # Only the dependencies' folder: a plain path line runs no .pth file in it, so the
    # checkout's editable install stays out and the wheel's copy is the one imported.
    Path(site, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTCONSOLE", "PYTHON"))}
    env |= {
        "AGENTCONSOLE_DB": str(tmp_path / "store.db"),
        "AGENTCONSOLE_CONFIG": str(tmp_path / "config.toml"),
        "HOME": str(tmp_path),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    where = _run(
        [str(python), "-c", "import agentconsole; print(agentconsole.__file__)"],
        cwd=tmp_path,
        env=env,
    )
    assert where.startswith(site), where
    command = str(venv / "bin" / "agentconsole")
    mbox = tmp_path / "support.mbox"
    mbox.write_bytes(DEMO_MBOX.read_bytes())

    imported = _run([command, "import", str(mbox)], cwd=tmp_path, env=env)
    hits = json.loads(_run([command, "search", "withdrawal", "--json"], cwd=tmp_path, env=env))

    demo = _run(
        [command, "demo", "--no-console", "--keep", str(tmp_path / "demo.db")],
        cwd=tmp_path,
        env=env,
    )

    # the demo's mail is moved to the present: how much of it has "arrived" varies
    assert re.fullmatch(
        rf"demo database with \d+ messages: {re.escape(str(tmp_path))}/demo.db\n", demo
    )
    assert re.search(r"^imported\s+360$", imported, re.M), imported
    assert len(hits) == 20
    assert all("withdrawal" in (h["subject"] + h["snippet"]).lower() for h in hits)
