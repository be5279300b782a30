"""Regenerate the bundled demo mailboxes (data/demo/*.mbox) deterministically.

    python scripts/make_demo.py

The output is committed; running this again gives the same bytes.

- ``support.mbox``: seven weeks of mail from 1 October 2026 (the tests, the README's
  examples and the screenshots use it as it is).
- ``recent.mbox``: the last three weeks before ``DEMO_END``, written in Shanghai business
  hours on working days, much of it answered late. ``agentconsole demo`` adds it and
  moves both to the present (agentconsole/demo_mail.py), so whenever the demo starts
  there is fresh mail whose clocks are running: some at risk, some breached.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agentconsole.demo_mail import DEMO_END  # noqa: E402
from tests.corpus import BASE, TOPICS, CorpusBuilder, write_mbox  # noqa: E402

FOLDER = Path(__file__).resolve().parent.parent / "data" / "demo"
RECENT_DAYS = 21
PER_WORKING_DAY = 28
"""New conversations per working day in recent.mbox: enough that at any hour several
waiting ones are in the last quarter of their target (the at-risk share): 4 to 16
whenever the demo starts, with about 150-220 breached and more answered in time."""
UNANSWERED = 0.12
"""Not answered at all: these pile up as breached."""
SLOW = 0.55
"""Answered after 40 to 160 hours instead of within 40: at any moment many recent
tickets are still waiting, some at risk, some breached until the late reply comes
(the report counts those breaches; the queue shows them pending once answered)."""
WRITTEN_BACK = 0.1
"""The customer writes again after our reply (a reopened ticket's next-response clock)."""
EVERYDAY_TOPICS = (0, 1, 7, 8, 12, 13)
"""Questions under the standard 24-hour policy (log-in, phone, fees, feedback,
merchants): their at-risk stretch is six business hours, against one for money, so
they come three times as often as the others, as in a real inbox."""
TOPIC_WEIGHTS = [3 if index in EVERYDAY_TOPICS else 1 for index in range(len(TOPICS))]


def working_hours_starts(rng: random.Random) -> Iterator[datetime]:
    """Start times spread over 09:00-18:00 Shanghai time (01:00-10:00 UTC) of the
    working days before DEMO_END."""
    day = DEMO_END.replace(hour=1, minute=0) - timedelta(days=RECENT_DAYS)
    step = timedelta(hours=9) / PER_WORKING_DAY
    while day < DEMO_END:
        if day.weekday() < 5:
            for index in range(PER_WORKING_DAY):
                yield day + step * index + timedelta(minutes=rng.randint(0, 40))
        day += timedelta(days=1)


def recent(builder: CorpusBuilder) -> Iterator[bytes]:
    for start in working_hours_starts(builder.rng):
        topic = builder.rng.choices(range(len(TOPICS)), TOPIC_WEIGHTS)[0]
        yield from builder.thread(
            start, topic, unanswered=UNANSWERED, slow=SLOW, written_back=WRITTEN_BACK
        )


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    builder = CorpusBuilder(seed=2026)
    target = FOLDER / "support.mbox"
    count = write_mbox(
        target, builder.corpus(threads=150, start=BASE, span_days=52, specials_every=75)
    )
    print(f"wrote {count} messages to {target}")
    target = FOLDER / "recent.mbox"
    count = write_mbox(target, recent(CorpusBuilder(seed=2027)))
    print(f"wrote {count} messages to {target}")


if __name__ == "__main__":
    main()
