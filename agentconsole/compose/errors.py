"""The one error composing raises: what the agent typed or named cannot be sent."""

from __future__ import annotations


class ComposeError(ValueError):
    """A draft that cannot become mail (an address that does not parse, a file that
    cannot be read, an unknown mode); the message is one line a user can act on."""


class DuplicateReply(ComposeError):
    """The same words were queued on the ticket moments ago (a command run twice, a
    double key press): sending them again needs saying so (``--again``)."""
