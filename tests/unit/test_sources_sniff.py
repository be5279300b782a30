"""Telling mail from other files by its first 4 KB, at the edges: folded lines, a cut
last line, CRLF, headers named after the first colon, and files in a folder that must
never be opened (a FIFO named .mbox)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from agentconsole.mail.sources import EmlSource, _reason, looks_like_mail, open_sources
from tests.mailfactory import mail


@pytest.mark.parametrize(
    ("head", "verdict"),
    [
        (b"From: a@example.com\n\nbody", True),
        (b"\nFrom: a@example.com\n\nbody", False),
        (b"X-Only: custom\n\nbody", False),
        (b" folded first\nFrom: a@example.com\n\n", False),
        (b"X-Foo: a\n continued\nFrom: c@example.com\n\n", True),
        (b"X-Foo: a\nSubject: re: hi\n\n", True),
        (b"X-Foo: a\nNot a header line\nFrom: c@example.com\n\n", False),
        (b"Subject: hi\r\n\r\nbody: not a header", True),
        (b"X-Foo: a\r\nX-Bar: b\r\n\r\nFrom: in the body\r\n", False),
        (b"Subject: no blank line, no body", True),
    ],
)
def test_header_blocks(head: bytes, verdict: bool) -> None:
    assert looks_like_mail(head) is verdict


def _cut_at_4096(whole_lines: list[bytes]) -> bytes:
    head = b"".join(line + b"\n" for line in whole_lines)
    return (head + b"X-Cut-Mid-Line " + b"z" * 4096)[:4096]


def test_the_last_line_of_a_full_4_kb_head_is_not_judged() -> None:
    padding = [b"X-Pad-%d: %s" % (i, b"p" * 60) for i in range(40)]
    head = _cut_at_4096([b"X-First: 1", *padding, b"Subject: hi", b"X-Last: 2"])
    assert len(head) == 4096 and looks_like_mail(head)
    short = head[:4095]  # not a full read: the file ended there, so every line counts
    assert not looks_like_mail(short)
    without_subject = _cut_at_4096([b"X-First: 1", *padding, b"X-Last: 2"])
    assert not looks_like_mail(without_subject)
    subject_last = _cut_at_4096([b"X-First: 1", *padding, b"X-Last: 2", b"Subject: hi"])
    assert looks_like_mail(subject_last)


def test_an_unreadable_file_names_its_reason() -> None:
    denied = PermissionError(errno.EACCES, "Permission denied", "/m/1.eml")
    assert _reason(denied) == "cannot read (Permission denied): skipped"
    assert _reason(OSError("odd")) == "cannot read (odd): skipped"
    assert _reason(OSError(errno.ELOOP, "Too many levels")) == "symlink loop: skipped"


def test_a_fifo_named_mbox_in_a_folder_is_never_opened(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(mail())
    os.mkfifo(tmp_path / "stuck.mbox")
    sources = open_sources(tmp_path)
    assert [type(s) for s in sources] == [EmlSource]
    assert [item.where.label for item in sources[0].messages()] == [f"eml:{tmp_path / 'a.eml'}"]
