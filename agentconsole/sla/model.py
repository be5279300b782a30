"""The SLA core's shared vocabulary: what a clock reads and what it produces.

Two halves of the SLA work meet here. The clocks (``sla/clocks.py``) turn a ticket's
history into due times with pure arithmetic over a business calendar; the store side
(``store/sla_rows.py``, ``domain/sla.py``) reads that history from SQLite, writes the
results onto ``tickets`` and aggregates them for reports. Neither imports the other's
internals: only these plain, frozen records cross, so each side is tested alone.

All instants are integer seconds since the epoch (UTC), as in the store; durations
are whole seconds of *business* time unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["in", "out", "note"]
ClockName = Literal["first_response", "next_response", "resolution"]
CLOCKS: tuple[ClockName, ...] = ("first_response", "next_response", "resolution")


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    """One message of a ticket, as the clocks need it.

    ``auto`` is true for automatic mail (auto-replies, bounces, bulk, our own
    acknowledgements): it never counts as our reply and never restarts a clock.
    ``direction='note'`` is an internal note: never a reply.
    """

    at: int
    direction: Direction
    auto: bool = False


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The ticket's status became ``status`` at ``at`` (from the events table)."""

    at: int
    status: str


@dataclass(frozen=True, slots=True)
class TicketHistory:
    """Everything a clock reads about one ticket, sorted by time."""

    ticket_id: int
    created_at: int
    status: str
    messages: tuple[HistoryMessage, ...]
    status_changes: tuple[StatusChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of business time that counted towards a clock (for ``sla explain``)."""

    clock: ClockName
    start: int
    end: int
    seconds: int


@dataclass(frozen=True, slots=True)
class ClockState:
    """One clock of one ticket.

    ``due_at`` is set while the clock runs (None when stopped or paused: a paused
    resolution clock has no due instant until it resumes). ``elapsed`` is the
    business time counted so far (or in total, once stopped); ``achieved`` is true
    once the clock stopped (replied, solved). ``breached_at`` is the instant the
    target was first exceeded, ``at_risk_at`` the instant the at-risk share of the
    target was first used, whether or not that is in the past.
    """

    clock: ClockName
    target: int
    elapsed: int
    running: bool
    achieved: bool
    due_at: int | None = None
    at_risk_at: int | None = None
    breached_at: int | None = None
    paused: bool = False


@dataclass(frozen=True, slots=True)
class SlaState:
    """The outcome of one policy applied to one ticket at ``computed_at``."""

    ticket_id: int
    policy: str
    computed_at: int
    clocks: tuple[ClockState, ...]
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    def clock(self, name: ClockName) -> ClockState | None:
        """The named clock, or None when the policy sets no target for it."""
        for state in self.clocks:
            if state.clock == name:
                return state
        return None

    @property
    def due_at(self) -> int | None:
        """The earliest due instant of the running clocks: ``tickets.due_at``."""
        dues = [c.due_at for c in self.clocks if c.running and c.due_at is not None]
        return min(dues) if dues else None
