"""Where an import spends its CPU: cProfile of the whole pipeline in this process.

    python benchmarks/profile_import.py [--messages 5000] [--top 40] [--part all|prepare]

``--part all`` runs :func:`run_import` with ``jobs=1`` (parsing, threading and writes
in one process, so one profile sees everything); ``--part prepare`` profiles only the
worker side (:func:`prepare` of every message), which is what the pool parallelises.
Prints CPU per message and the functions with the most time of their own and in total.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, config  # noqa: E402
from make_corpus import build  # noqa: E402

from agentconsole.ingest.pipeline import resolve_sources, run_import  # noqa: E402
from agentconsole.ingest.prepare import init_worker, prepare  # noqa: E402
from agentconsole.mail.sources import RawMail  # noqa: E402
from agentconsole.store import open_db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--part", choices=("all", "prepare"), default="all")
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
            run_import(conn, sources, cfg, jobs=1)
            profile.disable()
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
