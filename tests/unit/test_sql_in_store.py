"""SQL lives only in ``agentconsole/store/``: no other module runs a statement."""

from __future__ import annotations

import re
from pathlib import Path

import agentconsole

PACKAGE = Path(agentconsole.__file__).parent
RUNS_SQL = re.compile(r"\.execute\(|executemany\(|executescript\(")


def test_no_module_outside_the_store_runs_sql() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "store" not in path.relative_to(PACKAGE).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RUNS_SQL.search(line)
    ]
    assert offenders == []


def test_the_scan_sees_the_store_and_the_domain() -> None:
    scanned = {p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    assert {"store", "domain", "ingest", "cli"} <= scanned
    store_sql = sum(
        len(RUNS_SQL.findall(p.read_text(encoding="utf-8")))
        for p in (PACKAGE / "store").rglob("*.py")
    )
    assert store_sql > 20
