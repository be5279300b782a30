"""Path completion for attaching files: from the file system, as typed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentconsole.widgets.path_suggester import complete_path


def test_completes_the_first_matching_name_and_marks_folders(tmp_path: Path) -> None:
    (tmp_path / "收据.pdf").write_bytes(b"x")
    (tmp_path / "receipts").mkdir()
    (tmp_path / "report.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")

    assert complete_path(f"{tmp_path}/收") == f"{tmp_path}/收据.pdf"
    assert complete_path(f"{tmp_path}/rec") == f"{tmp_path}/receipts/"
    assert complete_path(f"{tmp_path}/rep") == f"{tmp_path}/report.txt"
    assert complete_path(f"{tmp_path}/") == f"{tmp_path}/receipts/"  # hidden files left out
    assert complete_path(f"{tmp_path}/.h") == f"{tmp_path}/.hidden"
    assert complete_path(f"{tmp_path}/report.txt") is None  # nothing more to add
    assert complete_path(f"{tmp_path}/zzz") is None
    assert complete_path(f"{tmp_path}/missing/x") is None
    assert complete_path("") is None


def test_keeps_the_tilde_as_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    assert complete_path("~/Dow") == "~/Downloads/"
    monkeypatch.chdir(tmp_path)
    assert complete_path("Dow") == "Downloads" + os.sep
