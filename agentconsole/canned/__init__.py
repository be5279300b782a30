"""Canned responses: shipped and user-written reply fragments, rendered for a ticket.

Headless (no Textual, no Rich): the console's picker, the compose pane and the
``agentconsole canned`` commands are faces on it.

- :mod:`.model`: the records and :class:`CannedError`.
- :mod:`.loading`: Markdown files with TOML front matter; user files override ours by id.
- :mod:`.templating`: safe liquid rendering, variables, ``{% blank "…" %}``.
- :mod:`.search`: fuzzy search that understands pinyin; :mod:`.suggest`: ranking for a
  ticket.
"""

from agentconsole.canned.library import Library, load_library
from agentconsole.canned.model import CannedError, CannedResponse, Rendered
from agentconsole.canned.templating import KNOWN_VARIABLES, render, template_values

__all__ = [
    "KNOWN_VARIABLES",
    "CannedError",
    "CannedResponse",
    "Library",
    "Rendered",
    "load_library",
    "render",
    "template_values",
]
