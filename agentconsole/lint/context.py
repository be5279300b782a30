"""The lint context of a ticket: whom the reply addresses, in which language, which
reference its subject keeps. Pure (the caller reads the ticket and its messages from
the store), so the CLI and the compose core build it the same way."""

from __future__ import annotations

from collections.abc import Sequence

from agentconsole.config import Config
from agentconsole.lint.language import detect_language
from agentconsole.lint.model import LintContext
from agentconsole.models import Message, Ticket


def customer_language(messages: Sequence[Message]) -> str | None:
    """The language of the customer's last message ("zh" or "en"); None when they have
    written none, or wrote it mixed (then either language is a fine answer)."""
    for message in reversed(messages):
        if message.direction == "in" and message.body_text.strip():
            language = detect_language(message.body_text)
            return language if language in ("zh", "en") else None
    return None


def ticket_context(
    ticket: Ticket,
    messages: Sequence[Message],
    config: Config,
    *,
    subject: str | None = None,
    has_attachments: bool = False,
) -> LintContext:
    """The context for a reply on ``ticket`` (with ``messages``, oldest first), whose
    subject and attachments the caller knows."""
    return LintContext(
        customer_name=ticket.customer_name,
        customer_lang=customer_language(messages),
        subject=subject,
        ticket_ref=ticket.ref,
        has_attachments=has_attachments,
        allowed_domains=config.allowed_domains,
    )
