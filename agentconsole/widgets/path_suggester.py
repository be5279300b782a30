"""Completion of file paths in an ``Input``, from the file system.

Attaching a file is typing its path: the Input offers the rest of the first matching
name in the folder typed so far (the right arrow accepts), a folder with its ``/``,
so a path is a few keys and never a guess. The folder is listed in a thread: a slow
network folder never stalls typing.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.suggester import Suggester

LISTING_LIMIT = 2000
"""Names looked at per folder: a huge folder still answers at once."""


def complete_path(value: str) -> str | None:
    """``value`` completed to the first name (sorted, hidden files only when asked for
    with a leading dot) in its folder that it begins; None when there is none. What the
    agent typed is kept as typed (``~`` stays ``~``)."""
    if not value:
        return None
    folder_text, _, prefix = value.rpartition(os.sep)
    if folder_text:
        folder = Path(os.path.expanduser(folder_text))
    else:
        folder = Path(os.sep if value.startswith(os.sep) else ".")
    try:
        with os.scandir(folder) as entries:
            names: list[tuple[str, bool]] = []
            for count, entry in enumerate(entries):
                if count >= LISTING_LIMIT:
                    break
                hidden = entry.name.startswith(".") and not prefix.startswith(".")
                if entry.name.startswith(prefix) and not hidden:
                    names.append((entry.name, entry.is_dir()))
    except OSError:
        return None
    if not names:
        return None
    name, is_dir = min(names)
    completed = value[: len(value) - len(prefix)] + name + (os.sep if is_dir else "")
    return completed if completed != value else None


class PathSuggester(Suggester):
    """Suggests the rest of a file path; never cached (files come and go)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)
