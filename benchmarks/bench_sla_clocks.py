"""SLA clock arithmetic speed: the pure part of recomputing every ticket's due times.

    python benchmarks/bench_sla_clocks.py [COUNT]

Builds COUNT (default 100,000) ticket histories spread over 2025-2026 (a customer
message, sometimes our reply, a pause, a follow-up, a solve) and computes every clock
under the shipped policies' Shanghai calendar, as a recompute after a policy change
does (``detail=False``: no explain segments). Prints the total and per-ticket time.
Target: well under the 10 s the whole recompute (SQL included) may take.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agentconsole.sla.clocks import compute  # noqa: E402
from agentconsole.sla.model import HistoryMessage, StatusChange, TicketHistory  # noqa: E402
from agentconsole.sla.policies import load_policy_set  # noqa: E402

H = 3600
START = 1_735_660_800  # 2025-01-01 00:00 +08:00


def history(rng: random.Random, ticket_id: int) -> TicketHistory:
    arrived = START + rng.randrange(0, 700 * 86400)
    messages = [HistoryMessage(arrived, "in")]
    changes: list[StatusChange] = []
    at = arrived
    for _ in range(rng.randrange(0, 4)):
        at += rng.randrange(10 * 60, 72 * H)
        messages.append(HistoryMessage(at, "out"))
        changes.append(StatusChange(at, "pending"))
        at += rng.randrange(10 * 60, 96 * H)
        messages.append(HistoryMessage(at, "in", auto=rng.random() < 0.1))
    if rng.random() < 0.6:
        changes.append(StatusChange(at + rng.randrange(60, 48 * H), "solved"))
    return TicketHistory(ticket_id, arrived, "open", tuple(messages), tuple(changes))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    policies = load_policy_set(None, config_dir=None)
    policy = policies.policy("standard")
    assert policy is not None
    calendar = policies.calendar_for(policy)
    rng = random.Random(9)
    histories = [history(rng, n) for n in range(count)]
    now = START + 720 * 86400
    began = time.perf_counter()
    breached = 0
    for item in histories:
        state = compute(
            item, policy, calendar, now=now, at_risk_share=policies.at_risk_share, detail=False
        )
        breached += any(c.breached_at is not None for c in state.clocks)
    took = time.perf_counter() - began
    print(
        f"sla clocks: {count} tickets in {took:.2f} s ({took / count * 1e6:.0f} us/ticket), "
        f"{breached} with a breach"
    )


if __name__ == "__main__":
    main()
