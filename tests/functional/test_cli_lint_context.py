"""``reply`` and ``lint --ticket`` read a ticket the same way (one LintContext), a
hostile customer name never blocks a reply, and AC602 has a reply-time target from the
config: through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run
from tests.mailfactory import mail, word

# T-QFMX95MZ's customer wrote in Chinese and English ("mixed"): either language is a
# fine answer, so an English reply gets no AC801 from either command.
MIXED_REF = "T-QFMX95MZ"
SIGNED_EN = (
    "Dear Liam Scott,\n\nWe have checked your account and everything is in order.\n\n"
    "Kind regards,\nOKWallet Support team\n"
)
PROMISE_EN = (
    "Dear Liam Scott,\n\nWe will get back to you within 72 hours.\n\n"
    "Kind regards,\nOKWallet Support team\n"
)
PROMISE_ZH = "尊敬的客户：\n\n我们会在72小时内回复您。\n\n祝好！\nOKWallet 客服团队\n"
WITHIN_TARGET_ZH = "尊敬的客户：\n\n我们会在24小时内回复您。\n\n祝好！\nOKWallet 客服团队\n"


@pytest.fixture
def env(cli_env: dict[str, str], demo_template: Path) -> dict[str, str]:
    """The demo mailbox in a store of its own, an empty config."""
    Path(cli_env["AGENTCONSOLE_DB"]).write_bytes(demo_template.read_bytes())
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text('agent = "lin"\n', encoding="utf-8")
    return cli_env


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "reply.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(env: dict[str, str], tmp_path: Path, sender_name: str, body: str) -> str:
    """A new ticket from a customer whose display name is ``sender_name``; its ref."""
    source = tmp_path / "customer.eml"
    source.write_bytes(
        mail(
            sender=f"{word(sender_name)} <odd.name@example.org>",
            subject="Card blocked",
            body=body,
            msgid="<odd-1@example.org>",
        )
    )
    run(env, "import", str(source))
    found = json.loads(run(env, "tickets", "from:odd.name@example.org", "--json").stdout)
    ref: str = found["tickets"][0]["ref"]
    return ref


def _both(env: dict[str, str], tmp_path: Path, ref: str, text: str) -> tuple[Any, Any]:
    """The findings of ``lint --ticket`` and of ``reply`` (which queues the reply when
    nothing blocks it) on the same text and ticket."""
    path = _file(tmp_path, text)
    linted = run(env, "lint", path, "--ticket", ref, "--json", check=False)
    replied = run(env, "reply", ref, "--file", path, "--json", check=False)
    return json.loads(linted.stdout)["findings"], json.loads(replied.stdout)


def test_a_mixed_language_customer_gets_the_same_findings_from_reply_and_lint(
    env: dict[str, str], tmp_path: Path
) -> None:
    linted, replied = _both(env, tmp_path, MIXED_REF, SIGNED_EN)
    assert linted == replied["findings"] == []
    assert replied["queued"] is True
    linted, replied = _both(env, tmp_path, MIXED_REF, PROMISE_EN)
    assert [f["code"] for f in linted] == ["AC602"]
    assert linted == replied["findings"]


def test_a_name_with_control_characters_gets_the_same_findings_from_both(
    env: dict[str, str], tmp_path: Path
) -> None:
    ref = _import(env, tmp_path, "Liam\x1bScott\x07", "My card is blocked, please help.")
    linted, replied = _both(env, tmp_path, ref, SIGNED_EN)
    assert linted == replied["findings"] == []
    assert replied["queued"] is True
    # Without a greeting of its own, the reply greets "Dear customer": the broken name
    # goes into no mail.
    path = _file(tmp_path, "Your card is unblocked.\n\nKind regards,\nOKWallet Support team\n")
    body = json.loads(run(env, "reply", ref, "--file", path, "--json").stdout)["body"]
    assert body.startswith("Dear customer,\n\nYour card is unblocked.\n")
    assert "\x1b" not in body and "\x07" not in body


def test_a_customer_named_like_a_template_can_be_answered(
    env: dict[str, str], tmp_path: Path
) -> None:
    ref = _import(env, tmp_path, "{{ ticket.ref }} {% raw %}", "My card is blocked.")
    path = _file(tmp_path, "Your card is unblocked.\n\nKind regards,\nOKWallet Support team\n")
    result = run(env, "reply", ref, "--file", path, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("queued <")
    body = json.loads(run(env, "outbox", "--json").stdout)["outbox"]
    assert len(body) == 1
    replied = json.loads(run(env, "reply", ref, "--file", path, "--json", "--again").stdout)
    assert replied["findings"] == []
    assert replied["body"].startswith("Dear customer,\n\nYour card is unblocked.\n")
    assert "{{" not in replied["body"].split("\n\nOn ")[0]
    # lint on the text alone misses the greeting; its fix greets no one by that name.
    linted = run(env, "lint", path, "--ticket", ref, "--json")
    [finding] = json.loads(linted.stdout)["findings"]
    assert (finding["code"], finding["fix"]["replacement"]) == ("AC101", "Hello,\n\n")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("我们会在72小时内回复您。\n", "72小时"),
        ("We will get back to you within 72 hours.\n", "72 hours"),
    ],
)
def test_readme_promises_get_ac602_with_and_without_a_ticket(
    env: dict[str, str], tmp_path: Path, text: str, said: str
) -> None:
    path = _file(tmp_path, text)
    for extra in ((), ("--ticket", MIXED_REF)):
        result = run(env, "lint", path, "--json", *extra)
        [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "AC602"]
        assert text[finding["start"] : finding["end"]] == said
        assert finding["severity"] == "warning"
        assert finding["fix"]["replacement"] in ("24小时", "24 hours")


def test_ac602_messages_and_the_target_from_the_config(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "lint", _file(tmp_path, PROMISE_ZH))
    assert result.stdout == (
        '3:5  AC602  warning  承诺的“72小时”长于本工单的首次响应目标（24 小时）。  "72小时"\n'
    )
    assert run(env, "lint", _file(tmp_path, WITHIN_TARGET_ZH)).stdout == ""
    replied = json.loads(
        run(env, "reply", MIXED_REF, "--file", _file(tmp_path, PROMISE_ZH), "--json").stdout
    )
    assert [f["code"] for f in replied["findings"]] == ["AC602"]
    config = Path(env["AGENTCONSOLE_CONFIG"])
    config.write_text('agent = "lin"\n[lint]\nreply_target_hours = 72\n', encoding="utf-8")
    assert run(env, "lint", _file(tmp_path, PROMISE_ZH)).stdout == ""
    config.write_text("[lint]\nreply_target_hours = 0\n", encoding="utf-8")
    result = run(env, "lint", _file(tmp_path, PROMISE_ZH), check=False)
    assert result.returncode == 2
    assert result.stderr == (f"error: {config}: lint.reply_target_hours must be 1 to 8760, not 0\n")


def test_readme_canned_reply_ends_with_a_closing_and_no_ac103(env: dict[str, str]) -> None:
    result = run(env, "reply", MIXED_REF, "--canned", "transaction-details-zh", "--json")
    replied = json.loads(result.stdout)
    assert (replied["queued"], replied["findings"]) == (True, [])
    assert "收到后我们会马上为您核查。\n\n祝好！\nlin\nOKWallet 客服\n\n在 " in replied["body"]
    result = run(env, "reply", MIXED_REF, "--canned", "transaction-details-zh", "--again")
    assert result.stderr == ""
    assert result.stdout.startswith("queued <")
