"""Threading that does not depend on arrival order.

The threader (:mod:`agentconsole.ingest.threader`) looks backwards: a message joins
the ticket of a stored message it names. A reply read before its original therefore
opens a ticket of its own. Like notmuch and JWZ-style threaders, import also looks
forwards: the Message-IDs every message names are remembered
(:mod:`agentconsole.store.message_refs`), and when a message arrives the stored
messages that name it, and those it names on other tickets, are put on one ticket
through the one merge rule (:mod:`agentconsole.domain.merge`).
"""

from __future__ import annotations

from agentconsole.mail.parse import ParsedMessage

MAX_NAMED = 50
"""References kept per message (the newest; ``references_json`` keeps as many)."""


def named_ids(parsed: ParsedMessage) -> list[str]:
    """The Message-IDs a message names: In-Reply-To, References (the newest
    :data:`MAX_NAMED`) and a bounce's original; never its own, each once."""
    named = [*parsed.in_reply_to, *parsed.references[-MAX_NAMED:], *parsed.bounce_refs]
    return [mid for mid in dict.fromkeys(named) if mid != parsed.message_id]
