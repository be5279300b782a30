"""Traffic Cop: what others did to a ticket while an agent was writing a reply.

Before a reply is sent the console asks this, from the ticket's own history (the
shared log brings teammates' claims, sync brings their replies from the Sent folder),
and asks the agent before sending when anything turned up, naming who and when. No
server of ours is involved: each console sees what its store has seen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from agentconsole.domain import claims
from agentconsole.models import Event, Message
from agentconsole.textsafe import safe_line

WHO_LIMIT = 60


@dataclass(frozen=True)
class Meanwhile:
    """One thing someone else did to the ticket since the draft was started."""

    who: str
    what: str
    """``queued a reply``, ``replied`` or ``claimed the ticket``."""
    at: int

    def sentence(self) -> str:
        at = time.strftime("%H:%M", time.localtime(self.at))
        return f"{safe_line(self.who, WHO_LIMIT)} {self.what} at {at}"


def meanwhile(
    messages: Iterable[Message],
    events: Iterable[Event],
    ours: set[int],
    holder: str | None,
    *,
    since: int,
    me: str,
) -> list[Meanwhile]:
    """What happened after ``since``, oldest first: replies queued here (by anyone,
    another pane of ``me`` included), replies that came in from elsewhere (a
    teammate's, synced from the Sent folder: outgoing messages not in ``ours``, the ids
    of this store's outbox), and a claim by someone else that holds the ticket now."""
    found: list[Meanwhile] = []
    for event in events:
        if event.at <= since:
            continue
        if event.kind == "reply_queued":
            found.append(Meanwhile(event.actor, "queued a reply", event.at))
        elif event.kind == claims.CLAIM and event.actor != me and event.actor == holder:
            found.append(Meanwhile(event.actor, "claimed the ticket", event.at))
    for message in messages:
        if message.direction != "out" or message.id in ours:
            continue
        if message.date is not None and message.date > since:
            who = message.from_name or message.from_addr or "someone"
            found.append(Meanwhile(who, "replied", message.date))
    return sorted(found, key=lambda item: item.at)


def question(found: list[Meanwhile]) -> str:
    """The confirm dialog's title."""
    return f"Since you started: {'; '.join(item.sentence() for item in found)}. Send anyway?"
