"""Each export format is found, split and read exactly, with where each message was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentconsole.mail.sources import (
    EmlSource,
    MaildirSource,
    MboxSource,
    NotAMailbox,
    Provenance,
    RawMail,
    Skipped,
    looks_like_mail,
    open_sources,
)
from tests.mailfactory import mail

ENVELOPE = b"From sender@example.com Mon Oct  5 10:00:00 2026\n"
PASSWD = (
    b"root:x:0:0:root:/root:/bin/bash\n"
    b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    b"bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
)


def _mbox(path: Path, raws: list[bytes]) -> None:
    with open(path, "wb") as handle:
        for raw in raws:
            handle.write(ENVELOPE + raw + b"\n")


def _raws(items: list[RawMail | Skipped]) -> list[bytes]:
    return [item.raw for item in items if isinstance(item, RawMail)]


def _maildir(root: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    return root


def test_mbox_split_keeps_exact_bytes_and_offsets(tmp_path: Path) -> None:
    first = mail(msgid="<1@x>", body="line\n\nFrom here on it is body text.", cte="8bit")
    second = mail(msgid="<2@x>")
    path = tmp_path / "box.mbox"
    _mbox(path, [first, second])
    items = list(MboxSource(path).messages())
    assert _raws(items) == [first, second]
    second_offset = len(ENVELOPE) + len(first) + 1 + len(ENVELOPE)
    assert [item.where for item in items] == [
        Provenance("mbox", path=str(path), offset=len(ENVELOPE)),
        Provenance("mbox", path=str(path), offset=second_offset),
    ]
    assert items[1].where.label == f"mbox:{path}@{second_offset}"


def test_crlf_mbox(tmp_path: Path) -> None:
    raw = mail().replace(b"\n", b"\r\n")
    path = tmp_path / "crlf.mbox"
    path.write_bytes(b"From x@y Mon Oct  5 10:00:00 2026\r\n" + raw + b"\r\n")
    assert _raws(list(MboxSource(path).messages())) == [raw]


def test_maildir_with_maildirplusplus_folders(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "Maildir")
    _maildir(root / ".Sent")
    _maildir(root / ".Archive.2024")
    (root / "new" / "1.a").write_bytes(mail(msgid="<a@x>"))
    (root / "cur" / "2.b:2,S").write_bytes(mail(msgid="<b@x>"))
    (root / ".Sent" / "cur" / "3.c:2,S").write_bytes(mail(msgid="<c@x>"))
    (root / ".Archive.2024" / "new" / "4.d").write_bytes(mail(msgid="<d@x>"))
    (root / "tmp" / "5.e").write_bytes(mail(msgid="<e@x>"))  # tmp/ is never read
    [source] = open_sources(root)
    assert isinstance(source, MaildirSource)
    items = list(source.messages())
    assert len(_raws(items)) == 4
    assert {item.where.kind for item in items} == {"maildir"}
    assert Provenance("maildir", path=str(root / "new" / "1.a")) in [i.where for i in items]


def test_symlink_loop_and_fifo_in_a_maildir_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "Maildir")
    (root / "cur" / "1.ok").write_bytes(mail(msgid="<ok@x>"))
    os.symlink("loop-b", root / "cur" / "loop-a")
    os.symlink("loop-a", root / "cur" / "loop-b")
    os.mkfifo(root / "new" / "2.fifo")
    os.symlink(".Loop", root / ".Loop")  # a Maildir++ folder that is a loop itself
    [source] = open_sources(root)
    items = list(source.messages())
    assert _raws(items) == [mail(msgid="<ok@x>")]
    skipped = {Path(i.where.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert skipped == {
        "loop-a": "symlink loop: skipped",
        "loop-b": "symlink loop: skipped",
        "2.fifo": "not a regular file (a FIFO, device or socket): skipped",
    }
    assert source.size() == len(mail(msgid="<ok@x>"))


def test_folder_of_eml_and_mbox_files(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(mail(msgid="<a@x>"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.EML").write_bytes(mail(msgid="<b@x>"))
    _mbox(tmp_path / "sub" / "takeout.mbox", [mail(msgid="<c@x>")])
    (tmp_path / "notes.txt").write_text("not mail")
    os.symlink("loop.eml", tmp_path / "loop.eml")
    sources = open_sources(tmp_path)
    kinds = sorted(type(s).__name__ for s in sources)
    assert kinds == ["EmlSource", "MboxSource"]
    items = [item for s in sources for item in s.messages()]
    assert len(_raws(items)) == 3
    assert [(i.where.kind, i.reason) for i in items if isinstance(i, Skipped)] == [
        ("eml", "symlink loop: skipped")
    ]


def test_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(mail())
    [source] = open_sources(path)
    assert isinstance(source, EmlSource)
    [item] = source.messages()
    assert item == RawMail(mail(), Provenance("eml", path=str(path)))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 binary", "not a mail message"),
        (b"\x89PNG\r\n", "not a mail message"),
        (PASSWD, "not a mail message"),
        (b"X-Custom: 1\nAnother: 2\n\nbody\n", "not a mail message"),
        (b"Subject: hello\nthis line is no header\n\nbody\n", "not a mail message"),
    ],
)
def test_files_that_are_not_mail_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "thing.bin"
    path.write_bytes(content)
    with pytest.raises(NotAMailbox, match=message):
        open_sources(path)


@pytest.mark.parametrize(
    "head",
    [
        b"From: a@example.com\nSubject: hi\n\nbody\n",
        b"Received: from x\n\tby y; Mon, 5 Oct 2026 10:00:00 +0000\nDate: now\n\nbody\n",
        b"Return-Path: <a@b>\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n",
        b"X-Mailer: z\nMIME-Version: 1.0\n",
    ],
)
def test_real_mail_headers_are_mail(head: bytes) -> None:
    assert looks_like_mail(head)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(NotAMailbox, match="no such file"):
        open_sources(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotAMailbox, match="no mail found"):
        open_sources(tmp_path / "empty")


def test_imap_provenance_names_the_copy() -> None:
    where = Provenance("imap", account="support", folder="INBOX", uidvalidity=7, uid=42)
    assert where.label == "imap:support/INBOX;UIDVALIDITY=7/42"


def test_a_link_that_leads_nowhere_is_named_as_such(tmp_path: Path) -> None:
    loop_a, loop_b, dangling = tmp_path / "a", tmp_path / "b", tmp_path / "gone"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    dangling.symlink_to(tmp_path / "nothing-here")
    for link in (loop_a, dangling):
        with pytest.raises(NotAMailbox) as raised:
            open_sources(link)
        assert str(raised.value) == f"{link}: a link that leads to no file or folder"
    with pytest.raises(NotAMailbox) as raised:
        open_sources(tmp_path / "missing")
    assert str(raised.value) == f"{tmp_path / 'missing'}: no such file or folder"
