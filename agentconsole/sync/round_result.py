"""What a background sync round did (:mod:`agentconsole.sync.round`), apart from the
round itself so that the console can show it without loading any network code."""

from __future__ import annotations

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
