"""AC2xx: asking for secrets reads intent; unmasked numbers and codes are errors with a
masking fix."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext, lint_text
from tests.lintcases import found, one


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("请提供验证码。", "提供验证码"),
        ("请把短信验证码发给我们，以便核实身份。", "短信验证码发给"),
        ("为了核实身份，请提供您收到的验证码", "提供您收到的验证码"),
        ("请告诉我们您的支付密码", "告诉我们您的支付密码"),
        ("请提供您的完整卡号和CVV", "提供您的完整卡号"),
        ("麻烦回复您的身份证号码，谢谢", "回复您的身份证号码"),
        ("请把卡背面的CVV发给我们", "CVV发给"),
        ("您的登录密码是多少？", "登录密码是多少"),
        ("Please reply with the code.", "reply with the code"),
        ("Send us your password and we will unlock the account.", "Send us your password"),
        ("To verify you, please provide your PIN.", "provide your PIN"),
        ("Kindly let us know the OTP you received.", "let us know the OTP"),
        ("What is your verification code?", "What is your verification code"),
        ("Please confirm your full card number and CVV.", "confirm your full card number"),
        ("We need your national ID number to proceed.", "need your national ID number"),
        ("请输入OTP码后回复给我们", "OTP码后回复"),
        ("请您回复短信验证码以完成验证。", "回复短信验证码"),
        ("为了加快处理，请告知您的登录密码和验证码。", "告知您的登录密码"),
        ("请将身份证号码及验证码一并发送至本邮箱。", "身份证号码及验证码一并发送"),
        ("Please send over your one-time password.", "send over your one-time password"),
        ("Could you share your PIN with us?", "share your PIN"),
        ("Email us your full card number and CVV.", "Email us your full card number"),
        ("Please send us your new password.", "send us your new password"),
        ("麻烦发一下验证码，我们帮您查。", "发一下验证码"),
        ("请报一下您的卡号和CVV", "报一下您的卡号"),
        ("Kindly furnish your PIN for verification.", "furnish your PIN"),
    ],
)
def test_asking_for_a_secret_is_an_error(text: str, span: str) -> None:
    severity, shown, fixed = one(text, "AC201")
    assert (severity, shown, fixed) == ("error", span, None)


@pytest.mark.parametrize(
    "text",
    [
        "我们绝不会索取您的验证码。",
        "请勿向任何人透露验证码。",
        "验证码请勿发给任何人，包括自称客服的人。",
        "客服不会要求您提供密码，请谨防诈骗。",
        "请提供银行卡号后四位，以便我们核对。",
        "请提供身份证号后4位",
        "请告诉我们您是否收到了验证码",
        "请在App内输入验证码完成验证。",
        "请提供错误码截图",
        "请提供密码重置页面的截图",
        "Never share your PIN with anyone.",
        "We will never ask for your password.",
        "Please do not send us your password or one-time code.",
        "Please send us the error code shown in the app.",
        "Please send a screenshot of the password reset page.",
        "Please provide the last 4 digits of your card number.",
        "Please tell us whether you received the verification code.",
        "If you did not receive the code, please reply to this email.",
        "Enter the verification code in the app to finish.",
        "Your password was changed yesterday; send us a note if it was not you.",
        "OKWallet 员工不会通过邮件向您索要验证码。",
        "如有人向您索取验证码，请立即拒绝并联系我们。",
        "切勿将密码告诉他人。",
        "请确认您已修改了密码。",
        "请告诉我们您何时重置的密码。",
        "If anyone asks for your code, do not give it.",
        "Never reply to an e-mail asking for your password.",
        "We do not need your password to unlock the account.",
        "Please confirm that you have changed your password.",
        "Please let us know when you reset your PIN.",
        "Please provide the transaction code from your receipt.",
    ],
)
def test_warning_about_a_secret_is_not_asking(text: str) -> None:
    assert found(text, "AC201") == []


def test_the_message_follows_the_reply_language() -> None:
    (zh,) = found("请提供验证码", "AC201")
    (en,) = found("Please reply with the code.", "AC201")
    assert zh.message.startswith("回复在向客户索取“验证码”")
    assert en.message.startswith("The reply asks the customer for their code")


@pytest.mark.parametrize(
    ("text", "code", "span", "fixed"),
    [
        (
            "您的卡号 4111 1111 1111 1111 已绑定。",
            "AC202",
            "4111 1111 1111 1111",
            "您的卡号 •••• •••• •••• 1111 已绑定。",
        ),
        (
            "Card 4111-1111-1111-1111 is linked.",
            "AC202",
            "4111-1111-1111-1111",
            "Card ••••-••••-••••-1111 is linked.",
        ),
        (
            "身份证号11010519491231002X已核实",
            "AC203",
            "11010519491231002X",
            "身份证号••••••••••••••002X已核实",
        ),
        (
            "ID 11010519491231002X verified.",
            "AC203",
            "11010519491231002X",
            "ID ••••••••••••••002X verified.",
        ),
        ("您的验证码是483920，请勿泄露", "AC204", "483920", "您的验证码是••••••，请勿泄露"),
        ("输入OTP码：483920", "AC204", "483920", "输入OTP码：••••••"),
        ("Your code is 483920.", "AC204", "483920", "Your code is ••••••."),
        ("verification code: 5531", "AC204", "5531", "verification code: ••••"),
    ],
)
def test_unmasked_numbers_and_codes_are_errors_with_a_mask(
    text: str, code: str, span: str, fixed: str
) -> None:
    assert one(text, code) == ("error", span, fixed)


@pytest.mark.parametrize(
    "text",
    [
        "您的订单号 4111 1111 1111 1112 已收到。",  # fails Luhn
        "Transaction TXN4111111111111111 is complete.",  # part of an id
        "您的卡号 •••• •••• •••• 1111 已绑定。",  # already masked
        "身份证号110105194912310021已核实",  # bad check digit
        "ID 110105194912310021 verified.",
        "错误码 483920，请重试",
        "Error code 483920: please retry.",
        "验证码已发送至尾号1234的手机",
        "Your order code is 483920.",
    ],
)
def test_look_alikes_are_not_secrets(text: str) -> None:
    codes = {f.code for f in lint_text(text, LintContext())}
    assert not codes & {"AC202", "AC203", "AC204"}


@pytest.mark.parametrize(
    ("text", "span", "fixed"),
    [
        (
            "您之前提供的密码是Abc12345，请尽快修改。",
            "Abc12345",
            "您之前提供的密码是••••••，请尽快修改。",
        ),
        ("Your password is Tr0ub4dor&3.", "Tr0ub4dor&3", "Your password is ••••••."),
        ("Your old password was Tr0ub4dor&3.", "Tr0ub4dor&3", "Your old password was ••••••."),
        ("PIN: 1234", "1234", "PIN: ••••••"),
    ],
)
def test_a_repeated_password_is_an_error_with_a_mask(text: str, span: str, fixed: str) -> None:
    assert one(text, "AC205") == ("error", span, fixed)


@pytest.mark.parametrize(
    "text",
    [
        "您的密码已修改。",
        "密码重置链接: abc123 已失效",
        "Your password is wrong.",
        "Your password: ******",
        "Use the password-reset page.",
    ],
)
def test_password_near_misses(text: str) -> None:
    assert found(text, "AC205") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # A negation in a condition does not govern the request after it.
        ("If you cannot log in, please send us your password.", "send us your password"),
        ("If you can't log in, please send us your password.", "send us your password"),
        ("If you don't remember it, please send us your PIN.", "send us your PIN"),
        ("如果无法登录，请把您的密码发给我们。", "密码发给"),
        ("如果您不记得密码，请把密码发给我们。", "密码发给"),
        ("如果收不到短信，请告诉我们您的验证码。", "告诉我们您的验证码"),
        # A negation whose own verb comes before the comma does not reach past it.
        ("我们不会收取手续费，请提供验证码。", "提供验证码"),
        ("We can't verify you yet, so please send us your PIN.", "send us your PIN"),
        # A warning word in another phrase is not a negation.
        ("为了防止诈骗，请提供您收到的验证码。", "提供您收到的验证码"),
        # Requests addressed to us, however phrased.
        ("Could you tell us the code you received?", "tell us the code"),
        ("为了核实身份，麻烦告诉我们短信里的6位数字", "告诉我们短信里的6位数字"),
        ("Please send us the 6-digit code we texted you.", "send us the 6-digit code"),
        ("Please tell us the 6-digit number from the text message.", "tell us the 6-digit number"),
        ("Kindly provide your full card number and CVV.", "provide your full card number"),
        ("请回复您的身份证号码全号", "回复您的身份证号码"),
        # Used in the app, then sent to us: still a request to us.
        ("请在App内输入验证码后回复给我们。", "验证码后回复"),
        (
            "Please enter the code in the app and then send it to us.",
            "code in the app and then send",
        ),
        ("If you received the code, please send it to us.", "code, please send"),
        # Reassurance before a request does not make it advice.
        ("我们不需要您的密码，请回复您的验证码即可。", "回复您的验证码"),
        ("您无需担心，请提供您的银行卡密码以便核实。", "提供您的银行卡密码"),
        ("Please don't worry, just send us your PIN.", "send us your PIN"),
        (
            "Sorry, we cannot see it. Please send us your one-time code.",
            "send us your one-time code",
        ),
        ("Unless you reply with your PIN today, the account stays locked.", "reply with your PIN"),
        ("Never mind the form; just reply with your password.", "reply with your password"),
    ],
)
def test_intent_a_request_to_us_is_an_error(text: str, span: str) -> None:
    assert one(text, "AC201") == ("error", span, None)


@pytest.mark.parametrize(
    "text",
    [
        # A negation governs its verb across adverbials, commas included.
        "我们绝不会通过邮件、电话或短信向您索取密码。",
        "客服人员不会以任何理由向您索要银行卡密码",
        "客服人员不会以任何理由，向您索要银行卡密码。",
        "我们不会要求您提供验证码",
        "我们从不通过电话索取验证码，请放心。",
        "请勿向任何人（包括客服）透露您的密码或验证码",
        "一旦收到验证码，切勿告诉任何人。",
        "We will never, under any circumstances, ask you for your PIN.",
        "We will never ask, by e-mail or by phone, for your PIN.",
        "We never, ever ask for your password.",
        "Do not send your password to anyone, including us.",
        "When you get the code, do not share it with anyone.",
        "Once you have your new PIN, keep it safe and never share it.",
        # Setting, changing or entering a secret in the app is not giving it to us.
        "Choose 'Forgot password', confirm it is you, and then set a new password.",
        "Please change your password in the app.",
        "Please set a new PIN in the app.",
        "Please create a new password and keep it to yourself.",
        "Please submit the verification code in the app.",
        "Enter the verification code in the app to finish.",
        "请在App内重置登录密码",
        "请设置新的登录密码。",
        "请在App中输入验证码完成验证",
        "请在App中提交身份证号码完成实名认证。",
        "Please do not, under any circumstances, send us your password.",
        "If you forget your PIN, do not send it to us; reset it in the app.",
        "When we call you, we will never ask for your password.",
        "为保障安全，我们不会通过电话、短信或邮件要求您提供验证码或密码。",
        "请勿将验证码发给我们以外的任何人。",
        # A request someone else makes, described: the message asks, not us.
        "如您收到索要验证码的短信，请勿理会。",
        "如果您收到要求提供密码的邮件，那是诈骗。",
        "If you get an e-mail asking you to send your password, it is a scam.",
        "If an e-mail asks for your PIN, please forward it to us.",
        "If you receive a message asking for your code, forward it to us.",
        "If you get a text requesting your PIN, please forward it to us.",
        "If you were asked for your password on a call, please report it to us.",
        # The secret is the subject of a new clause, not what is asked for.
        "Please confirm the code has arrived on your phone.",
        "请确认验证码已收到。",
        "请在登录页输入您的密码。",
        "Please enter your password on the login page.",
        # Numbers that are not one-time codes.
        "请提供身份证后六位数字。",
        "Please provide your 10-digit order number.",
        "Please tell us the 6 digits of your order number.",
        "短信里的链接请勿点击",
    ],
)
def test_intent_a_warning_or_an_in_app_step_is_not_asking(text: str) -> None:
    assert found(text, "AC201") == []


def test_intent_a_code_named_by_its_shape_is_named_in_the_message() -> None:
    (finding,) = found("为了核实身份，麻烦告诉我们短信里的6位数字", "AC201")
    assert finding.message.startswith("回复在向客户索取“短信里的6位数字”")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # A negated hesitation, forgetting or delay urges the request after it.
        ("Don't forget to send us your password.", "send us your password"),
        (
            "Please don't hesitate to send us your verification code.",
            "send us your verification code",
        ),
        ("Do not delay: reply with the code now.", "reply with the code"),
        ("Don't wait, send us your PIN now.", "send us your PIN"),
        ("Do not fail to reply with your PIN.", "reply with your PIN"),
        ("Never forget to include your CVV.", "include your CVV"),
        ("别忘了把验证码发给我们。", "验证码发给"),
        ("不要忘记把验证码发给我们。", "验证码发给"),
        ("请不要犹豫，把密码告诉我们。", "密码告诉"),
        ("不要耽误，请提供验证码。", "提供验证码"),
        ("请勿拖延，尽快回复您的验证码。", "回复您的验证码"),
        ("Don’t hesitate to reply with your PIN.", "reply with your PIN"),
        ("Don't be afraid to send us your password.", "send us your password"),
        ("Don't worry about it and reply with your PIN.", "reply with your PIN"),
        ("千万别忘了发验证码给我们", "验证码给我们"),
        ("验证码别忘了发给我们。", "验证码别忘了发给"),
        ("Don't ever forget to send us your PIN.", "send us your PIN"),
        ("请不要再忘记把验证码发给我们", "验证码发给"),
        ("Do not forget to send us your password.", "send us your password"),
        ("Don't forget to give us your SSN.", "give us your SSN"),
        ("不要再犹豫了，快把验证码告诉我们。", "验证码告诉"),
        # National ID numbers by other names.
        ("Send us your social security number.", "Send us your social security number"),
        ("Please reply with your SSN.", "reply with your SSN"),
        ("请提供您的社会保障号码。", "提供您的社会保障号码"),
        ("请回复您的身份证全号。", "回复您的身份证全号"),
        ("请回复您的身份证号码全号", "回复您的身份证号码"),
        # One-time codes by their length, Chinese numerals included.
        ("麻烦把收到的六位数字发给我们。", "六位数字发给"),
        ("请告诉我们您收到的四位数字。", "告诉我们您收到的四位数字"),
        ("请把6位数发给我们", "6位数发给"),
        ("请提供您的6位数验证码。", "提供您的6位数验证码"),
        ("Please send us the six-digit code.", "send us the six-digit code"),
        ("Please tell us the six-digit number we texted.", "tell us the six-digit number"),
        ("Please reply with the 6 digits we sent you.", "reply with the 6 digits we sent"),
        (
            "Send us the six digits from the text message.",
            "Send us the six digits from the text message",
        ),
        ("请回复短信中的六位数", "回复短信中的六位数"),
        # A CVV by where it is on the card, or by another name.
        ("请告诉我们您银行卡背面的三位数字。", "告诉我们您银行卡背面的三位数字"),
        ("请提供卡片背面的3位数字", "提供卡片背面的3位数字"),
        ("请告诉我们卡背面的数字", "告诉我们卡背面的数字"),
        (
            "Please tell us the digits on the back of the card.",
            "tell us the digits on the back of the card",
        ),
        (
            "Please tell us the three digits on the back of your card.",
            "tell us the three digits on the back of your card",
        ),
        ("请提供安全码", "提供安全码"),
        ("Please send us your CVV2.", "send us your CVV2"),
        ("Please reply with your CVC.", "reply with your CVC"),
        ("Please send us your card verification value.", "send us your card verification value"),
    ],
)
def test_intent_urging_and_other_names_of_secrets_are_errors(text: str, span: str) -> None:
    assert one(text, "AC201") == ("error", span, None)


@pytest.mark.parametrize(
    "text",
    [
        # Warnings stay warnings, with or without an urging word before them.
        "我们绝不会通过邮件、电话或短信向您索取密码。",
        "Never share your PIN with anyone, including us",
        "Don't share your code with anyone.",
        "别把验证码告诉任何人",
        "Do not send us your password.",
        "Don't forget: we will never ask for your code.",
        "Don't forget: never reply with your password.",
        "Don't forget to never share your PIN.",
        "Don’t send us your password.",
        "Don't ever send us your PIN.",
        "请不要再向我们提供密码。",
        "We won’t ask for your PIN.",
        "Never hesitate to report anyone asking for your PIN.",
        "请不要忘记，我们不会向您索取密码。",
        "Don't forget that nobody from support will ask for your PIN.",
        "Don't hesitate to contact us, but never send us your password.",
        "Don't hesitate to call us if anyone asks for your code.",
        "Don't delay: report any e-mail asking for your password.",
        "Do not wait: we will never ask for your CVV.",
        "Don't wait: never share your code with anyone.",
        "别忘了：我们绝不会索取您的验证码。",
        "不要忘记，我们从不索取验证码。",
        "别忘了，千万不要把验证码告诉任何人。",
        "不要忘了，请勿将验证码告诉任何人。",
        "不要耽误，切勿向他人透露验证码。",
        "别犹豫，立即拒绝索要验证码的人。",
        # Urging something that is not giving us a secret.
        "Please don't forget to change your password.",
        "Don't forget to enter the code in the app.",
        "Don't forget to send us the screenshot.",
        "Please do not hesitate to contact us.",
        "不要忘记修改密码。",
        "别忘了在App内输入验证码。",
        "请不要犹豫，立即修改密码。",
        "请不要忘记回复我们。",
        # Digits that are not a one-time code or a CVV.
        "请提供身份证后六位数字。",
        "请提供您身份证号码的后六位数字。",
        "请提供银行卡号后四位数字",
        "请告诉我们银行卡尾号四位数字",
        "请提供6位数的订单号",
        "请提供您的6位数邮编",
        "请提供六位数字的订单号",
        "订单号为10位数字，请提供订单号。",
        "Please provide your 10-digit order number.",
        "Please tell us the 6 digits of your order number.",
        "请勿把卡背面的三位数字告诉任何人。",
        "The three digits on the back of your card should never be shared.",
        "请勿把卡背面的数字告诉任何人",
        "请提供说明书背面的数字",
        "请拨打卡背面的电话号码",
        "Please call the number on the back of your card.",
        "Let us know if you can't reach the number on the back of your card.",
        "请不要忘记：客服不会索取您的CVV。",
        "Don't hesitate: support never asks for your CVV.",
        "Don't forget your PIN; never tell us what it is.",
        "别担心，我们不会索取您的密码。",
        "我们不会拖延处理，也不会索取您的验证码。",
        # Other names of an ID number, in a warning.
        "We will never ask for your social security number.",
        "Please never send us your SSN.",
        "我们不会索取您的社会保障号码。",
        "请勿透露您的社会保障号码。",
        "Please provide the last four digits of your SSN.",
        "请提供社会保障号码后四位。",
    ],
)
def test_intent_urging_words_and_digit_counts_near_misses(text: str) -> None:
    assert found(text, "AC201") == []


@pytest.mark.parametrize(
    "text",
    [
        "Please wait, we will send you a new code.",
        "We will provide you with a new PIN by post.",
        "Please confirm you received the code.",
        "我们会向您发送新的验证码。",
        "我们将重新发送验证码给您。",
        "系统会给您发送验证码。",
        "我们已为您发送验证码。",
        "我们会把新的验证码发给您。",
    ],
)
def test_intent_sending_the_customer_a_secret_is_not_asking(text: str) -> None:
    assert found(text, "AC201") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Send us your code and we will send you a new one.", "Send us your code"),
        ("请把验证码发给我们，我们会再发给您一个新的。", "验证码发给"),
        ("我们需要向您核对一下验证码", "核对一下验证码"),
        ("请向我们提供您的验证码。", "提供您的验证码"),
        ("为了您的安全，请提供验证码", "提供验证码"),
    ],
)
def test_intent_a_request_beside_a_sending_is_still_an_error(text: str, span: str) -> None:
    assert one(text, "AC201") == ("error", span, None)
