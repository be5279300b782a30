"""AC7xx: shortened links and links off the company's domains."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext
from tests.lintcases import found, one

OURS = LintContext(fragment=True, allowed_domains=("okwallet.example",))


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("请点击 t.cn/A6xyz 查看详情。", "t.cn/A6xyz"),
        ("详情见dwz.cn/abc，谢谢", "dwz.cn/abc"),
        ("Visit https://bit.ly/3abc, thanks.", "https://bit.ly/3abc"),
        ("See tinyurl.com/y6abc.", "tinyurl.com/y6abc"),
    ],
)
def test_shortened_links_are_errors(text: str, span: str) -> None:
    assert one(text, "AC701", OURS) == ("error", span, None)


def test_shortener_messages() -> None:
    (zh,) = found("请点击 t.cn/A6xyz 查看详情。", "AC701", OURS)
    (en,) = found("Visit https://bit.ly/3abc now.", "AC701", OURS)
    assert zh.message.startswith("链接使用了短网址（t.cn）")
    assert en.message.startswith("The link uses a URL shortener (bit.ly)")


@pytest.mark.parametrize(
    ("text", "span", "domain"),
    [
        (
            "请访问 https://okwallet-help.test/reset 重置。",
            "https://okwallet-help.test/reset",
            "okwallet-help.test",
        ),
        (
            "See http://okwallet.example@evil.test/login.",
            "http://okwallet.example@evil.test/login",
            "evil.test",
        ),
        (
            "Go to okwallet.example.evil.test/x now.",
            "okwallet.example.evil.test/x",
            "okwallet.example.evil.test",
        ),
        (
            "请访问 www.evilokwallet.example/x。",
            "www.evilokwallet.example/x",
            "www.evilokwallet.example",
        ),
    ],
)
def test_links_off_our_domains(text: str, span: str, domain: str) -> None:
    assert one(text, "AC702", OURS) == ("warning", span, None)
    assert domain in found(text, "AC702", OURS)[0].message


@pytest.mark.parametrize(
    "text",
    [
        "请访问 https://help.okwallet.example/faq。",
        "详情见 okwallet.example/fees，谢谢",
        "See https://okwallet.example:443/a.",
        "Write to support@okwallet.example or open report.pdf, e.g. now.",
    ],
)
def test_our_links_and_look_alikes_of_links(text: str) -> None:
    assert found(text, "AC701", OURS) == [] and found(text, "AC702", OURS) == []


def test_no_list_no_domain_check_and_quotes_left_out() -> None:
    assert found("See https://other.test/x.", "AC702", LintContext(fragment=True)) == []
    quoted = "您好，这是钓鱼邮件。\n> 请点击 t.cn/A6xyz 领取\n> https://evil.test/x"
    assert found(quoted, "AC701", OURS) == [] and found(quoted, "AC702", OURS) == []


def test_a_link_ends_at_a_bracket() -> None:
    text = "点击 [link=https://evil.test]okwallet[/link] 查看"
    assert one(text, "AC702", OURS) == ("warning", "https://evil.test", None)
