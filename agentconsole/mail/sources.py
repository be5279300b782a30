"""Where mail comes from: mbox, Maildir (and Maildir++) and .eml files today, IMAP next.

Every source implements one small :class:`MailSource` protocol: it yields each
message's raw bytes with a typed :class:`Provenance` (a file and an offset, or an IMAP
account, folder, UIDVALIDITY and UID). Reading happens where the source lives (the
importer's main process; an IMAP connection cannot be handed to a worker), parsing in
workers. The store records every provenance it saw (``message_locations``), so a
later sync plugs into the same ingestion and knows which copies it already has.

A source never raises for one bad entry: a symlink loop, a FIFO, a file that vanished
or cannot be read becomes a :class:`Skipped` item with a reason, which the import
reports as a warning and goes on.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

_ENVELOPE = re.compile(rb"^From \S+ +[^\r\n]*\d")
_HEADER = re.compile(rb"^[!-9;-~]+:")
_CONTINUATION = re.compile(rb"^[ \t]")
MAX_MESSAGE_BYTES = 100 * 1024 * 1024

MAIL_HEADERS = frozenset(
    {
        b"from",
        b"to",
        b"cc",
        b"bcc",
        b"date",
        b"subject",
        b"message-id",
        b"received",
        b"return-path",
        b"mime-version",
        b"reply-to",
        b"sender",
        b"in-reply-to",
        b"references",
        b"delivered-to",
        b"content-type",
        b"x-gmail-labels",
    }
)
"""Header names that only mail has: a file must carry one to be taken as a message."""

SourceKind = Literal["mbox", "maildir", "eml", "imap"]


class NotAMailbox(ValueError):
    """Raised for a path that is none of the formats we read; the message says why."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one copy of a message was seen.

    For files (``mbox``, ``maildir``, ``eml``): ``path`` and ``offset`` (the byte where
    the message starts; 0 for a file that holds one message). For ``imap``:
    ``account``, ``folder``, ``uidvalidity`` and ``uid``. Together the fields of a kind
    name one copy exactly, so recording a location twice adds nothing.
    """

    kind: SourceKind
    path: str = ""
    offset: int = 0
    account: str = ""
    folder: str = ""
    uidvalidity: int = 0
    uid: int = 0

    @property
    def label(self) -> str:
        """One line for people: warnings, events, the message's ``source`` column."""
        if self.kind == "imap":
            return f"imap:{self.account}/{self.folder};UIDVALIDITY={self.uidvalidity}/{self.uid}"
        if self.kind == "mbox":
            return f"mbox:{self.path}@{self.offset}"
        return f"{self.kind}:{self.path}"


@dataclass(frozen=True, slots=True)
class RawMail:
    """One message's bytes (cut at :data:`MAX_MESSAGE_BYTES`) and where they were seen."""

    raw: bytes
    where: Provenance


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of a source that could not be read; the import warns and goes on."""

    where: Provenance
    reason: str


SourceItem = RawMail | Skipped


class MailSource(Protocol):
    """A place messages come from: a file export today, an IMAP folder next."""

    @property
    def kind(self) -> SourceKind:
        """What the source is; the kind of every provenance it yields."""
        ...

    def messages(self) -> Iterator[SourceItem]:
        """Yield every message (or a reason it was skipped), in the order the source
        holds them, reading one at a time so memory stays flat."""
        ...

    def size(self) -> int:
        """Bytes to read in all, for the progress bar's ETA (an estimate is fine)."""
        ...


def _reason(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symlink loop: skipped"
    return f"cannot read ({exc.strerror or exc}): skipped"


def _read_file(path: str, kind: SourceKind, offset: int = 0, length: int = -1) -> SourceItem:
    """Read a regular file (never a FIFO or device, which could block forever)."""
    where = Provenance(kind, path=path, offset=offset)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return Skipped(where, "not a regular file (a FIFO, device or socket): skipped")
            handle.seek(offset)
            wanted = os.fstat(fd).st_size - offset if length < 0 else length
            return RawMail(handle.read(min(wanted, MAX_MESSAGE_BYTES)), where)
    except OSError as exc:
        return Skipped(where, _reason(exc))


@dataclass
class MboxSource:
    """A Unix mbox file (mboxo/mboxrd, Gmail Takeout's included).

    A message starts at a ``From `` envelope line that follows a blank line (or opens
    the file) and looks like an envelope (it carries a date). The envelope line itself
    is not part of the message. The file is read line by line and each message is
    yielded as soon as its end is found, so only one message is in memory.
    """

    path: Path

    @property
    def kind(self) -> SourceKind:
        return "mbox"

    def size(self) -> int:
        return self.path.stat().st_size

    def spans(self) -> Iterator[tuple[int, int]]:
        """(offset, length) of every message, without reading them all into memory."""
        start = -1
        offset = 0
        blank = 0  # length of the previous line if it was blank, else 0
        with open(self.path, "rb") as handle:
            for line in handle:
                if (blank or offset == 0) and line.startswith(b"From ") and _ENVELOPE.match(line):
                    if start >= 0:
                        yield start, max(0, offset - blank - start)
                    start = offset + len(line)
                offset += len(line)
                blank = len(line) if line in (b"\n", b"\r\n") else 0
        if start >= 0:
            yield start, max(0, offset - blank - start)

    def messages(self) -> Iterator[SourceItem]:
        path = str(self.path)
        with open(self.path, "rb") as handle:  # one handle: no open() per message
            for start, length in self.spans():
                handle.seek(start)
                # no local name for the bytes: a suspended generator would keep them alive
                yield RawMail(
                    handle.read(min(length, MAX_MESSAGE_BYTES)),
                    Provenance("mbox", path=path, offset=start),
                )


@dataclass
class MaildirSource:
    """A Maildir: ``cur/`` and ``new/``, plus Maildir++ subfolders (``.Sent/cur``...)."""

    path: Path

    @property
    def kind(self) -> SourceKind:
        return "maildir"

    def _folders(self) -> list[Path]:
        folders = [self.path]
        for entry in sorted(os.scandir(self.path), key=lambda e: e.name):
            if entry.name.startswith(".") and _is_dir(entry) and _is_maildir(Path(entry.path)):
                folders.append(Path(entry.path))
        return folders

    def _entries(self) -> Iterator[os.DirEntry[str]]:
        """Every entry of cur/ and new/ but dot files; broken ones too (reading says why)."""
        for folder in self._folders():
            for sub in ("cur", "new"):
                directory = folder / sub
                if not directory.is_dir():
                    continue
                for entry in sorted(os.scandir(directory), key=lambda e: e.name):
                    if not entry.name.startswith(".") and not _is_dir(entry):
                        yield entry

    def size(self) -> int:
        total = 0
        for entry in self._entries():
            try:
                total += entry.stat().st_size
            except OSError:
                continue  # messages() reports it
        return total

    def messages(self) -> Iterator[SourceItem]:
        for entry in self._entries():
            yield _read_file(entry.path, "maildir")


@dataclass
class EmlSource:
    """One ``.eml`` file, or a folder holding ``.eml`` files (searched recursively)."""

    path: Path

    @property
    def kind(self) -> SourceKind:
        return "eml"

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        found: list[Path] = []
        for root, dirs, files in os.walk(self.path):  # never follows directory links
            dirs.sort()
            found.extend(Path(root) / name for name in sorted(files) if _is_eml_name(name))
        return found

    def size(self) -> int:
        total = 0
        for file in self._files():
            try:
                total += file.stat().st_size
            except OSError:
                continue  # messages() reports it
        return total

    def messages(self) -> Iterator[SourceItem]:
        for file in self._files():
            yield _read_file(str(file), "eml")


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop: not a folder; reading it reports the loop
        return False


def _is_maildir(path: Path) -> bool:
    try:
        return (path / "cur").is_dir() or (path / "new").is_dir()
    except OSError:
        return False


def _is_eml_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in (".eml", ".msg822", ".mime")


def looks_like_mail(head: bytes) -> bool:
    """True when ``head`` opens with a header block that is mail's: every line up to the
    first blank one is a header or a continuation, and one of them is a header only mail
    has (From, Date, Subject, Message-ID, Received...). ``root:x:0:0:root:/root`` is a
    header-shaped line, but no mail header: /etc/passwd is not a message."""
    lines = head.split(b"\n")
    if len(head) >= 4096:
        lines = lines[:-1]  # the last line may be cut; judge only whole ones
    seen_mail_header = False
    for index, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if not line:
            return seen_mail_header and index > 0
        if _CONTINUATION.match(line) and index > 0:
            continue
        if not _HEADER.match(line):
            return False
        name = line.split(b":", 1)[0].strip().lower()
        seen_mail_header = seen_mail_header or name in MAIL_HEADERS
    return seen_mail_header


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(4096).lstrip(b"\r\n")
    if not head:
        return "empty"
    if head.startswith(b"From ") and _ENVELOPE.match(head.split(b"\n", 1)[0]):
        return "mbox"
    if looks_like_mail(head):
        return "eml"
    return None


def open_sources(path: Path) -> list[MailSource]:
    """Detect what ``path`` is and return the sources in it.

    A folder may be a Maildir, or hold any mix of ``.eml`` files, ``.mbox`` files and
    Maildirs (as Gmail Takeout and mail clients' export folders do).
    Raises :class:`NotAMailbox` with a sentence a user can act on.
    """
    try:
        if not path.exists():
            if path.is_symlink():  # a dangling link, or a loop of links
                raise NotAMailbox(f"{path}: a link that leads to no file or folder")
            raise NotAMailbox(f"{path}: no such file or folder")
        is_file, is_dir = path.is_file(), path.is_dir()
    except OSError as exc:
        raise NotAMailbox(f"{path}: {_reason(exc).removesuffix(': skipped')}") from exc
    if is_file:
        kind = _sniff(path)
        if kind == "mbox":
            return [MboxSource(path)]
        if kind == "eml":
            return [EmlSource(path)]
        if kind == "empty":
            raise NotAMailbox(f"{path}: the file is empty")
        raise NotAMailbox(
            f"{path}: not a mailbox and not a mail message (an mbox starts with a 'From '"
            " line, a message with mail headers such as From:, Date: or Subject:)"
        )
    if not is_dir:
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
            if _is_eml_name(name):
                has_eml = True
            elif file.suffix.lower() in (".mbox", ".mbx") and _sniff_quietly(file) == "mbox":
                sources.append(MboxSource(file))
    if has_eml:
        sources.insert(0, EmlSource(path))
    if not sources:
        raise NotAMailbox(
            f"{path}: no mail found (looked for a Maildir, .eml files and .mbox files)"
        )
    return sources


def _sniff_quietly(path: Path) -> str | None:
    """Sniff a file found inside a folder: an unreadable one is not an mbox."""
    try:
        return _sniff(path) if path.is_file() else None
    except OSError:
        return None
