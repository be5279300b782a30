"""Command-line latency side by side with notmuch, on the same 20,000-message Maildir.

    python benchmarks/bench_cli.py [--messages 20000] [--runs 10]

Scripts call ``agentconsole`` in loops, so what matters is the wall time of a whole
command: interpreter start, imports, opening the store, the query and the output. Each
read command runs ``--runs`` times (after one warm-up run: a warm store and warm
bytecode, as on a machine in use) with its output piped, and the median is printed next
to the median of the closest notmuch command on the same mail, with the ratio.
Target: every agentconsole command under 0.1 s.

notmuch is installed with apt-get when missing (as root); its index is built once with
``notmuch new`` and a private config, in benchmarks/out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT  # noqa: E402
from make_corpus import build  # noqa: E402

TARGET_S = 0.1


def ensure_notmuch() -> str:
    found = shutil.which("notmuch")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit("notmuch is missing: install it (Debian: apt-get install notmuch)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "notmuch"], check=True, env=env)
    return shutil.which("notmuch") or sys.exit("notmuch did not install")


def notmuch_config(maildir: Path) -> Path:
    """A private config whose index lives in benchmarks/out, built once."""
    config = OUT / f"notmuch-{maildir.name}.config"
    index = OUT / f"notmuch-{maildir.name}.index"
    config.write_text(
        "[database]\n"
        f"path={index}\n"
        f"mail_root={maildir}\n"
        "[user]\nname=Bench\nprimary_email=support@okwallet.example\n"
        "[new]\ntags=inbox;unread;\n"
        "[maildir]\nsynchronize_flags=false\n"
    )
    if not (index / "xapian").exists() and not (index / ".notmuch").exists():
        index.mkdir(parents=True, exist_ok=True)
        print(f"indexing {maildir} with notmuch new ...", flush=True)
        started = time.monotonic()
        done = subprocess.run(
            ["notmuch", f"--config={config}", "new", "--quiet"],
            check=True,
            env=_notmuch_env(config),
            capture_output=True,
            text=True,
        )
        skipped = done.stderr.count("Ignoring non-mail file")
        print(f"  {time.monotonic() - started:.1f} s ({skipped} malformed files skipped)")
    return config


def _notmuch_env(config: Path) -> dict[str, str]:
    return dict(os.environ, NOTMUCH_CONFIG=str(config), HOME=str(OUT))


def store(maildir: Path, env: dict[str, str]) -> Path:
    path = OUT / f"cli-{maildir.name}.db"
    if not path.exists():
        print(f"importing {maildir} into {path} ...", flush=True)
        tmp = path.with_suffix(".tmp")
        subprocess.run(
            [sys.executable, "-m", "agentconsole", "--db", str(tmp), "import", "--json"]
            + [str(maildir)],
            check=True,
            capture_output=True,
            env=env,
        )
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys; sqlite3.connect(sys.argv[1])"
                ".execute('PRAGMA wal_checkpoint(TRUNCATE)')",
                str(tmp),
            ],
            check=True,
        )
        tmp.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return path


def median_wall(argv: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr.decode()}")
    return statistics.median(times)


def first_ticket_with_replies(db: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "agentconsole", "--db", str(db), "tickets", "--json"]
        + ["--limit", "200", "--sort", "created"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tickets = json.loads(out)["tickets"]
    return str(next(t["ref"] for t in tickets if t["message_count"] >= 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    ensure_notmuch()
    _, maildir = build(args.messages, OUT)
    env = dict(os.environ, AGENTCONSOLE_CONFIG=str(OUT / "no-config.toml"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    env.pop("AGENTCONSOLE_DB", None)
    db = store(maildir, env)
    config = notmuch_config(maildir)
    nm_env = _notmuch_env(config)
    ref = first_ticket_with_replies(db, env)
    ours = [sys.executable, "-m", "agentconsole", "--db", str(db)]
    pairs = [
        (
            "search withdrawal --limit 50",
            ["search", "withdrawal", "--limit", "50"],
            ["notmuch", "search", "--limit=50", "withdrawal"],
        ),
        (
            "search withdrawal --limit 50 --json",
            ["search", "withdrawal", "--limit", "50", "--json"],
            ["notmuch", "search", "--format=json", "--limit=50", "withdrawal"],
        ),
        (
            "tickets status:new,open",
            ["tickets", "status:new,open"],
            ["notmuch", "search", "--limit=50", "tag:unread"],
        ),
        (
            "tickets status:new,open --json",
            ["tickets", "status:new,open", "--json"],
            ["notmuch", "search", "--format=json", "--limit=50", "tag:unread"],
        ),
        (f"show {ref}", ["show", ref], ["notmuch", "show", "--limit=1", "withdrawal"]),
        (
            "customers wang",
            ["customers", "wang"],
            ["notmuch", "address", "--output=sender", "from:wang"],
        ),
    ]
    print(
        f"command-line latency: {args.messages:,} messages, median wall of {args.runs} runs,"
        " output piped"
    )
    print(f"  {'agentconsole':40s} {'ours':>8s} {'notmuch':>8s} {'ratio':>6s}")
    for label, command, theirs in pairs:
        mine = median_wall(ours + command, env, args.runs)
        nm = median_wall(theirs, nm_env, args.runs)
        verdict = "ok" if mine < TARGET_S else "OVER"
        print(
            f"  {label:40s} {mine * 1000:6.0f}ms {nm * 1000:6.0f}ms {mine / nm:5.1f}x"
            f"   [target < {TARGET_S * 1000:.0f} ms: {verdict}]",
            flush=True,
        )
    base = median_wall([sys.executable, "-c", "pass"], env, args.runs)
    print(f"  (python -c pass alone: {base * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
