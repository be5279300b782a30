from agentconsole.mail.quoting import split_quotes


def test_quoted_reply_and_signature_are_separate_blocks() -> None:
    body = (
        "Thanks, it works now.\n\nOn Mon, 5 Oct 2026 OKWallet wrote:\n> Dear Wang,\n"
        "> try again\n\n-- \nWang Fang\n+86 138"
    )
    kinds = [b.kind for b in split_quotes(body)]
    assert kinds == ["text", "quote", "signature"]
    assert split_quotes(body)[0].text == "Thanks, it works now."


def test_chinese_attribution_and_original_message_block() -> None:
    body = (
        "还是没到账\n\n-----原始邮件-----\n发件人: support@okwallet.example\n"
        "主题: 提现\n\n您好，请稍候"
    )
    blocks = split_quotes(body)
    assert [b.kind for b in blocks] == ["text", "quote"]
    assert "您好，请稍候" in blocks[1].text


def test_interleaved_answers_stay_visible() -> None:
    body = "> question one?\nanswer one\n> question two?\nanswer two"
    assert [b.kind for b in split_quotes(body)] == ["quote", "text", "quote", "text"]


def test_plain_body() -> None:
    assert [b.kind for b in split_quotes("hello\nworld")] == ["text"]
