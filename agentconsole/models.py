"""Frozen records that cross the layers: the store returns them, the CLI and the
console show them. They carry no behaviour beyond small derived properties, so a
screen can hold one without holding a database connection."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("new", "open", "pending", "solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
CATEGORIES = (
    "account_access",
    "deposit",
    "withdrawal",
    "payment",
    "account_locked",
    "account_change",
    "fees",
    "security",
    "complaint",
    "feedback",
    "business",
    "other",
)


def ticket_ref(ticket_id: int) -> str:
    """The local alias of a ticket, ``T-42``: its row id, valid on this machine only.
    Shown for a ticket with no message yet (so no derived ref), never put in mail."""
    return f"T-{ticket_id}"


def parse_ticket_ref(text: str) -> int | None:
    """The row id of a local alias: ``T-42``, ``t42`` or ``42``; None for anything else
    (derived refs are parsed by :func:`agentconsole.refs.parse_ref`)."""
    value = text.strip().upper()
    if value.startswith("T"):
        value = value[1:].removeprefix("-")
    # ASCII digits only: int() would also read "٤٢" (Arabic-Indic) as 42.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


DELIVERY_FAILED_TAG = "delivery-failed"
"""The tag on a ticket whose reply the mail server refused for good: the queue marks
such tickets and ``tag:delivery-failed`` lists them (see domain.outgoing.reply_failed)."""


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    subject: str
    status: str
    priority: str
    category: str
    assignee: str | None
    customer_id: int | None
    customer_name: str
    customer_address: str
    created_at: int
    updated_at: int
    first_response_at: int | None
    last_customer_at: int | None
    last_agent_at: int | None
    last_message_at: int | None
    solved_at: int | None
    due_at: int | None
    message_count: int
    tags: tuple[str, ...] = ()
    derived_ref: str | None = None
    """``tickets.ref``, derived from the first message and the same on every machine."""
    claimed_by: str | None = None
    """The agent holding the ticket's claim in the team's log, if any."""

    @property
    def ref(self) -> str:
        """The reference to show and accept: the derived one, or (a ticket with no
        message yet has none) the local ``T-<id>``."""
        return self.derived_ref or ticket_ref(self.id)


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: int
    part_index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    ticket_id: int | None
    direction: str
    auto_kind: str | None
    from_name: str
    from_addr: str
    to: tuple[str, ...]
    subject: str
    date: int | None
    body_text: str
    status: str
    problems: tuple[str, ...]
    thread_rule: str
    thread_detail: str
    source: str
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    uuid: str
    at: int
    actor: str
    kind: str
    ticket_id: int | None
    customer_id: int | None
    data: dict[str, object] = field(default_factory=dict)
    ticket_ref: str | None = None
    """The ticket's derived ref when the event was recorded: what other machines know."""
    origin: str | None = None
    """The machine id of the database the event was first recorded in."""
    log_seq: int | None = None
    """Its position in the shared event log; None until synced."""


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    name: str
    created_at: int
    last_contact_at: int | None
    addresses: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    merged_into: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    message_id: int
    ticket_id: int | None
    subject: str
    from_name: str
    from_addr: str
    date: int | None
    snippet: str
    rank: float
