"""The words of ``show``'s claim line, each case (the CLI test covers held and free)."""

from __future__ import annotations

import time

from agentconsole.cli.show_claim import ClaimShown

AT = int(time.mktime((2026, 11, 23, 9, 14, 0, 0, 0, -1)))


def test_claim_lines() -> None:
    held = ClaimShown("ana", AT, None)
    assert held.line("lin") == "claim: claimed by ana since 2026-11-23 09:14"
    assert held.line("ana") == "claim: claimed by ana (you) since 2026-11-23 09:14"
    asked = ClaimShown(None, None, "claim")
    assert asked.line("lin") == "claim: your claim is queued (decided at the next sync)"
    leaving = ClaimShown("lin", AT, "release")
    assert leaving.line("lin") == (
        "claim: claimed by lin (you) since 2026-11-23 09:14;"
        " your release is queued (decided at the next sync)"
    )
