"""Typed, past-tense messages that workers post back to the screens.

Workers run core calls in threads and must never touch widgets; they post one of
these instead, and the screen updates itself on the UI thread.
"""

from __future__ import annotations

from textual.message import Message

from agentconsole.models import Customer, Ticket
from agentconsole.service import Change, CustomerCard, TicketDetail


class QueueCounted(Message):
    """A view's count, with the page the cursor is on (one worker trip, not two);
    ``store_empty`` says, for an empty view, whether the whole store is empty."""

    def __init__(
        self,
        generation: int,
        total: int,
        pages: dict[int, list[Ticket]],
        store_empty: bool = False,
    ) -> None:
        self.generation = generation
        self.total = total
        self.pages = pages
        self.store_empty = store_empty
        super().__init__()


class QueuePageLoaded(Message):
    def __init__(self, generation: int, page: int, tickets: list[Ticket]) -> None:
        self.generation = generation
        self.page = page
        self.tickets = tickets
        super().__init__()


class QueueFailed(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class TicketLoaded(Message):
    def __init__(self, detail: TicketDetail) -> None:
        self.detail = detail
        super().__init__()


class TicketsChanged(Message):
    """A change was written to the store (or undone)."""

    def __init__(self, change: Change, undone: bool = False) -> None:
        self.change = change
        self.undone = undone
        super().__init__()


class ActionFailed(Message):
    """A worker declined to do what was asked, for a reason the agent can act on
    (no more tickets in the view, an ambiguous customer); not a fault."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class WorkerFailed(Message):
    """A worker raised while it was to do ``what`` ("load the queue"); its traceback is
    in the failure log already, unless writing it failed (``logged``). Posted to the
    app, handled there alone."""

    def __init__(self, what: str, error: Exception, logged: OSError | None) -> None:
        self.what = what
        self.error = error
        self.logged = logged
        super().__init__()


class CustomersFound(Message):
    def __init__(self, query: str, customers: list[Customer]) -> None:
        self.query = query
        self.customers = customers
        super().__init__()


class CustomerLoaded(Message):
    def __init__(self, card: CustomerCard) -> None:
        self.card = card
        super().__init__()


class CustomersMerged(Message):
    def __init__(self, keep: int, merged: int) -> None:
        self.keep = keep
        self.merged = merged
        super().__init__()


class AttachmentsSaved(Message):
    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__()
