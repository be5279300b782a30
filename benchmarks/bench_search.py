"""Full-text search latency over a large store (about 240,000 messages).

    python benchmarks/bench_search.py

Prints the median and 95th percentile of ``search_messages`` (top 20, ranked) for
English words, two-character Chinese words and mixed queries.
Target: under 20 ms at the 95th percentile.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import big_db  # noqa: E402

from agentconsole.store import open_db  # noqa: E402
from agentconsole.store.messages import search_messages  # noqa: E402

QUERIES = {
    "english": [
        "withdrawal",
        "password",
        "refund",
        "frozen",
        "merchant",
        "fee",
        "suspicious",
        "transaction",
        "verification",
        "statements",
    ],
    "chinese": ["密码", "提现", "充值", "冻结", "手续费", "验证码", "钓鱼", "汇率", "退款", "商户"],
    "mixed": ["App 密码", "提现 withdrawal", "OKWallet 冻结", "TXN 交易号", "fee 手续费"],
}


def main() -> None:
    conn = open_db(big_db()).conn
    total = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    print(f"search benchmark: {total:,} messages")
    for query in sum(QUERIES.values(), []):  # warm the cache once
        search_messages(conn, query)
    for kind, queries in QUERIES.items():
        timings = []
        for _ in range(10):
            for query in queries:
                started = time.perf_counter()
                search_messages(conn, query, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"  {kind:8s} median {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms"
            "   [target p95 < 20 ms]"
        )


if __name__ == "__main__":
    main()
