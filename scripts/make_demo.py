"""Regenerate the bundled demo mailbox (data/demo/support.mbox) deterministically.

    python scripts/make_demo.py

The output is committed; running this again gives the same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus import BASE, CorpusBuilder, write_mbox  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "data" / "demo" / "support.mbox"


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    builder = CorpusBuilder(seed=2026)
    count = write_mbox(
        TARGET, builder.corpus(threads=150, start=BASE, span_days=52, specials_every=75)
    )
    print(f"wrote {count} messages to {TARGET}")


if __name__ == "__main__":
    main()
