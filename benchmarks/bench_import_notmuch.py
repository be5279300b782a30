"""Import speed side by side with notmuch, in one run, on the same generated Maildir.

    python benchmarks/bench_import_notmuch.py [--messages 20000] [--runs 3] [--baseline DIR]

Absolute rates differ twofold between machines, so the figure that means something is
the ratio to a peer measured in the same run: ``agentconsole import`` against
``notmuch new`` (which also parses every message and builds a full-text index).
Prints wall time, CPU time (user + system of the whole process tree, workers
included), CPU per message, the peak memory of the largest process and the ratio of
rates. Installs notmuch with apt-get when it is missing and the script runs as root.
notmuch's notes about the corpus's deliberately malformed files are not shown.

On a shared machine the load moves every figure, CPU time included (other processes
evict the caches), more than a change does; ``--baseline DIR`` (a checkout of another
commit, e.g. ``git worktree add /tmp/base main``) imports with that code too, in the
same rounds, so a change is measured against the code before it under the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT  # noqa: E402
from make_corpus import build  # noqa: E402


def _ensure_notmuch() -> str:
    found = shutil.which("notmuch")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("notmuch is not installed (Debian: apt-get install notmuch)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "notmuch"], check=True, env=env)
    found = shutil.which("notmuch")
    if not found:
        sys.exit("notmuch did not install")
    return found


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    """User + system seconds of the command and every process it waited for."""
    peak_mb: float
    """Peak resident memory of the largest of those processes."""


def _timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """Run one command; its own resource usage comes from ``wait4`` (not the
    cumulative RUSAGE_CHILDREN, whose peak would mix both tools' runs)."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed with exit code {process.returncode}: {' '.join(command)}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def ours(maildir: Path, tmp: Path, code: Path | None = None) -> Run:
    """``agentconsole import``; with ``code``, the package in that checkout."""
    env = dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "bench.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
    )
    if code is not None:  # run from there too: ``-m`` puts the working directory first
        env["PYTHONPATH"] = str(code)
    command = [sys.executable, "-m", "agentconsole", "import", "--json", str(maildir)]
    return _timed(command, env, cwd=code)


def notmuch(binary: str, maildir: Path, tmp: Path) -> Run:
    """``notmuch new`` on a fresh index of the same files (its index lives in tmp)."""
    config = tmp / "notmuch-config"
    config.write_text(
        f"[database]\npath={tmp / 'index'}\nmail_root={maildir}\n"
        "[new]\ntags=unread;inbox\n[user]\nname=bench\nprimary_email=bench@example.org\n"
        "[maildir]\nsynchronize_flags=false\n"
    )
    (tmp / "index").mkdir()
    env = dict(os.environ, NOTMUCH_CONFIG=str(config))
    return _timed([binary, "new", "--quiet"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout to import with too")
    args = parser.parse_args()
    binary = _ensure_notmuch()
    _, maildir = build(args.messages, OUT)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    print(
        f"import vs {version.strip()}: {args.messages:,} messages (Maildir), {os.cpu_count()} cores"
    )
    results: dict[str, list[Run]] = {"agentconsole": [], "notmuch": []}
    if args.baseline is not None:
        results["baseline"] = []
    for _ in range(args.runs):  # alternate, so all see the same machine state
        if args.baseline is not None:
            with tempfile.TemporaryDirectory() as tmp:
                results["baseline"].append(ours(maildir, Path(tmp), args.baseline.resolve()))
        with tempfile.TemporaryDirectory() as tmp:
            results["agentconsole"].append(ours(maildir, Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            results["notmuch"].append(notmuch(binary, maildir, Path(tmp)))
    medians = {}
    for name, runs in results.items():
        walls = sorted(run.wall for run in runs)
        cpus = sorted(run.cpu for run in runs)
        wall, cpu = walls[len(walls) // 2], cpus[len(cpus) // 2]
        peak = max(run.peak_mb for run in runs)
        medians[name] = wall
        print(
            f"  {name:12s} median {wall:6.1f} s wall  {args.messages / wall:7,.0f} msg/s"
            f"  CPU {cpu:6.1f} s  ({cpu / args.messages * 1000:.2f} ms/message)"
            f"  peak {peak:4.0f} MB  runs: {', '.join(f'{w:.1f}' for w in walls)}"
        )
    ratio = medians["notmuch"] / medians["agentconsole"]
    cpu_ratio = cpus_of(results["agentconsole"]) / cpus_of(results["notmuch"])
    print(
        f"  agentconsole is {ratio:.1f}x notmuch's rate, at {cpu_ratio:.2f}x its CPU"
        "  [target >= 3x, < 0.8 ms CPU/message, < 200 MB]"
    )
    if "baseline" in results:
        before = cpus_of(results["baseline"])
        print(f"  CPU against the baseline: {cpus_of(results['agentconsole']) / before:.2f}x")


def cpus_of(runs: list[Run]) -> float:
    """The median CPU time of ``runs``."""
    return sorted(run.cpu for run in runs)[len(runs) // 2]


if __name__ == "__main__":
    main()
