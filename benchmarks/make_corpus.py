"""Write a synthetic bilingual corpus as mbox and Maildir for the benchmarks.

    python benchmarks/make_corpus.py --messages 20000 --out benchmarks/out

Realistic threads (follow-ups with and without references, our replies), GB2312/Big5
bodies, HTML and attachments, auto-replies, bounces, list mail and malformed messages.
Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus import CorpusBuilder, write_maildir, write_mbox  # noqa: E402


def build(messages: int, out: Path, seed: int = 11) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    mbox = out / f"corpus-{messages}.mbox"
    maildir = out / f"corpus-{messages}.maildir"
    if not mbox.exists():
        corpus = CorpusBuilder(seed=seed).corpus(threads=messages, span_days=365)
        write_mbox(mbox, islice(corpus, messages))
    if not maildir.exists():
        corpus = CorpusBuilder(seed=seed).corpus(threads=messages, span_days=365)
        write_maildir(maildir, islice(corpus, messages))
    return mbox, maildir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    mbox, maildir = build(args.messages, args.out)
    print(f"mbox: {mbox} ({mbox.stat().st_size / 1e6:.1f} MB)")
    print(f"maildir: {maildir}")


if __name__ == "__main__":
    main()
