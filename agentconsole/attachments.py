"""Writing attachments from mail to the agent's disk.

The names come from hostile mail and the target folder may already hold anything,
including symbolic links planted to redirect a write. So a name is reduced to a plain
file name, and every file is created exclusively without following links
(``O_CREAT | O_EXCL | O_NOFOLLOW``): an existing entry of any kind, link or not, is
never opened; the next free name ``name (1).ext`` is used instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\u202a-\u202e\u2066-\u2069]")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_MAX_TRIES = 10_000


def safe_filename(name: str) -> str:
    """A file name from mail made safe for the disk: no directories, no control
    characters, no leading dots, not empty."""
    base = _UNSAFE_FILENAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[:120] or "attachment"


def write_new_file(folder: Path, name: str, content: bytes) -> Path:
    """Create a new file in ``folder`` named after ``name`` (made safe) and write
    ``content``; never overwrite, never follow a link, never leave the folder."""
    name = safe_filename(name)
    stem, suffix = os.path.splitext(name)
    for number in range(_MAX_TRIES):
        target = folder / (name if number == 0 else f"{stem} ({number}){suffix}")
        try:
            fd = os.open(target, _CREATE, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        return target
    raise FileExistsError(f"{folder}: no free name for {name!r}")


def save_all(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write each (name, content) pair as a new file in ``folder`` (created if needed)."""
    folder = folder.expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return [write_new_file(folder, name, content) for name, content in files]
