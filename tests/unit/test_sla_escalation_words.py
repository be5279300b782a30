"""A customer asking for a supervisor, in Chinese and English, and the near misses."""

from __future__ import annotations

import pytest

from agentconsole.sla.escalation_words import asks_for_supervisor, supervisor_request


@pytest.mark.parametrize(
    "text",
    [
        "你好，我的提现三天没到账，找你们主管来处理！",
        "再不处理我就投诉你们",
        "叫你们经理跟我联系",
        "请你们领导给个说法",
        "让你们的负责人回复我",
        "麻烦转给主管，谢谢",
        "我要投诉这个客服",
        "换个经理来跟我谈",
        "这件事请升级处理",
        "我要向你们上级投诉",
        "I want to speak to a manager.",
        "Please let me talk with your supervisor about this.",
        "Can I speak to someone more senior?",
        "Put me through to a senior agent now",
        "I demand a supervisor",
        "Escalate this to your team lead",
        "I'll be taking this up with your manager",
        "Please escalate my complaint, this is unacceptable",
        "I will file a formal complaint against you",
        "Ok I'm not happy at all. Transfer me to a manager please",
        "您好，Dear support, 提现失败 — please get me your supervisor",
    ],
)
def test_requests_for_someone_senior_are_flagged(text: str) -> None:
    assert asks_for_supervisor(text), text


@pytest.mark.parametrize(
    "text",
    [
        "不用找你们主管，我只是想问一下手续费",
        "没必要叫经理，问题已经解决了",
        "我并不是要投诉你们，只是提个建议",
        "No need for a manager, the money has arrived.",
        "I don't need to speak to a supervisor, just tell me the fee.",
        "There's no need to escalate this.",
        "Never mind the supervisor, it works now",
        "My account manager said the transfer is fine",
        "I use a password manager for my login",
        "我们经理让我问一下怎么接入支付",
        "谢谢你们的耐心处理",
        "",
    ],
)
def test_denials_and_unrelated_words_are_not(text: str) -> None:
    assert not asks_for_supervisor(text), text


def test_quoted_text_is_not_the_customers_request() -> None:
    mail = "Thanks, that solved it.\n\n> If you wish, you can speak to a manager.\n> 或者找你们主管"
    assert not asks_for_supervisor(mail)
    assert asks_for_supervisor(mail + "\nActually, let me speak to a manager")


def test_the_matching_words_are_returned_for_the_view() -> None:
    assert supervisor_request("请尽快处理，否则投诉你们。") == "投诉你们"
    assert supervisor_request("I want to SPEAK TO A MANAGER") == "SPEAK TO A MANAGER"
    assert supervisor_request("all good, thanks") is None


def test_a_negation_in_another_clause_does_not_cancel_the_request() -> None:
    assert asks_for_supervisor("I don't need excuses. Let me speak to a manager.")
    assert asks_for_supervisor("不用解释了，找你们主管")


def test_hostile_text_is_scanned_in_bounded_time() -> None:
    import time

    text = ("speak to " * 50_000) + "找你们" * 50_000 + "\x1b[31m" + "a" * 10**6
    started = time.perf_counter()
    assert asks_for_supervisor(text) is False
    assert time.perf_counter() - started < 2.0
    assert asks_for_supervisor("x" * 30_000 + " speak to a manager") is False  # past the scan
