"""Mailbox exports as message sources: mbox, Maildir (and Maildir++), .eml files.

A source only *locates* messages: it yields small :class:`MailRef` records (a path, an
offset and a length) and :func:`read_raw` loads the bytes. The importer hands refs to
worker processes, which read and parse in parallel, so the main process never holds the
corpus and memory stays flat however large the export is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

_ENVELOPE = re.compile(rb"^From \S+ +[^\r\n]*\d")
_HEADER = re.compile(rb"^[!-9;-~]+:[ \t]?")
MAX_MESSAGE_BYTES = 100 * 1024 * 1024


class NotAMailbox(ValueError):
    """Raised for a path that is none of the formats we read; the message says why."""


@dataclass(frozen=True, slots=True)
class MailRef:
    """Where one message's bytes are: ``length`` -1 means the whole file."""

    path: str
    offset: int
    length: int
    label: str


class MailSource(Protocol):
    """A place messages come from (an export on disk today, IMAP later)."""

    kind: str
    path: Path

    def refs(self) -> Iterator[MailRef]:
        """Yield every message's location, in the order the export holds them."""
        ...

    def size(self) -> int:
        """Bytes to read in all, for the progress bar's ETA."""
        ...


def read_raw(ref: MailRef) -> bytes:
    """Load the bytes of one message; a message over the size cap is cut at the cap."""
    with open(ref.path, "rb") as handle:
        if ref.length < 0:
            return handle.read(MAX_MESSAGE_BYTES)
        handle.seek(ref.offset)
        return handle.read(min(ref.length, MAX_MESSAGE_BYTES))


@dataclass
class MboxSource:
    """A Unix mbox file (mboxo/mboxrd, Gmail Takeout's included).

    A message starts at a ``From `` envelope line that follows a blank line (or opens
    the file) and looks like an envelope (it carries a date). The envelope line itself
    is not part of the message.
    """

    path: Path
    kind: str = "mbox"

    def size(self) -> int:
        return self.path.stat().st_size

    def refs(self) -> Iterator[MailRef]:
        start = -1
        offset = 0
        blank = 0  # length of the previous line if it was blank, else 0
        with open(self.path, "rb") as handle:
            for line in handle:
                if (blank or offset == 0) and line.startswith(b"From ") and _ENVELOPE.match(line):
                    if start >= 0:
                        yield self._ref(start, offset - blank)
                    start = offset + len(line)
                offset += len(line)
                blank = len(line) if line in (b"\n", b"\r\n") else 0
        if start >= 0:
            yield self._ref(start, offset - blank)

    def _ref(self, start: int, end: int) -> MailRef:
        """The blank line before the next envelope belongs to the mbox, not the mail."""
        length = max(0, end - start)
        return MailRef(str(self.path), start, length, f"mbox:{self.path}@{start}")


@dataclass
class MaildirSource:
    """A Maildir: ``cur/`` and ``new/``, plus Maildir++ subfolders (``.Sent/cur``...)."""

    path: Path
    kind: str = "maildir"

    def _folders(self) -> list[Path]:
        folders = [self.path]
        for entry in sorted(os.scandir(self.path), key=lambda e: e.name):
            if entry.is_dir() and entry.name.startswith(".") and _is_maildir(Path(entry.path)):
                folders.append(Path(entry.path))
        return folders

    def _files(self) -> Iterator[os.DirEntry[str]]:
        for folder in self._folders():
            for sub in ("cur", "new"):
                directory = folder / sub
                if not directory.is_dir():
                    continue
                for entry in sorted(os.scandir(directory), key=lambda e: e.name):
                    if entry.is_file() and not entry.name.startswith("."):
                        yield entry

    def size(self) -> int:
        return sum(entry.stat().st_size for entry in self._files())

    def refs(self) -> Iterator[MailRef]:
        for entry in self._files():
            yield MailRef(entry.path, 0, -1, f"maildir:{entry.path}")


@dataclass
class EmlSource:
    """One ``.eml`` file, or a folder holding ``.eml`` files (searched recursively)."""

    path: Path
    kind: str = "eml"

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.rglob("*") if p.is_file() and _is_eml_name(p))

    def size(self) -> int:
        return sum(p.stat().st_size for p in self._files())

    def refs(self) -> Iterator[MailRef]:
        for file in self._files():
            yield MailRef(str(file), 0, -1, f"eml:{file}")


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def _is_eml_name(path: Path) -> bool:
    return path.suffix.lower() in (".eml", ".msg822") or path.suffix.lower() == ".mime"


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(4096).lstrip(b"\r\n")
    if not head:
        return "empty"
    if head.startswith(b"From ") and _ENVELOPE.match(head.split(b"\n", 1)[0]):
        return "mbox"
    if _HEADER.match(head):
        return "eml"
    return None


def open_sources(path: Path) -> list[MailSource]:
    """Detect what ``path`` is and return the sources in it.

    A folder may be a Maildir, or hold any mix of ``.eml`` files, ``.mbox`` files and
    Maildirs (as Gmail Takeout and mail clients' export folders do).
    Raises :class:`NotAMailbox` with a sentence a user can act on.
    """
    if not path.exists():
        raise NotAMailbox(f"{path}: no such file or folder")
    if path.is_file():
        kind = _sniff(path)
        if kind == "mbox":
            return [MboxSource(path)]
        if kind == "eml":
            return [EmlSource(path)]
        if kind == "empty":
            raise NotAMailbox(f"{path}: the file is empty")
        raise NotAMailbox(
            f"{path}: not a mailbox (an mbox starts with a 'From ' line, an .eml file "
            "with mail headers)"
        )
    if not path.is_dir():
        raise NotAMailbox(f"{path}: neither a file nor a folder")
    if _is_maildir(path):
        return [MaildirSource(path)]
    sources: list[MailSource] = []
    has_eml = False
    for root, dirs, files in os.walk(path):
        root_path = Path(root)
        for name in sorted(list(dirs)):
            if _is_maildir(root_path / name):
                sources.append(MaildirSource(root_path / name))
                dirs.remove(name)
        dirs.sort()
        for name in sorted(files):
            file = root_path / name
            if _is_eml_name(file):
                has_eml = True
            elif file.suffix.lower() in (".mbox", ".mbx") and _sniff(file) == "mbox":
                sources.append(MboxSource(file))
    if has_eml:
        sources.insert(0, EmlSource(path))
    if not sources:
        raise NotAMailbox(
            f"{path}: no mail found (looked for a Maildir, .eml files and .mbox files)"
        )
    return sources
