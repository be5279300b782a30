"""Composing replies, headless: drafts, the reply's text and its RFC 5322 bytes.

The console's compose pane and ``agentconsole reply`` are two faces on this package;
neither builds a greeting, a subject or a header itself. Recording a sent reply on its
ticket is the domain's (:mod:`agentconsole.domain.outgoing`).

- :mod:`.build`: a new draft filled in from the thread.
- :mod:`.drafts`: saving, listing, discarding drafts.
- :mod:`.checks`: the linter's findings on a draft, and sending it (or not).
- :mod:`.send`: the draft as stored mail; :mod:`.mime`: its bytes;
  :mod:`.addresses`: addresses and header text made safe.
"""

from agentconsole.compose.build import new_draft
from agentconsole.compose.checks import SendResult, lint_draft, send_draft
from agentconsole.compose.drafts import discard_draft, drafts_for, save_draft
from agentconsole.compose.errors import ComposeError
from agentconsole.store.drafts import Draft

__all__ = [
    "ComposeError",
    "Draft",
    "SendResult",
    "discard_draft",
    "drafts_for",
    "lint_draft",
    "new_draft",
    "save_draft",
    "send_draft",
]
