"""Import speed and memory: a 20,000-message bilingual corpus, as mbox and as Maildir.

    python benchmarks/bench_import.py [--messages 20000]

Runs the real command (``python -m agentconsole import``) on a fresh database and prints
messages per second (target: at least 2,500 on a 2-core machine, parsing, threading,
customers and full-text indexing included) and the peak memory of the largest process
(target: under 200 MB, whatever the corpus size).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT  # noqa: E402
from make_corpus import build  # noqa: E402


def run_import(path: Path, db: Path) -> dict[str, float]:
    env = dict(
        os.environ, AGENTCONSOLE_DB=str(db), AGENTCONSOLE_CONFIG=str(db.parent / "none.toml")
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [sys.executable, "-m", "agentconsole", "import", "--json", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data = json.loads(result.stdout)
    return {
        "messages": data["messages_seen"],
        "imported": data["imported"],
        "rate": data["messages_per_second"],
        "seconds": data["seconds"],
        "peak_mb": max(peak_kb, before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    mbox, maildir = build(args.messages, OUT)
    print(f"import benchmark: {args.messages:,} messages, {os.cpu_count()} cores")
    for label, path in (("mbox", mbox), ("maildir", maildir)):
        rates = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                figures = run_import(path, Path(tmp) / "bench.db")
            rates.append(figures["rate"])
        rates.sort()
        print(
            f"  {label:8s} median {rates[len(rates) // 2]:7,.0f} msg/s  (runs: "
            f"{', '.join(f'{r:,.0f}' for r in rates)})  peak RSS {figures['peak_mb']:.0f} MB"
            "  [target >= 2,500 msg/s, < 200 MB]"
        )


if __name__ == "__main__":
    main()
