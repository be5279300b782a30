"""What a background sync round did (:mod:`agentconsole.sync.round`), apart from the
round itself so that the console can show it without loading any network code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimDecided:
    """One of this agent's claims, decided by the log in this round."""

    ticket_id: int
    ticket_ref: str
    holder: str | None
    """Who holds the ticket now (this agent when the claim won)."""


@dataclass(frozen=True)
class RoundResult:
    """What one round did, and why it stopped short (``offline`` or ``error``)."""

    account: str
    finished_at: int
    new_messages: int = 0
    new_tickets: int = 0
    team_changes: int = 0
    """Teammates' changes applied from the log."""
    published: int = 0
    acknowledged: int = 0
    sent: int = 0
    failed: int = 0
    claims: tuple[ClaimDecided, ...] = ()
    offline: str = ""
    """Why a server could not be reached (one safe line), or ''."""
    error: str = ""
    """What a person has to fix (a refused login, a missing folder), or ''."""

    @property
    def stored(self) -> bool:
        """Whether the round changed what the console shows (a published change that
        came back from the log is no longer "queued")."""
        return bool(
            self.new_messages
            or self.new_tickets
            or self.team_changes
            or self.published
            or self.acknowledged
            or self.sent
            or self.failed
            or self.claims
        )


def combined(results: Sequence[RoundResult]) -> RoundResult:
    """One result for a round over several accounts: the counts added up, and each
    account's offline or error reason named after its account (one account: as is)."""
    if len(results) == 1:
        return results[0]

    def reasons(pick: Callable[[RoundResult], str]) -> str:
        return "; ".join(f"{r.account}: {pick(r)}" for r in results if pick(r))

    return RoundResult(
        ", ".join(r.account for r in results),
        max(r.finished_at for r in results),
        new_messages=sum(r.new_messages for r in results),
        new_tickets=sum(r.new_tickets for r in results),
        team_changes=sum(r.team_changes for r in results),
        published=sum(r.published for r in results),
        acknowledged=sum(r.acknowledged for r in results),
        sent=sum(r.sent for r in results),
        failed=sum(r.failed for r in results),
        claims=tuple(c for r in results for c in r.claims),
        offline=reasons(lambda r: r.offline),
        error=reasons(lambda r: r.error),
    )
