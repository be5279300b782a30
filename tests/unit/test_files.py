"""agentconsole.files: a named file is read only if regular, and only up to its limit."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest

from agentconsole.files import FileRefused, read_limited, read_stream, regular_size, size_text

DEVICE = "not a regular file (a device, pipe or socket is never read)"


def test_a_file_up_to_the_limit_is_read_and_one_byte_more_refused(tmp_path: Path) -> None:
    exact, over = tmp_path / "exact.txt", tmp_path / "over.txt"
    exact.write_bytes(b"x" * 1024)
    over.write_bytes(b"x" * 1025)
    assert read_limited(exact, 1024, "a test") == b"x" * 1024
    assert regular_size(exact, 1024, "a test") == 1024
    with pytest.raises(FileRefused) as caught:
        read_limited(over, 1024, "a test")
    assert str(caught.value) == f"{over}: larger than 1 KB, the limit for a test"
    assert caught.value.reason == "larger than 1 KB, the limit for a test"


def test_devices_pipes_sockets_and_links_to_them_are_refused_unopened(tmp_path: Path) -> None:
    fifo = tmp_path / "ff"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path in (Path("/dev/zero"), fifo, link, sock_path):
            with pytest.raises(FileRefused) as caught:
                read_limited(path, 1024, "a test")
            assert str(caught.value) == f"{path}: {DEVICE}"
    finally:
        server.close()


def test_system_errors_keep_their_type(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_limited(tmp_path / "gone.txt", 10, "a test")
    with pytest.raises(IsADirectoryError):
        read_limited(tmp_path, 10, "a test")


def test_a_stream_is_read_up_to_the_limit() -> None:
    assert read_stream(io.BytesIO(b"abc"), 3, "a test") == b"abc"
    with pytest.raises(
        FileRefused, match="^standard input: larger than 3 B, the limit for a test$"
    ):
        read_stream(io.BytesIO(b"abcd"), 3, "a test")


def test_sizes_read_as_people_write_them() -> None:
    assert [size_text(n) for n in (512, 256 * 1024, 1024 * 1024, 25 * 1024 * 1024, 1536)] == [
        "512 B",
        "256 KB",
        "1 MB",
        "25 MB",
        "1.5 KB",
    ]
