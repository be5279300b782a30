"""Typed, past-tense messages of the compose pane's workers (see screens/events.py)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from agentconsole.canned import Rendered
from agentconsole.compose.checks import SendResult
from agentconsole.compose.mime import AttachmentFile
from agentconsole.compose.traffic import Meanwhile
from agentconsole.lint import Finding
from agentconsole.models import Ticket
from agentconsole.store.drafts import Draft
from agentconsole.store.outbox import OutboxEntry


@dataclass(frozen=True)
class Snapshot:
    """What the pane holds at one moment, in the order it was taken."""

    seq: int
    draft: Draft


class DraftSaved(Message):
    def __init__(self, seq: int, draft: Draft) -> None:
        self.seq = seq
        self.draft = draft
        super().__init__()


class Linted(Message):
    def __init__(self, seq: int, draft: Draft, findings: list[Finding]) -> None:
        self.seq = seq
        self.draft = draft
        self.findings = findings
        super().__init__()


class SendDone(Message):
    """Sent, or blocked by error findings (``result.stored_id`` is None)."""

    def __init__(self, draft: Draft, result: SendResult) -> None:
        self.draft = draft
        self.result = result
        super().__init__()


class OthersMeanwhile(Message):
    """Not sent yet: someone replied to or claimed the ticket since this draft began
    (Traffic Cop)."""

    def __init__(self, found: list[Meanwhile], reason: str | None) -> None:
        self.found = found
        self.reason = reason
        super().__init__()


class SendRefused(Message):
    """The draft cannot become mail (an address or a file); nothing was written."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class DraftDiscarded(Message):
    pass


class AttachmentChecked(Message):
    def __init__(self, attachment: AttachmentFile) -> None:
        self.attachment = attachment
        super().__init__()


class DraftOpened(Message):
    """A draft to write in: the one waiting for this ticket and mode, or a new one."""

    def __init__(
        self, ticket: Ticket, draft: Draft, resumed: bool, others: list[Draft] | None = None
    ) -> None:
        self.ticket = ticket
        self.draft = draft
        self.resumed = resumed
        self.others = others or []
        """The ticket's other drafts that would also write to someone (or other notes)."""
        super().__init__()


class DraftsFound(Message):
    """What waits for a ticket: drafts, and its mail not delivered yet."""

    def __init__(self, drafts: list[Draft], undelivered: list[OutboxEntry]) -> None:
        self.drafts = drafts
        self.undelivered = undelivered
        super().__init__()


class CannedRendered(Message):
    """A canned response picked in the command palette, rendered for the ticket."""

    def __init__(self, rendered: Rendered) -> None:
        self.rendered = rendered
        super().__init__()
