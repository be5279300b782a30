"""The one way mail text reaches the screen.

Plain strings given to Static, Label, OptionList... are parsed as Textual markup, so a
subject like ``[@click=app.quit]x[/]`` would become a live action and ``[/]`` would
crash the app. And escape sequences in mail would reach the real terminal even inside
``Text``. Every string from mail is therefore passed through :mod:`agentconsole.textsafe`
and wrapped in a Rich ``Text`` (never markup) here.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from agentconsole.textsafe import safe_line, safe_text


def mail_line(value: object, style: str | Style = "", limit: int | None = None) -> Text:
    """One-line mail text (subject, name, address) as literal, inert Text."""
    return Text(safe_line(str(value) if value is not None else "", limit), style=style)


def mail_block(value: object, style: str | Style = "") -> Text:
    """Multi-line mail text (a body) as literal, inert Text."""
    return Text(safe_text(str(value) if value is not None else ""), style=style)
