"""Reading a file a user named, safely: a regular file, and no more than a limit.

A path on the command line or in a folder may name anything: ``/dev/zero`` (endless),
``/dev/urandom``, a named pipe (``open`` blocks until a writer comes, forever), a
socket, a symlink to any of these. Reading one whole runs out of memory or hangs.
So a file is checked with ``os.stat`` (symlinks followed) before it is opened, opened
with ``O_NONBLOCK`` (a pipe swapped in after the check cannot block the open) and
checked again with ``fstat`` on what was opened, and at most ``limit + 1`` bytes are
read: one more than allowed proves it too large without reading the rest.

Problems the system reports (no such file, a folder, no permission) are raised as the
``OSError`` it raised, so callers keep their own wording for them; a file that is not
regular or is too large raises :class:`FileRefused`, one line naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class FileRefused(ValueError):
    """A file not read: not a regular file, or larger than the limit for its use.
    ``str()`` is ``"<path>: <reason>"``; ``reason`` alone for callers that name the
    file themselves."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def size_text(size: int) -> str:
    """``512 B``, ``256 KB``, ``1 MB``: a limit as a person reads it."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} B"


def _too_large(name: str, limit: int, what: str) -> FileRefused:
    return FileRefused(name, f"larger than {size_text(limit)}, the limit for {what}")


def _check_mode(name: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    if not stat.S_ISREG(mode):
        raise FileRefused(name, "not a regular file (a device, pipe or socket is never read)")


def open_regular(path: str | Path, limit: int, what: str) -> tuple[int, int]:
    """``(descriptor, size)`` of the regular file at ``path``, opened for reading
    without blocking; the caller closes the descriptor. FileRefused when it is not a
    regular file or is larger than ``limit`` bytes (``what`` names its use: "a reply's
    text"); the OSError of the system otherwise."""
    name = str(path)
    _check_mode(name, os.stat(path).st_mode)  # before any open: a fifo's open blocks
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        found = os.fstat(fd)  # what was opened, if the path changed since the stat
        _check_mode(name, found.st_mode)
        if found.st_size > limit:
            raise _too_large(name, limit, what)
    except BaseException:
        os.close(fd)
        raise
    return fd, found.st_size


def regular_size(path: str | Path, limit: int, what: str) -> int:
    """The size of the regular file at ``path`` after checking that it opens for
    reading (as :func:`open_regular`), without reading it."""
    fd, size = open_regular(path, limit, what)
    os.close(fd)
    return size


def read_limited(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (see
    :func:`open_regular`); a file that grew past the limit since it was checked is
    refused too."""
    fd, _ = open_regular(path, limit, what)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_large(str(path), limit, what)
    return data


def read_stream(stream: BinaryIO, limit: int, what: str, name: str = "standard input") -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input): ``limit + 1`` are read,
    and one more than the limit is refused without reading on."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, limit, what)
    return data
