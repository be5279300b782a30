"""Bad input and faults through the real entry point: one line on stderr, the exit code
a script can test, and a database that is exactly as it was.

A full disk is SQLite's SQLITE_FULL, produced with ``PRAGMA max_page_count`` through
the test-only ``AGENTCONSOLE_TEST_MAX_PAGES`` (see ``agentconsole.store.db``). A
read-only database is made for real, by whatever this machine allows: file modes for
an ordinary user; for root (who ignores modes) the immutable attribute (``chattr +i``),
or else running the command as ``nobody``."""

from __future__ import annotations

import mailbox
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import DEMO_MBOX
from tests.mailfactory import mail

TOO_BIG = "99999999999999999999"
TOO_BIG_MESSAGE = "error: a number is too large (at most 9223372036854775807)\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo mailbox imported once, checkpointed so that a copy is the whole store."""
    tmp = tmp_path_factory.mktemp("faults")
    env = _env(tmp, tmp / "demo.db")
    run(env, "import", "--json", str(DEMO_MBOX))
    conn = sqlite3.connect(tmp / "demo.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return tmp / "demo.db"


def _env(home: Path, db: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AGENTCONSOLE_DB", None)
    if db is not None:
        env["AGENTCONSOLE_DB"] = str(db)
    env["AGENTCONSOLE_CONFIG"] = str(home / "none.toml")
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    env["HOME"] = str(home)
    env["COLUMNS"] = "200"
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store.db"
    shutil.copy(template, target)
    return target


@pytest.fixture
def env(db: Path, tmp_path: Path) -> dict[str, str]:
    return _env(tmp_path, db)


def snapshot(path: Path) -> tuple[object, ...]:
    """What a user would miss if it changed: every row count, merges, and integrity."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("messages", "tickets", "customers", "events", "message_tickets")
        )
        merged = conn.execute("SELECT count(*) FROM customers WHERE merged_into IS NOT NULL")
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return (*counts, merged.fetchone()[0], check)
    finally:
        conn.close()


def fails(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = run(env, *args, check=False)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


# -- 1. queries too long for SQLite ------------------------------------------------


def test_a_query_of_hundreds_of_terms_is_refused_in_one_line(env: dict[str, str], db: Path) -> None:
    before = snapshot(db)
    tags = " ".join(f"tag:t{i}" for i in range(300))  # 2.6 KB: overflowed SQLite's depth
    assert len(tags) < 3000
    assert fails(env, "tickets", tags) == (2, "error: query too long: 300 terms, at most 200\n")
    values = "from:" + ",".join(f"a{i}" for i in range(250))
    assert fails(env, "tickets", values) == (
        2,
        "error: query too long: 250 terms, at most 200\n",
    )
    words = " ".join(f"w{i}" for i in range(201))
    assert fails(env, "search", words) == (2, "error: query too long: 201 terms, at most 200\n")
    assert snapshot(db) == before


def test_a_query_at_the_limit_still_runs(env: dict[str, str]) -> None:
    values = "from:" + ",".join(f"nobody{i}@nowhere.test" for i in range(200))
    result = run(env, "tickets", values, "--json", check=False)
    assert result.returncode == 1 and '"total": 0' in result.stdout  # 1: nothing matched


# -- 2. numbers too large for SQLite -----------------------------------------------


def test_numbers_too_large_for_sqlite_are_a_usage_error(env: dict[str, str], db: Path) -> None:
    before = snapshot(db)
    assert fails(env, "tickets", "--offset", TOO_BIG) == (2, TOO_BIG_MESSAGE)
    assert fails(env, "export", f"M-{TOO_BIG}") == (2, TOO_BIG_MESSAGE)
    assert fails(env, "merge-customers", "C-1", f"C-{TOO_BIG}") == (2, TOO_BIG_MESSAGE)
    assert fails(env, "merge-customers", f"C-{TOO_BIG}", "C-1") == (2, TOO_BIG_MESSAGE)
    for args in (("show", f"T-{TOO_BIG}"), ("tickets", f"ref:T-{TOO_BIG}")):
        code, err = fails(env, *args)
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert snapshot(db) == before


# -- 3. a full disk ----------------------------------------------------------------


def _new_mail(path: Path, count: int) -> Path:
    box = mailbox.mbox(str(path))
    for i in range(count):
        body = f"My withdrawal number {i} is missing. " + "lorem ipsum dolor " * 400 + str(i)
        box.add(mail(msgid=f"<full{i}@example.com>", subject=f"Missing {i}", body=body))
    box.close()
    return path


def _pages(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def test_import_on_a_full_disk_says_so_and_changes_nothing(
    env: dict[str, str], db: Path, tmp_path: Path
) -> None:
    before = snapshot(db)
    new = _new_mail(tmp_path / "new.mbox", 60)
    full = env | {"AGENTCONSOLE_TEST_MAX_PAGES": str(_pages(db) + 1)}
    expected = (
        f"error: {db}: disk full — the unfinished change was rolled back, nothing else lost\n"
    )
    assert fails(full, "import", str(new)) == (1, expected)
    assert snapshot(db) == before
    # with room again, the same import works: nothing was left half-done
    assert run(env, "import", "--json", str(new)).returncode == 0
    assert snapshot(db)[0] == before[0] + 60


def test_the_console_on_a_full_disk_exits_non_zero_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    env = _env(tmp_path, db) | {"AGENTCONSOLE_TEST_MAX_PAGES": "5"}
    expected = (
        f"error: {db}: disk full — the unfinished change was rolled back, nothing else lost\n"
    )
    assert fails(env) == (1, expected)


# -- 3. a read-only database ---------------------------------------------------------


def _can_chattr(path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return done.returncode == 0


def _nobody_can_run_python(folder: Path) -> bool:
    probe = subprocess.run(
        [*_as_nobody(), sys.executable, "-c", "import agentconsole"],
        capture_output=True,
        cwd=folder,
    )
    return probe.returncode == 0


def _as_nobody() -> list[str]:
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]


@pytest.fixture
def read_only(template: Path) -> Iterator[tuple[Path, list[str], dict[str, str]]]:
    """A copy of the store that this process cannot write to, the command prefix to
    run the CLI with, and its environment; the mechanism is chosen by what works here."""
    folder = Path(tempfile.mkdtemp(prefix="agentconsole-ro-"))
    folder.chmod(0o755)  # nobody must be able to enter it (pytest's tmp_path is 0700)
    target = folder / "store.db"
    shutil.copy(template, target)
    env = _env(folder, target)
    prefix: list[str] = []
    immutable = False
    try:
        if os.geteuid() != 0:
            target.chmod(0o444)
        elif _can_chattr(target):
            immutable = True
        else:
            nobody = pwd.getpwnam("nobody")
            os.chown(folder, nobody.pw_uid, nobody.pw_gid)  # -wal/-shm may be created
            target.chmod(0o644)  # owned by root: nobody may read, not write
            assert _nobody_can_run_python(folder), (
                "cannot make a read-only database here: not a plain user, chattr +i is not "
                "supported, and nobody cannot run this Python"
            )
            prefix = _as_nobody()
        yield target, prefix, env
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        shutil.rmtree(folder, ignore_errors=True)


def _run_as(prefix: list[str], env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "agentconsole", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_a_read_only_database_is_read_but_never_written(
    read_only: tuple[Path, list[str], dict[str, str]], tmp_path: Path
) -> None:
    db, prefix, env = read_only
    before = snapshot(db)
    expected = f"error: {db}: the database is read-only — nothing was written\n"
    code, out, _ = _run_as(prefix, env, "tickets", "--json", "--limit", "1")
    assert code == 0 and '"total": 165' in out
    assert _run_as(prefix, env, "merge-customers", "C-1", "C-2") == (1, "", expected)
    new = _new_mail(Path(env["HOME"]) / "new.mbox", 3)
    new.chmod(0o644)
    code, _, err = _run_as(prefix, env, "import", "--json", str(new))
    assert (code, err) == (1, expected)
    assert snapshot(db) == before


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a database, but long enough to have a header\n" * 40)
    expected = f"error: {other}: not an agentconsole database (file is not a database)\n"
    assert fails(_env(tmp_path, other), "tickets") == (1, expected)
    assert other.read_text().startswith("not a database")


# -- 4. --db -------------------------------------------------------------------------


def test_a_named_database_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    typo = tmp_path / "tpyo" / "store.db"
    expected = f"error: {typo}: the folder {typo.parent} does not exist\n"
    env = _env(tmp_path, None)
    assert fails(env, "--db", str(typo), "tickets") == (2, expected)
    assert fails(env, "tickets", "--db", str(typo)) == (2, expected)
    assert fails(env, "import", "--db", str(typo), str(DEMO_MBOX)) == (2, expected)
    assert fails(_env(tmp_path, typo), "search", "提现") == (2, expected)
    assert fails(_env(tmp_path, typo)) == (2, expected)  # the console
    assert not typo.parent.exists()


def test_the_default_database_location_is_still_created(tmp_path: Path) -> None:
    env = _env(tmp_path, None)
    result = run(env, "tickets", "--json", check=False)
    assert result.returncode == 1 and '"total": 0' in result.stdout  # 1: nothing matched
    assert (tmp_path / "xdg-data" / "agentconsole" / "agentconsole.db").is_file()


def test_db_works_after_the_command_too(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    env = _env(tmp_path, other)  # AGENTCONSOLE_DB names another, empty store
    assert '"total": 165' in run(env, "tickets", "--db", str(db), "--json").stdout
    assert '"total": 165' in run(env, "--db", str(db), "tickets", "--json").stdout
    assert '"total": 0' in run(env, "tickets", "--json", check=False).stdout
    result = run(env, "import", "--db", str(other), "--json", str(DEMO_MBOX))
    assert '"imported": 360' in result.stdout
    assert snapshot(other)[0] == 360
