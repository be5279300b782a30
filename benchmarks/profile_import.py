"""Where an import spends its CPU: cProfile of the whole pipeline in this process.

    python benchmarks/profile_import.py [--messages 5000] [--top 40]
        [--part all|prepare|sql] [--jobs 1]

``--part all`` runs :func:`run_import` with ``jobs=1`` (parsing, threading and writes
in one process, so one profile sees everything); ``--part prepare`` profiles only the
worker side (:func:`prepare` of every message), which is what the pool parallelises;
``--part sql`` times every statement the writer runs (through a timing proxy of the
connection, no cProfile) and lists them by total time, with how many run per message;
with ``--jobs 2`` it does so while worker processes parse, as a real import does.
Prints CPU per message and the functions with the most time of their own and in total.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, config  # noqa: E402
from make_corpus import build  # noqa: E402

from agentconsole.ingest.pipeline import resolve_sources, run_import  # noqa: E402
from agentconsole.ingest.prepare import init_worker, prepare  # noqa: E402
from agentconsole.mail.sources import RawMail  # noqa: E402
from agentconsole.store import open_db  # noqa: E402


class TimedConnection:
    """A stand-in for the writer's connection that adds up the time of each statement."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def _timed(self, method: Any, sql: str, *args: Any) -> Any:
        started = time.thread_time()  # this thread's CPU: wall time is noise here, and
        # the process's would count the pool thread unpickling results meanwhile
        result = method(sql, *args)
        key = " ".join(sql.split())[:110]
        self.seconds[key] += time.thread_time() - started
        self.calls[key] += 1
        return result

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed(self._conn.execute, sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed(self._conn.executemany, sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def report(self, messages: int, top: int) -> None:
        total = sum(self.seconds.values())
        count = sum(self.calls.values())
        print(
            f"SQL: {total:.2f} s, {total / messages * 1000:.3f} ms/message,"
            f" {count / messages:.1f} statements/message"
        )
        for key in sorted(self.seconds, key=self.seconds.__getitem__, reverse=True)[:top]:
            print(
                f"  {self.seconds[key] / messages * 1e6:7.1f} us/msg"
                f"  {self.calls[key] / messages:5.2f}/msg  {key}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=1, help="parse processes (all, sql)")
    parser.add_argument("--part", choices=("all", "prepare", "sql"), default="all")
    args = parser.parse_args()
    _, maildir = build(args.messages, OUT)
    cfg = config()
    sources = resolve_sources([maildir])
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_db(Path(tmp) / "profile.db").conn
        started = time.process_time()
        if args.part == "all":
            profile.enable()
            run_import(conn, sources, cfg, jobs=args.jobs)
            profile.disable()
        elif args.part == "sql":
            timed = TimedConnection(conn)
            run_import(timed, sources, cfg, jobs=args.jobs)  # type: ignore[arg-type]
            conn.close()
            timed.report(args.messages, args.top)
            return
        else:
            items = [
                item
                for source in sources
                for item in source.messages()
                if isinstance(item, RawMail)
            ]
            init_worker(cfg.identifier_patterns)
            started = time.process_time()
            profile.enable()
            for item in items:
                prepare(item.raw, item.where)
            profile.disable()
        cpu = time.process_time() - started
        conn.close()
    print(f"{args.part}: {cpu:.2f} s CPU, {cpu / args.messages * 1000:.3f} ms/message (profiled)")
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
