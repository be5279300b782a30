"""Faults a newcomer found by trying the CLI from the README: each is one clear line
and exit 2, and nothing is written or overwritten."""

from __future__ import annotations

import json
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


@pytest.fixture
def demo_env(cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    db = tmp_path / "demo.db"
    run(cli_env, "demo", "--no-console", "--keep", str(db))
    return cli_env | {"AGENTCONSOLE_DB": str(db)}


def test_an_offset_past_the_end_says_so(demo_env: dict[str, str]) -> None:
    total = json.loads(run(demo_env, "tickets", "--json").stdout)["total"]
    matching = json.loads(run(demo_env, "tickets", "status:open", "--json").stdout)["total"]

    everything = run(demo_env, "tickets", "--offset", "100000", check=False)
    some = run(demo_env, "tickets", "status:open", "--offset", str(matching), check=False)

    assert (everything.returncode, everything.stdout) == (1, "")
    assert everything.stderr == f"--offset 100000 is past the last of the {total} tickets\n"
    assert (some.returncode, some.stderr) == (
        1,
        f"--offset {matching} is past the last of the {matching} tickets\n",
    )


def test_odd_local_references_are_refused(demo_env: dict[str, str]) -> None:
    for ref, kind in (("M--1", "message"), ("M-١", "message")):
        result = run(demo_env, "export", ref, check=False)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"error: {ref}: a {kind} reference looks like M-17\n"
    result = run(demo_env, "show", "T-٤٢", check=False)
    assert (result.returncode, result.stderr) == (
        2,
        "error: T-٤٢: a ticket reference looks like T-7K3QX9PA\n",
    )


def test_a_ticket_export_never_writes_over_a_file(demo_env: dict[str, str], tmp_path: Path) -> None:
    listed = json.loads(run(demo_env, "tickets", "--limit", "0", "--json").stdout)["tickets"]
    ref = next(t["ref"] for t in listed if t["message_count"] >= 3)
    out = tmp_path / "out"
    first = run(demo_env, "export", ref, "--out", str(out)).stdout
    files = sorted(p.name for p in out.iterdir())
    assert len(files) >= 3
    assert first == f"wrote {len(files)} messages of {ref} to {out}\n"
    edited = out / files[0]
    edited.write_bytes(b"an agent's notes")

    again = run(demo_env, "export", ref, "--out", str(out)).stdout

    assert again == (
        f"wrote 1 message of {ref} to {out} ({len(files) - 1} already there, unchanged)\n"
    )
    assert edited.read_bytes() == b"an agent's notes"
    stem = files[0].removesuffix(".eml")
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, f"{stem} (1).eml"])


def test_a_device_as_the_database_is_named(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "--db", "/dev/null", "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: /dev/null: not a regular file (a database is a file, e.g. support.db)\n"
    )


def test_views_beyond_the_keys_left_are_refused(cli_env: dict[str, str]) -> None:
    from agentconsole.configfile import MAX_VIEWS
    from agentconsole.screens.views import DEFAULT_VIEWS

    assert len(DEFAULT_VIEWS) + MAX_VIEWS == 9  # keys 1 to 9, nothing unreachable
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    config.write_text("[views]\n" + "".join(f'v{n} = "tag:t{n}"\n' for n in range(3)))

    result = run(cli_env, "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {config}: [views] has 3 views; at most 2 fit (keys 8 and 9)\n"
    )
