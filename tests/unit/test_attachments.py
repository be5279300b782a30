"""Saving attachments never follows a link in the target folder and never overwrites."""

from __future__ import annotations

from pathlib import Path

from agentconsole.attachments import save_all, write_new_file


def test_a_planted_symlink_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    (folder / "invoice.pdf").symlink_to(outside)
    (folder / "dangling.pdf").symlink_to(tmp_path / "not-there-yet")

    written = save_all(folder, [("invoice.pdf", b"%PDF evil"), ("dangling.pdf", b"x")])

    assert [p.name for p in written] == ["invoice (1).pdf", "dangling (1).pdf"]
    assert outside.read_bytes() == b"keep me"
    assert not (tmp_path / "not-there-yet").exists()
    assert (folder / "invoice (1).pdf").read_bytes() == b"%PDF evil"
    assert not (folder / "invoice (1).pdf").is_symlink()


def test_names_from_mail_stay_inside_the_folder(tmp_path: Path) -> None:
    path = write_new_file(tmp_path, "../../etc/passwd", b"data")
    assert path == tmp_path / "passwd"
    assert path.read_bytes() == b"data"


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    (tmp_path / "a (1).txt").write_bytes(b"older")
    path = write_new_file(tmp_path, "a.txt", b"new")
    assert path.name == "a (2).txt"
    assert (tmp_path / "a.txt").read_bytes() == b"old"
    assert (tmp_path / "a (1).txt").read_bytes() == b"older"
