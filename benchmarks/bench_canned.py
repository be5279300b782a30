"""Canned-response picker speed: search per keystroke over 500 responses, and loading.

    python benchmarks/bench_canned.py

Builds 500 responses from the shipped ones (each copied with a varied title and
keywords), writes them as files to a temporary folder, and prints:
- the time to load that folder (read, front matter, template check, search keys);
- the median and 95th percentile of ``Library.search`` for every prefix of queries
  typed as an agent types them (pinyin, initials, Chinese, English, a typo);
- the same for ``Library.suggest``.
Target: under 20 ms at the 95th percentile per keystroke.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agentconsole.canned import Library, load_library  # noqa: E402
from agentconsole.canned.library import shipped_folder  # noqa: E402
from agentconsole.canned.loading import load_folder, read_text  # noqa: E402
from agentconsole.config import Config  # noqa: E402

COUNT = 500
VARIANTS = {
    "zh": [
        "（简版）",
        "（详细）",
        "：商户",
        "：个人用户",
        "：节假日",
        "：跨境",
        "：二次跟进",
        "：海外用户",
    ],
    "en": [
        " (short)",
        " (detailed)",
        ": merchants",
        ": personal",
        ": holidays",
        ": cross-border",
        ": second follow-up",
        ": overseas",
    ],
}
TYPED = [
    "tuikuan",
    "tk",
    "退款",
    "zhmm",
    "mima",
    "提现没到账",
    "password reset",
    "pasword",
    "withdrawal late",
    "phishing",
    "yzm",
    "手续费 汇率",
    "complaint 24",
]


def write_corpus(folder: Path) -> None:
    """COUNT files: the shipped ones again and again, each with its own id and title."""
    sources = sorted(shipped_folder().glob("*.md"))
    for n in range(COUNT):
        source = sources[n % len(sources)]
        text = read_text(source)
        lang = "zh" if ".zh." in source.name else "en"
        variant = VARIANTS[lang][(n // len(sources)) % len(VARIANTS[lang])]
        lines = text.split("\n")
        out = []
        for line in lines:
            if line.startswith("id = "):
                line = f'id = "bench-{n:03d}-{lang}"'
            elif line.startswith("title = "):
                line = line[:-1] + f'{variant} {n}"'
            elif line.startswith("keywords = ["):
                line = line.replace("[", f'["{variant.strip(" ：:()（）")}", ', 1)
            out.append(line)
        (folder / f"r{n:03d}.md").write_text("\n".join(out), encoding="utf-8")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    median = statistics.median(ordered)
    return f"median {median:6.2f} ms   p95 {p95:6.2f} ms   max {ordered[-1]:6.2f} ms"


def main() -> None:
    started = time.perf_counter()
    shipped = load_library(Config())
    print(
        f"shipped library: {len(shipped.all())} responses loaded in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms (pypinyin dictionary included)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder)
        started = time.perf_counter()
        responses, problems = load_folder(folder, "user")
        library = Library(responses, problems)
        load_ms = (time.perf_counter() - started) * 1000
    assert not problems, problems[:3]
    print(f"{len(library.all())} responses loaded from files in {load_ms:.0f} ms")

    keystrokes: list[float] = []
    for query in TYPED:
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            library.search(query[:end])
            keystrokes.append((time.perf_counter() - started) * 1000)
    print(
        f"search, {len(keystrokes)} keystrokes over {COUNT}: {percentiles(keystrokes)}"
        "   [target p95 < 20 ms]"
    )

    suggest: list[float] = []
    for text in (
        "我的提现三天了还没到账，请尽快处理",
        "I got a mail asking for my PIN, is it phishing?",
    ):
        for category in ("withdrawal", "security", None):
            started = time.perf_counter()
            library.suggest(category=category, lang="zh", text=text)
            suggest.append((time.perf_counter() - started) * 1000)
    print(f"suggest over {COUNT}: {percentiles(suggest)}")


if __name__ == "__main__":
    main()
