"""Each export format is found, split and read exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.mail.sources import (
    EmlSource,
    MaildirSource,
    MboxSource,
    NotAMailbox,
    open_sources,
    read_raw,
)
from tests.mailfactory import mail


def _mbox(path: Path, raws: list[bytes]) -> None:
    with open(path, "wb") as handle:
        for raw in raws:
            handle.write(b"From sender@example.com Mon Oct  5 10:00:00 2026\n" + raw + b"\n")


def test_mbox_split_keeps_exact_bytes_and_ignores_from_inside_body(tmp_path: Path) -> None:
    first = mail(msgid="<1@x>", body="line\n\nFrom here on it is body text.", cte="8bit")
    second = mail(msgid="<2@x>")
    path = tmp_path / "box.mbox"
    _mbox(path, [first, second])
    refs = list(MboxSource(path).refs())
    assert [read_raw(r) for r in refs] == [first, second]


def test_crlf_mbox(tmp_path: Path) -> None:
    raw = mail().replace(b"\n", b"\r\n")
    path = tmp_path / "crlf.mbox"
    path.write_bytes(b"From x@y Mon Oct  5 10:00:00 2026\r\n" + raw + b"\r\n")
    assert [read_raw(r) for r in MboxSource(path).refs()] == [raw]


def test_maildir_with_maildirplusplus_folders(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for folder in (root, root / ".Sent", root / ".Archive.2024"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "new" / "1.a").write_bytes(mail(msgid="<a@x>"))
    (root / "cur" / "2.b:2,S").write_bytes(mail(msgid="<b@x>"))
    (root / ".Sent" / "cur" / "3.c:2,S").write_bytes(mail(msgid="<c@x>"))
    (root / ".Archive.2024" / "new" / "4.d").write_bytes(mail(msgid="<d@x>"))
    (root / "tmp" / "5.e").write_bytes(mail(msgid="<e@x>"))  # tmp/ is never read
    [source] = open_sources(root)
    assert isinstance(source, MaildirSource)
    assert len(list(source.refs())) == 4


def test_folder_of_eml_and_mbox_files(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(mail(msgid="<a@x>"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.EML").write_bytes(mail(msgid="<b@x>"))
    _mbox(tmp_path / "sub" / "takeout.mbox", [mail(msgid="<c@x>")])
    (tmp_path / "notes.txt").write_text("not mail")
    sources = open_sources(tmp_path)
    kinds = sorted(type(s).__name__ for s in sources)
    assert kinds == ["EmlSource", "MboxSource"]
    assert sum(len(list(s.refs())) for s in sources) == 3


def test_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(mail())
    [source] = open_sources(path)
    assert isinstance(source, EmlSource)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"%PDF-1.4 binary", "not a mailbox"), (b"\x89PNG\r\n", "not a mailbox")],
)
def test_files_that_are_not_mail_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "thing.bin"
    path.write_bytes(content)
    with pytest.raises(NotAMailbox, match=message):
        open_sources(path)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(NotAMailbox, match="no such file"):
        open_sources(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotAMailbox, match="no mail found"):
        open_sources(tmp_path / "empty")
