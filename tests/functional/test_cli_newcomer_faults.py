"""Faults a newcomer found by trying the CLI from the README: each is one clear line
and exit 2, and nothing is written or overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run


def test_demo_keep_never_writes_over_an_existing_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    precious = tmp_path / "mine.db"
    precious.write_bytes(b"an agent's store")

    result = run(cli_env, "demo", "--no-console", "--keep", str(precious), check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {precious}: already exists; demo --keep writes a new file (choose another path)\n"
    )
    assert precious.read_bytes() == b"an agent's store"


def test_demo_keep_needs_an_existing_folder(cli_env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "demo.db"

    result = run(cli_env, "demo", "--no-console", "--keep", str(target), check=False)

    assert (result.returncode, result.stderr) == (2, f"error: {target.parent}: no such folder\n")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe = 1\n", "not valid TOML (not UTF-8 at byte 0)"),
        (
            b"[threading]\nsubject_window_days = 99999999999999999999\n",
            "threading.subject_window_days must be 0 to 3650, not 99999999999999999999",
        ),
        (b'[views]\nvip = "status:bogus"\n', "views.vip: status:bogus: "),
        (b'[views]\nweird = "ref:"\n', "views.weird: ref: needs a value"),
    ],
)
def test_a_config_value_that_cannot_work_is_refused_when_loaded(
    cli_env: dict[str, str], content: bytes, message: str
) -> None:
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    config.write_bytes(content)

    result = run(cli_env, "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: {config}: {message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()


@pytest.mark.parametrize(
    ("args", "env_db", "config", "what"),
    [
        (["--db", ""], None, "", "--db"),
        ([], "", "", "AGENTCONSOLE_DB"),
        ([], None, 'database = ""\n', "database in the config"),
    ],
)
def test_an_empty_database_name_is_refused_not_taken_for_the_default(
    cli_env: dict[str, str], args: list[str], env_db: str | None, config: str, what: str
) -> None:
    env = dict(cli_env)
    if env_db is None:
        del env["AGENTCONSOLE_DB"]
    else:
        env["AGENTCONSOLE_DB"] = env_db
    Path(env["AGENTCONSOLE_CONFIG"]).write_text(config)

    result = run(env, *args, "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {what} is empty: name a database file\n"
    assert not Path(env["XDG_DATA_HOME"]).exists()
