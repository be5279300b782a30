"""``agentconsole canned`` through the real entry point: list, show, render for a real
ticket in a real store, lint (the shipped set must pass), and the user's folder next
to the config file overriding ours."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import run
from tests.mailfactory import mail, word

HOSTILE_NAME = "{{ ticket.ref }}{% raw %}\x1b[31m"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("canned")
    environ = dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "conf" / "config.toml"),
        COLUMNS="200",
        NO_COLOR="1",
    )
    (tmp / "one.eml").write_bytes(
        mail(sender=f"{word('王小明')} <wang@example.com>", subject="提现三天没到账")
    )
    (tmp / "two.eml").write_bytes(
        mail(
            sender=f"{word(HOSTILE_NAME)} <evil@example.com>",
            subject="refund",
            msgid="<m2@example.com>",
        )
    )
    run(environ, "import", str(tmp / "one.eml"), str(tmp / "two.eml"))
    return environ


def ref_of(env: dict[str, str], address: str) -> str:
    tickets = json.loads(run(env, "tickets", "--json").stdout)["tickets"]
    return str(next(t["ref"] for t in tickets if t["customer_address"] == address))


def test_list_shows_both_languages_and_filters(env: dict[str, str]) -> None:
    everything = json.loads(run(env, "canned", "list", "--json").stdout)
    assert everything["problems"] == []
    langs = {r["lang"] for r in everything["responses"]}
    assert langs == {"zh", "en"}
    zh = json.loads(run(env, "canned", "list", "--lang", "zh", "--json").stdout)["responses"]
    assert len(zh) * 2 == len(everything["responses"])
    assert {r["lang"] for r in zh} == {"zh"}
    text = run(env, "canned", "list", "--lang", "en").stdout
    assert text.splitlines()[0].split() == ["id", "lang", "categories", "title", "origin"]
    assert "refund-status-en" in text and "refund-status-zh" not in text


def test_show_prints_fields_and_the_template(env: dict[str, str]) -> None:
    out = run(env, "canned", "show", "refund-status-en").stdout
    assert out.splitlines()[:4] == [
        "id:         refund-status-en",
        "title:      Refund status",
        "lang:       en",
        "categories: payment",
    ]
    assert "Ticket {{ ticket.ref }} stays open" in out


def test_render_fills_the_ticket_and_marks_blanks(env: dict[str, str]) -> None:
    ref = ref_of(env, "wang@example.com")
    out = run(env, "canned", "render", "withdrawal-delayed-zh", "--ticket", ref).stdout
    assert out.startswith("关于您的提现，我们已查到这笔申请，当前状态为：⟦提现状态⟧。\n")
    assert f"继续跟进工单 {ref}，" in out
    data = json.loads(
        run(env, "canned", "render", "withdrawal-delayed-zh", "--ticket", ref, "--json").stdout
    )
    assert data["blanks"] == [{"start": 23, "end": 29, "label": "提现状态"}]
    assert data["text"][23:29] == "⟦提现状态⟧"


def test_a_hostile_customer_name_is_text_not_template(env: dict[str, str], tmp_path: Path) -> None:
    folder = Path(env["AGENTCONSOLE_CONFIG"]).parent / "canned"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "name.md").write_text(
        '+++\nid = "name-en"\ntitle = "Name"\nlang = "en"\ncategories = ["other"]\n+++\n'
        "Name: {{ customer.name }}.\n",
        encoding="utf-8",
    )
    try:
        ref = ref_of(env, "evil@example.com")
        out = run(env, "canned", "render", "name-en", "--ticket", ref).stdout
    finally:
        (folder / "name.md").unlink()
    assert out == "Name: {{ ticket.ref }}{% raw %}␛[31m.\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("show", "nope"), 2, "error: no canned response 'nope': see agentconsole canned list\n"),
        (
            ("render", "nope", "--ticket", "T-1"),
            2,
            "error: no canned response 'nope': see agentconsole canned list\n",
        ),
        (
            ("render", "fees-en", "--ticket", "T-99999"),
            2,
            "error: no ticket T-99999\n",
        ),
        (
            ("render", "fees-en", "--ticket", "T-ZZZZZZZZ"),
            2,
            "error: no ticket T-ZZZZZZZZ\n",
        ),
        (
            ("render", "fees-en", "--ticket", "x y"),
            2,
            "error: x y: a ticket reference looks like T-7K3QX9PA\n",
        ),
    ],
)
def test_unknown_ids_and_refs_are_one_line(
    env: dict[str, str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = run(env, "canned", *args, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (code, "", message)


def test_the_shipped_set_passes_lint(env: dict[str, str]) -> None:
    result = run(env, "canned", "lint", check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("ok: 34 response file(s) checked")


def test_lint_lists_each_problem_with_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    folder = tmp_path / "canned"
    folder.mkdir()
    (folder / "bare.md").write_text(
        '+++\nid = "bare-en"\ntitle = "Bare"\nlang = "en"\ncategories = ["other"]\n+++\n'
        "Hello\n{{ customer.name }}, see {{ ticket.ref }}.\n",
        encoding="utf-8",
    )
    (folder / "bad.md").write_text('+++\nid = "bad"\nlang = "xx"\n+++\nx\n', encoding="utf-8")
    result = run(env, "--config", str(config), "canned", "lint", check=False)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{folder}/bad.md:1: title is missing from the front matter",
        f"{folder}/bare.md:8:4: customer.name has no value and no default "
        "(use customer.name | default: ...) (with an empty customer)",
    ]
    assert result.stderr == "2 problem(s) in 36 response file(s)\n"


def test_the_users_file_overrides_ours(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    (tmp_path / "canned").mkdir()
    (tmp_path / "canned" / "fees.md").write_text(
        '+++\nid = "fees-en"\ntitle = "Our fees, our words"\nlang = "en"\n'
        'categories = ["fees"]\n+++\nNo fee for {{ ticket.ref }}.\n',
        encoding="utf-8",
    )
    listed = json.loads(run(env, "--config", str(config), "canned", "list", "--json").stdout)
    fees = next(r for r in listed["responses"] if r["id"] == "fees-en")
    assert listed["problems"] == []
    assert (fees["title"], fees["origin"]) == ("Our fees, our words", "user")
    own_env = dict(env, AGENTCONSOLE_CONFIG=str(config))
    out = run(own_env, "canned", "render", "fees-en", "--ticket", ref_of(env, "wang@example.com"))
    assert out.stdout.startswith("No fee for T-")


def test_lint_runs_the_etiquette_linter_on_each_text(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    folder = tmp_path / "canned"
    folder.mkdir()
    head = '+++\nid = "{rid}"\ntitle = "T"\nlang = "{lang}"\ncategories = ["other"]\n+++\n'
    (folder / "ask-en.md").write_text(
        head.format(rid="ask-en", lang="en")
        + "To check your account,\nplease reply with the verification code we sent you.\n"
        "THIS IS VERY URGENT!!!\n",
        encoding="utf-8",
    )
    (folder / "ask-zh.md").write_text(
        head.format(rid="ask-zh", lang="zh") + "为了核实身份，请提供您的验证码。\n",
        encoding="utf-8",
    )
    (folder / "never-zh.md").write_text(
        head.format(rid="never-zh", lang="zh") + "我们绝不会索取您的验证码，请勿告诉任何人。\n",
        encoding="utf-8",
    )
    result = run(env, "--config", str(config), "canned", "lint", check=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        [f"{folder}/ask-en.md:8:8:", "AC201"],
        [f"{folder}/ask-en.md:9:1:", "AC503"],
        [f"{folder}/ask-en.md:9:20:", "AC504"],
        [f"{folder}/ask-zh.md:7:9:", "AC201"],
    ]
    assert lines[0].endswith("[reply with the verification code]")
    assert lines[1].endswith("[THIS IS VERY URGENT] (warning)")
    assert lines[3].endswith("[提供您的验证码]")
    assert result.stderr == "2 problem(s) in 37 response file(s), 2 warning(s)\n"


def test_lint_with_only_warnings_passes(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    (tmp_path / "canned").mkdir()
    (tmp_path / "canned" / "loud.md").write_text(
        '+++\nid = "loud-en"\ntitle = "T"\nlang = "en"\ncategories = ["other"]\n+++\n'
        "We have fixed it!!!\n",
        encoding="utf-8",
    )
    result = run(env, "--config", str(config), "canned", "lint", check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "ok: 35 response file(s) checked, 1 warning(s)"


def test_list_names_the_files_that_did_not_load(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    (tmp_path / "canned").mkdir()
    (tmp_path / "canned" / "bad.md").write_text("no front matter\n", encoding="utf-8")
    listed = run(env, "--config", str(config), "canned", "list", "--json")
    assert json.loads(listed.stdout)["problems"] == [
        f"{tmp_path}/canned/bad.md:1: the file must start with a +++ line (TOML front matter)"
    ]
    assert listed.stderr == "1 file(s) could not be loaded: run agentconsole canned lint\n"


def test_the_configs_folder_serves_every_command(tmp_path: Path, env: dict[str, str]) -> None:
    """``--config PATH`` brings the canned/ folder next to that file to reply as well as
    to canned, and ``[compose] canned_folder`` names another folder."""
    own = tmp_path / "team"
    own.mkdir()
    (own / "thanks.md").write_text(
        '+++\nid = "team-thanks-en"\ntitle = "Team thanks"\nlang = "en"\n'
        'categories = ["feedback"]\n+++\nThank you for writing to us about {{ ticket.ref }}.\n',
        encoding="utf-8",
    )
    config = tmp_path / "elsewhere" / "config.toml"
    config.parent.mkdir()
    config.write_text(f'[compose]\ncanned_folder = "{own}"\n', encoding="utf-8")
    listed = json.loads(run(env, "--config", str(config), "canned", "list", "--json").stdout)
    assert "team-thanks-en" in {r["id"] for r in listed["responses"]}
    ref = ref_of(env, "wang@example.com")
    reply = run(env, "--config", str(config), "reply", ref, "--canned", "team-thanks-en", "--json")
    assert json.loads(reply.stdout)["queued"] is True
    (config.parent / "canned").mkdir()
    (config.parent / "canned" / "x.md").write_text(
        '+++\nid = "next-to-config"\ntitle = "X"\nlang = "en"\ncategories = ["fees"]\n+++\nX\n',
        encoding="utf-8",
    )
    config.write_text("", encoding="utf-8")
    ids = {
        r["id"]
        for r in json.loads(run(env, "--config", str(config), "canned", "list", "--json").stdout)[
            "responses"
        ]
    }
    assert "next-to-config" in ids and "team-thanks-en" not in ids


def test_list_searches_with_a_query_in_pinyin_or_chinese(env: dict[str, str]) -> None:
    out = run(env, "canned", "list", "tuikuan").stdout.splitlines()
    assert out[0].split() == ["id", "lang", "categories", "title", "origin"]
    assert [line.split()[0] for line in out[1:]] == ["refund-status-zh"]
    assert "退款进度查询" in out[1]
    by_initials = json.loads(run(env, "canned", "list", "tk", "--json").stdout)
    assert by_initials["responses"][0]["id"] == "refund-status-zh"
    english = json.loads(run(env, "canned", "list", "refund", "--lang", "en", "--json").stdout)
    assert [r["id"] for r in english["responses"]][0] == "refund-status-en"
    assert {r["lang"] for r in english["responses"]} == {"en"}
    two_words = run(env, "canned", "list", "验证码", "没收到", "--lang", "zh").stdout
    assert two_words.splitlines()[1].split()[0] == "code-not-received-zh"


def test_a_query_that_matches_nothing_exits_1(env: dict[str, str]) -> None:
    result = run(env, "canned", "list", "tuikuan", "--lang", "en", check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "no canned response in en matches 'tuikuan'\n"
    as_json = run(env, "canned", "list", "zzzqqq", "--json", check=False)
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == {"responses": [], "problems": []}
    assert as_json.stderr == "no canned response matches 'zzzqqq'\n"


@pytest.mark.parametrize("command", ["list", "show", "render", "lint"])
def test_every_canned_command_shows_examples(env: dict[str, str], command: str) -> None:
    out = run(env, "canned", command, "--help").stdout
    examples = out[out.index("Examples:") : out.index("Options:")].split("\n")[1:]
    examples = [line.strip() for line in examples if line.strip()]
    assert len(examples) >= 2
    assert all(line.startswith("agentconsole ") for line in examples)
    assert all(f"canned {command}" in line for line in examples)


def test_a_template_that_cannot_render_is_exit_1_in_render_and_reply(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "noname.eml").write_bytes(mail(sender="nobody@example.net", subject="help"))
    run(cli_env, "import", str(tmp_path / "noname.eml"))
    ref = json.loads(run(cli_env, "tickets", "--json").stdout)["tickets"][0]["ref"]
    folder = tmp_path / "canned"
    folder.mkdir()
    (folder / "greet.md").write_text(
        '+++\nid = "greet-en"\ntitle = "Greet"\nlang = "en"\ncategories = ["other"]\n+++\n'
        "We have checked it.\nYour name is {{ customer.name }}.\n",
        encoding="utf-8",
    )
    message = (
        f"error: {folder / 'greet.md'}:8:17: customer.name has no value and no default"
        " (use customer.name | default: ...)\n"
    )
    rendered = run(cli_env, "canned", "render", "greet-en", "--ticket", ref, check=False)
    replied = run(cli_env, "reply", ref, "--canned", "greet-en", check=False)
    assert (rendered.returncode, rendered.stdout, rendered.stderr) == (1, "", message)
    assert (replied.returncode, replied.stdout, replied.stderr) == (1, "", message)
    assert run(cli_env, "outbox", check=False).returncode == 1
    unknown = run(cli_env, "reply", ref, "--canned", "greet-zh", check=False)
    assert (unknown.returncode, unknown.stderr) == (2, "error: no canned response 'greet-zh'\n")
