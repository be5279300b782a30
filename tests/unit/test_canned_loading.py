"""Loading canned responses: front matter checked field by field, every bad file
reported with its line while the good ones load, the user's files override ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.canned import CannedError, load_library
from agentconsole.canned.library import shipped_folder
from agentconsole.canned.loading import load_folder
from tests.mailfactory import make_config

GOOD = """+++
id = "{rid}"
title = "{title}"
lang = "en"
categories = ["payment"]
tags = ["refund"]
keywords = ["money back"]
+++

Your refund for {{{{ ticket.ref }}}} is on its way.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def good(rid: str = "refund-en", title: str = "Refund status") -> str:
    return GOOD.format(rid=rid, title=title)


def only_problem(folder: Path) -> str:
    loaded, problems = load_folder(folder, "user")
    assert loaded == []
    assert len(problems) == 1
    return str(problems[0])


def test_a_good_file_loads_with_every_field(tmp_path: Path) -> None:
    path = write(tmp_path, "refund.md", good())
    (response,), problems = load_folder(tmp_path, "user")
    assert problems == []
    assert response.id == "refund-en"
    assert response.title == "Refund status"
    assert response.lang == "en"
    assert response.categories == ("payment",)
    assert response.tags == ("refund",)
    assert response.keywords == ("money back",)
    assert response.body == "Your refund for {{ ticket.ref }} is on its way."
    assert response.path == path
    assert response.origin == "user"
    assert response.body_line == 10  # the blank line after the fence is skipped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id = 'x'\n", "x.md:1: the file must start with a +++ line (TOML front matter)"),
        ("+++\nid = 'x'\n", "x.md:1: the front matter has no closing +++ line"),
        (
            "+++\nid = 'x'\ntitle = \n+++\nbody\n",
            "x.md:3: front matter is not valid TOML: Invalid value",
        ),
        (
            '+++\nid = "x"\ntitle = "T"\nlang = "fr"\ncategories = ["payment"]\n+++\nbody\n',
            "x.md:4: lang must be one of zh, en, not 'fr'",
        ),
        (
            '+++\nid = "x"\ntitle = "T"\nlang = "en"\ncategories = ["refunds"]\n+++\nbody\n',
            "x.md:5: unknown category 'refunds' (known: account_access, deposit, withdrawal, "
            "payment, account_locked, account_change, fees, security, complaint, feedback, "
            "business, other)",
        ),
        (
            '+++\nid = "x"\ntitle = "T"\nlang = "en"\ncategories = ["payment"]\ncolour = 1\n'
            "+++\nbody\n",
            "x.md:6: unknown key 'colour' (known: categories, id, keywords, lang, tags, title)",
        ),
        (
            '+++\nid = "x"\nlang = "en"\ncategories = ["payment"]\n+++\nbody\n',
            "x.md:1: title is missing from the front matter",
        ),
        (
            '+++\nid = "Has Space"\ntitle = "T"\nlang = "en"\ncategories = ["payment"]\n'
            "+++\nbody\n",
            "x.md:2: id must be lower-case letters, digits, '-', '_' or '.' (up to 80)",
        ),
        (
            '+++\nid = "x"\ntitle = "T"\nlang = "en"\ncategories = ["payment"]\n'
            'tags = "refund"\n+++\nbody\n',
            "x.md:6: tags must be a list of texts",
        ),
        (
            '+++\nid = "x"\ntitle = "T"\nlang = "en"\ncategories = ["payment"]\n+++\n\n  \n',
            "x.md:7: the body (after the front matter) is empty",
        ),
    ],
)
def test_bad_front_matter_names_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, "x.md", text)
    assert only_problem(tmp_path) == f"{tmp_path}/{expected}"


def test_a_template_error_names_the_file_line_and_column(tmp_path: Path) -> None:
    text = good().replace("is on its way.", "is on its way.\nDear {{ customer.nickname }}")
    write(tmp_path, "x.md", text)
    problem = only_problem(tmp_path)
    assert problem.startswith(f"{tmp_path}/x.md:11:9: unknown variable customer.nickname (known:")


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(b"+++\nid = '\xff'\n+++\n")
    assert only_problem(tmp_path) == f"{tmp_path}/x.md:1: not UTF-8 (byte 10)"


def test_every_bad_file_is_reported_and_the_good_ones_load(tmp_path: Path) -> None:
    write(tmp_path, "a.md", good("a"))
    write(tmp_path, "b.md", "no front matter")
    write(tmp_path, "c.md", good("c").replace('"payment"', '"nope"'))
    write(tmp_path, "d.md", good("d"))
    write(tmp_path, "notes.txt", "ignored: not Markdown")
    loaded, problems = load_folder(tmp_path, "user")
    assert [r.id for r in loaded] == ["a", "d"]
    assert [Path(str(p).split(":")[0]).name for p in problems] == ["b.md", "c.md"]


def test_a_duplicate_id_in_one_folder_leaves_both_out(tmp_path: Path) -> None:
    write(tmp_path, "one.md", good("same"))
    write(tmp_path, "two.md", good("same", "Another"))
    write(tmp_path, "three.md", good("other"))
    loaded, problems = load_folder(tmp_path, "user")
    assert [r.id for r in loaded] == ["other"]
    assert sorted(str(p) for p in problems) == [
        f"{tmp_path}/one.md:2: duplicate id 'same' (also in two.md)",
        f"{tmp_path}/two.md:2: duplicate id 'same' (also in one.md)",
    ]


def test_a_missing_folder_holds_nothing(tmp_path: Path) -> None:
    assert load_folder(tmp_path / "absent", "user") == ([], [])


def test_the_users_files_override_ours_by_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTCONSOLE_CONFIG", str(tmp_path / "conf" / "config.toml"))
    write(tmp_path / "conf" / "canned", "mine.md", good("password-reset-en", "Our own reset text"))
    write(tmp_path / "conf" / "canned", "extra.md", good("extra-en", "Extra"))
    write(tmp_path / "conf" / "canned", "broken.md", "+++\n")
    shipped = load_library(make_config())
    library = load_library(make_config())
    ours = [r for r in library.all() if r.origin == "shipped"]
    assert library.get("password-reset-en").title == "Our own reset text"
    assert library.get("password-reset-en").origin == "user"
    assert library.get("extra-en").origin == "user"
    assert len(library.all()) == len(ours) + 2
    assert [str(p) for p in library.problems] == [
        f"{tmp_path}/conf/canned/broken.md:1: the front matter has no closing +++ line"
    ]
    assert shipped.get("password-reset-zh").origin == "shipped"


def test_an_unknown_id_is_a_canned_error() -> None:
    library = load_library(make_config())
    with pytest.raises(CannedError, match="^no canned response 'nope'$"):
        library.get("nope")


def test_the_shipped_set_loads_clean_in_both_languages() -> None:
    library = load_library(make_config())
    assert library.problems == ()
    stems = {r.id.rsplit("-", 1)[0] for r in library.all()}
    for stem in stems:
        assert {library.get(f"{stem}-zh").lang, library.get(f"{stem}-en").lang} == {"zh", "en"}
    assert {p.name.split(".")[-1] for p in shipped_folder().iterdir()} == {"md"}
    assert len(library.all()) == len(list(shipped_folder().glob("*.md")))


def test_a_folder_named_like_a_file_and_a_huge_file_are_reported(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    write(tmp_path, "huge.md", good("huge") + "x" * 300_000)
    write(tmp_path, "ok.md", good("ok"))
    loaded, problems = load_folder(tmp_path, "user")
    assert [r.id for r in loaded] == ["ok"]
    assert [str(p) for p in problems] == [
        f"{tmp_path}/dir.md: cannot be read (Is a directory)",
        f"{tmp_path}/huge.md: larger than 256 KB, the limit for a canned response",
    ]
