"""scripts/screenshots.py draws every picture the README shows, the same bytes each
time, and the committed pictures are there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "screenshots.py"
_IMAGE = re.compile(r"!\[[^\]]*\]\((docs/screenshots/[^)\s]+\.svg)\)")


def readme_pictures() -> list[str]:
    return _IMAGE.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def draw(folder: Path, *only: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), str(folder), *(["--only", *only] if only else [])]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_the_script_draws_every_picture_the_readme_shows(tmp_path: Path) -> None:
    pictures = readme_pictures()
    names = {Path(p).name for p in pictures}
    assert {"queue.svg", "ticket.svg", "customers.svg", "keys.svg"} <= names
    for picture in pictures:
        assert (ROOT / picture).is_file(), f"{picture} is not committed: run ./dev screenshots"

    done = draw(tmp_path / "all")
    assert done.returncode == 0, done.stderr
    drawn = {p.name for p in (tmp_path / "all").glob("*.svg")}
    assert names <= drawn, f"the README shows pictures the script does not draw: {names - drawn}"
    for picture in pictures:  # the README shows the console as it is now
        name = Path(picture).name
        assert (tmp_path / "all" / name).read_bytes() == (ROOT / picture).read_bytes(), (
            f"{picture} is stale: run ./dev screenshots"
        )
    for name in drawn:
        svg = (tmp_path / "all" / name).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        assert f"agentconsole:&#160;{name.removesuffix('.svg')}" in svg  # the window title
    ticket = (tmp_path / "all" / "ticket.svg").read_text(encoding="utf-8")
    assert "2026-11-22&#160;12:00" in ticket  # the fixed clock, not today's

    # a second run draws the same bytes: no churn in docs/screenshots on a rerun
    again = draw(tmp_path / "again", "queue", "ticket")
    assert again.returncode == 0, again.stderr
    for name in ("queue.svg", "ticket.svg"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
