"""Synthetic, deterministic support mail for the demo, the tests and the benchmarks.

Everything here is written for this project: an imaginary e-wallet ("OKWallet") whose
customers write in Chinese, English or both about the topics of ``DOMAIN.md``. The same
seed always gives the same bytes, so snapshots and benchmarks are repeatable. Messages
are built as raw bytes by hand (not through ``email.message``) so that the corpus can
hold what real mail holds: GB2312/Big5 bodies, base64 and quoted-printable, encoded-word
headers, HTML-only mail, attachments, auto-replies, bounces, list mail, and a few
deliberately broken messages.
"""

from __future__ import annotations

import base64
import quopri
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

SUPPORT = "support@okwallet.example"
BASE = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)

ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
ZH_GIVEN = [
    "芳",
    "伟",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "桂英",
    "建华",
    "晓东",
    "海燕",
    "志强",
    "婷婷",
]
EN_FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Felix",
    "Grace",
    "Henry",
    "Isla",
    "Jack",
    "Kate",
    "Liam",
    "Mia",
    "Noah",
    "Olivia",
    "Peter",
    "Ruby",
    "Sam",
]
EN_LAST = [
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Clark",
    "Hall",
    "Lee",
    "Young",
    "King",
    "Wright",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Scott",
]
DOMAINS = ["example.com", "example.net", "mail.example.org", "example.cn", "corp.example"]
AGENTS = ["lin", "maria", "chen", "tom"]

# (category, zh subject, en subject, zh body, en body): our own texts, with {fields}.
TOPICS: list[tuple[str, str, str, str, str]] = [
    (
        "account_access",
        "收不到注册验证邮件",
        "Registration email never arrived",
        "您好，我昨天用这个邮箱注册了OKWallet账号，但一直没有收到验证邮件，垃圾邮件箱也看过了。"
        "账号是{account}，麻烦帮忙看看。",
        "Hello, I signed up yesterday with this address but the verification email has not "
        "come, and it is not in my spam folder either. My account is {account}.",
    ),
    (
        "account_access",
        "登录时提示密码错误",
        "Cannot log in: password rejected",
        "我确定密码没有输错，但是App一直提示密码错误，已经试了很多次。手机号{phone}。",
        "The app keeps saying my password is wrong although I am sure it is right. I tried "
        "many times. My phone number is {phone}.",
    ),
    (
        "deposit",
        "充值未到账",
        "Top-up not credited",
        "我在{date}用银行卡充值了{amount}元，银行已经扣款，但钱包余额没有变化。交易号{txn}。",
        "On {date} I topped up {amount} CNY by bank card. The bank has taken the money but "
        "my wallet balance did not change. Transaction id {txn}.",
    ),
    (
        "withdrawal",
        "提现一直没有到账",
        "Withdrawal still not received",
        "我{date}申请提现{amount}元到尾号{card}的银行卡，已经三天了还没到账，请问是什么原因？"
        "交易号{txn}。",
        "I requested a withdrawal of {amount} CNY to my card ending {card} on {date}. Three "
        "days later nothing has arrived. Transaction id {txn}. What is the reason?",
    ),
    (
        "withdrawal",
        "提现手续费怎么算",
        "How is the withdrawal fee calculated?",
        "想了解一下提现到银行卡的手续费，跨境提现是不是更贵？",
        "Could you explain the fee for withdrawing to a bank card? Is a cross-border "
        "withdrawal more expensive?",
    ),
    (
        "payment",
        "付款失败但被扣款",
        "Payment failed but I was charged",
        "在商户付款{amount}元时App显示支付失败，可是余额已经少了。订单号{order}，交易号{txn}。",
        "Paying {amount} CNY at a merchant, the app said the payment failed, yet my balance "
        "went down. Order {order}, transaction {txn}.",
    ),
    (
        "account_locked",
        "账户被冻结了",
        "My account has been frozen",
        "今天收到邮件说我的账户{account}被冻结，我没有做任何违规操作，怎样才能解冻？",
        "Today I received a notice that my account {account} is frozen. I have done nothing "
        "wrong. How can I unlock it?",
    ),
    (
        "account_change",
        "更换手机号码",
        "Change my phone number",
        "我换了新手机号，旧号码{phone}已经停用，没法接收验证码，怎么修改绑定的手机？",
        "I have a new phone number and the old one, {phone}, no longer works, so I cannot "
        "receive codes. How do I change the phone linked to my account?",
    ),
    (
        "fees",
        "汇率和手续费疑问",
        "Question about exchange rate and fees",
        "我把{amount}美元转成人民币，实际到账比汇率算出来的少，多扣的是手续费吗？",
        "I converted {amount} USD to CNY and received less than the rate suggests. Is the "
        "difference a fee?",
    ),
    (
        "security",
        "发现陌生交易，账户可能被盗",
        "Unauthorized transactions on my account",
        "今天早上发现账户里有两笔不是我本人操作的交易，共{amount}元，交易号{txn}，请立即帮我冻结账户！",
        "This morning I found two transactions I did not make, {amount} CNY in total, "
        "transaction {txn}. Please block my account immediately!",
    ),
    (
        "security",
        "收到可疑的钓鱼邮件",
        "I received a suspicious phishing email",
        "收到一封自称OKWallet客服的邮件，让我点击链接输入密码和验证码，这是你们发的吗？",
        "I got an email claiming to be OKWallet support asking me to click a link and enter "
        "my password and code. Was that you?",
    ),
    (
        "complaint",
        "投诉：提现问题一周未解决",
        "Complaint: withdrawal unresolved for a week",
        "我已经第三次写信了，提现{amount}元的问题一周都没有解决，客服回复也很慢，非常失望。交易号{txn}。",
        "This is my third email. My withdrawal of {amount} CNY has been stuck for a week and "
        "support is slow to answer. I am very disappointed. Transaction {txn}.",
    ),
    (
        "feedback",
        "关于App的建议",
        "Suggestion for the app",
        "建议在App里增加账单导出功能，每个月对账会方便很多。",
        "It would be nice if the app could export statements; monthly bookkeeping would be "
        "much easier.",
    ),
    (
        "business",
        "商户接入咨询",
        "Merchant integration inquiry",
        "我们是一家跨境电商，想接入OKWallet收款，请问有API文档和费率说明吗？",
        "We run a cross-border shop and would like to accept OKWallet payments. Do you have "
        "API documentation and merchant fees?",
    ),
]

REPLY_ZH = (
    "{name}您好，\n\n感谢您联系OKWallet客服。关于您反映的问题，我们已经转交相关部门核查，"
    "预计1-2个工作日内给您答复。\n\n如有其他问题，欢迎随时回复本邮件。\n\nOKWallet客服团队"
)
REPLY_EN = (
    "Dear {name},\n\nThank you for contacting OKWallet support. We have passed your "
    "request to the team concerned and expect to reply within one to two business "
    "days.\n\nIf anything else comes up, simply reply to this email.\n\nOKWallet Support"
)
FOLLOW_ZH = "您好，我几天前发过邮件，还没有收到回复，请尽快处理，谢谢。"
FOLLOW_EN = "Hello, I wrote a few days ago and have not heard back yet. Please look into it."
THANKS_ZH = "问题已经解决了，谢谢你们！"
THANKS_EN = "It is sorted now, thank you!"


@dataclass(frozen=True)
class Person:
    name: str
    address: str
    account: str
    phone: str
    zh: bool


def _fits(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def _word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 encoded word if needed (in UTF-8 if ``charset`` cannot hold it)."""
    if text.isascii():
        return text
    if not _fits(text, charset):
        charset = "utf-8"
    data = base64.b64encode(text.encode(charset)).decode("ascii")
    return f"=?{charset}?B?{data}?="


def _addr(name: str, address: str, charset: str = "utf-8") -> str:
    if not name:
        return address
    if name.isascii():
        return f'"{name}" <{address}>'
    return f"{_word(name, charset)} <{address}>"


class CorpusBuilder:
    """Makes threads of messages as raw bytes, deterministically from a seed."""

    def __init__(self, seed: int = 7, domain_suffix: str = "") -> None:
        self.rng = random.Random(seed)
        self.counter = 0
        self.suffix = domain_suffix

    # -- pieces ------------------------------------------------------------------
    def person(self) -> Person:
        rng = self.rng
        zh = rng.random() < 0.6
        if zh:
            name = rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
            local = f"user{rng.randrange(10**6):06d}"
        else:
            first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
            name = f"{first} {last}"
            local = f"{first}.{last}{rng.randrange(1000)}".lower()
        address = f"{local}@{rng.choice(DOMAINS)}{self.suffix}"
        account = f"OKW{rng.randrange(10**8):08d}"
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return Person(name, address, account, phone, zh)

    def msgid(self) -> str:
        self.counter += 1
        return (
            f"<{self.counter:07d}.{self.rng.randrange(16**8):08x}@mail{self.suffix or ''}.example>"
        )

    def fields(self, person: Person, when: datetime) -> dict[str, str]:
        rng = self.rng
        return {
            "account": person.account,
            "phone": person.phone,
            "amount": str(rng.choice([50, 120, 300, 888, 1500, 2000, 5600, 12000])),
            "txn": f"TXN{rng.randrange(10**12):012d}",
            "order": f"ORD-{rng.randrange(10**10):010d}",
            "card": f"{rng.randrange(10**4):04d}",
            "date": when.strftime("%Y-%m-%d"),
            "name": person.name,
        }

    def message(
        self,
        *,
        sender: tuple[str, str],
        to: tuple[str, str],
        subject: str,
        body: str,
        when: datetime | None,
        msgid: str,
        in_reply_to: str | None = None,
        references: list[str] | None = None,
        charset: str = "utf-8",
        encoding: str = "base64",
        extra: list[str] | None = None,
        html: bool = False,
        attachments: list[tuple[str, str, bytes]] | None = None,
    ) -> bytes:
        """One message as bytes; ``charset`` labels the body (and CJK header words)."""
        head = [
            f"From: {_addr(sender[0], sender[1], charset)}",
            f"To: {_addr(to[0], to[1], charset)}",
            f"Subject: {_word(subject, charset)}",
            f"Message-ID: {msgid}",
            "MIME-Version: 1.0",
        ]
        if when is not None:
            head.insert(3, f"Date: {format_datetime(when)}")
        if in_reply_to:
            head.append(f"In-Reply-To: {in_reply_to}")
        if references:
            head.append("References: " + " ".join(references))
        head.extend(extra or [])
        subtype = "html" if html else "plain"
        data = body.encode(charset, "replace")
        if encoding == "base64":
            payload = base64.encodebytes(data)
        elif encoding == "quoted-printable":
            payload = quopri.encodestring(data)
        else:
            payload = data
        text_part = (
            f"Content-Type: text/{subtype}; charset={charset}\n"
            f"Content-Transfer-Encoding: {encoding}\n\n"
        ).encode("ascii") + payload
        if not attachments:
            return "\n".join(head).encode("utf-8") + b"\n" + text_part.rstrip(b"\n") + b"\n"
        boundary = f"=_part_{self.rng.randrange(16**12):012x}"
        lines = head + [
            f'Content-Type: multipart/mixed; boundary="{boundary}"',
            "",
            "This is a multi-part message in MIME format.",
            f"--{boundary}",
            "",
        ]
        out = "\n".join(lines).encode("utf-8") + text_part.rstrip(b"\n") + b"\n"
        tail: list[str] = []
        for filename, ctype, content in attachments:
            tail += [
                f"--{boundary}",
                f'Content-Type: {ctype}; name="{filename}"',
                f'Content-Disposition: attachment; filename="{filename}"',
                "Content-Transfer-Encoding: base64",
                "",
                base64.encodebytes(content).decode("ascii"),
            ]
        tail.append(f"--{boundary}--")
        return out + "\n".join(tail).encode("ascii") + b"\n"

    # -- threads -----------------------------------------------------------------
    def thread(
        self,
        start: datetime,
        topic: int | None = None,
        unanswered: float = 0.25,
        slow: float = 0.0,
        written_back: float | None = None,
    ) -> list[bytes]:
        """A conversation: the customer's mail, maybe our reply, maybe follow-ups.
        ``unanswered`` is the share of conversations we have not answered yet; our
        reply comes within 40 hours, or in the ``slow`` share within 40 to 160 hours;
        ``written_back`` is the share where the customer writes again after it (by
        default 0.4, less what ``unanswered`` adds above 0.25)."""
        rng = self.rng
        person = self.person()
        category, zh_subject, en_subject, zh_body, en_body = TOPICS[
            topic if topic is not None else rng.randrange(len(TOPICS))
        ]
        values = self.fields(person, start)
        bilingual = rng.random() < 0.15
        if person.zh:
            subject, body = zh_subject, zh_body.format(**values)
            if bilingual:
                subject = f"{zh_subject} / {en_subject}"
                body += "\n\n" + en_body.format(**values)
        else:
            subject, body = en_subject, en_body.format(**values)
        body += "\n\n" + person.name
        charset = "utf-8"
        if person.zh and rng.random() < 0.25:
            charset = "gb2312" if rng.random() < 0.7 else "big5"
            if not _fits(body + subject, charset):
                charset = "gb18030"
        encoding = rng.choice(["base64", "quoted-printable", "8bit"])
        attachments = None
        if category == "complaint" or rng.random() < 0.05:
            attachments = [("screenshot.png", "image/png", _png(rng))]
        first_id = self.msgid()
        out = [
            self.message(
                sender=(person.name, person.address),
                to=("OKWallet", SUPPORT),
                subject=subject,
                body=body,
                when=start,
                msgid=first_id,
                charset=charset,
                encoding=encoding,
                attachments=attachments,
            )
        ]
        when = start
        roll = rng.random()
        if roll < unanswered:
            # no answer yet; a quarter of those write again without references
            if rng.random() < 0.5:
                when += timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 8))
                prefix = rng.choice(["Re: ", "RE: ", "回复：", "答复: ", "Fwd: "])
                quote = "\n".join("> " + line for line in body.splitlines())
                text = (FOLLOW_ZH if person.zh else FOLLOW_EN) + "\n\n" + quote
                out.append(
                    self.message(
                        sender=(person.name, person.address),
                        to=("OKWallet", SUPPORT),
                        subject=prefix + subject,
                        body=text,
                        when=when,
                        msgid=self.msgid(),
                    )
                )
            return out
        late = slow > 0 and rng.random() < slow
        hours = rng.randint(40, 160) if late else rng.randint(1, 40)
        when += timedelta(hours=hours, minutes=rng.randint(0, 59))
        reply_id = self.msgid()
        reply = (REPLY_ZH if person.zh else REPLY_EN).format(name=person.name)
        out.append(
            self.message(
                sender=("OKWallet Support", SUPPORT),
                to=(person.name, person.address),
                subject="Re: " + subject,
                body=reply,
                when=when,
                msgid=reply_id,
                in_reply_to=first_id,
                references=[first_id],
                encoding="quoted-printable",
            )
        )
        if written_back is None:
            written_back = 0.4 - max(0.0, unanswered - 0.25)
        if roll < 1 - written_back:
            return out
        when += timedelta(hours=rng.randint(2, 30))
        text = THANKS_ZH if person.zh else THANKS_EN
        if rng.random() < 0.4:
            text = FOLLOW_ZH if person.zh else FOLLOW_EN
        out.append(
            self.message(
                sender=(person.name, person.address),
                to=("OKWallet", SUPPORT),
                subject="Re: " + subject,
                body=text,
                when=when,
                msgid=self.msgid(),
                in_reply_to=reply_id,
                references=[first_id, reply_id],
                encoding="base64",
            )
        )
        return out

    def specials(self, start: datetime) -> list[bytes]:
        """The mail every mailbox also receives: automatic, list, HTML-only, broken."""
        rng = self.rng
        person = self.person()
        out: list[bytes] = []
        # our reply that got an out-of-office and a bounce
        first_id, reply_id = self.msgid(), self.msgid()
        out.append(
            self.message(
                sender=(person.name, person.address),
                to=("OKWallet", SUPPORT),
                subject="Withdrawal pending 提现处理中",
                when=start,
                msgid=first_id,
                body="My withdrawal is still pending. 我的提现还在处理中。",
            )
        )
        out.append(
            self.message(
                sender=("OKWallet Support", SUPPORT),
                to=(person.name, person.address),
                subject="Re: Withdrawal pending 提现处理中",
                msgid=reply_id,
                when=start + timedelta(hours=3),
                in_reply_to=first_id,
                references=[first_id],
                body=REPLY_EN.format(name=person.name),
            )
        )
        out.append(
            self.message(
                sender=(person.name, person.address),
                to=("OKWallet Support", SUPPORT),
                subject="Automatic reply: Re: Withdrawal pending",
                msgid=self.msgid(),
                when=start + timedelta(hours=3, minutes=1),
                in_reply_to=reply_id,
                references=[first_id, reply_id],
                extra=["Auto-Submitted: auto-replied", "X-Autoreply: yes"],
                body="I am out of the office until Monday. 我周一之前不在办公室。",
            )
        )
        out.append(_bounce(self.msgid(), reply_id, person.address, start + timedelta(hours=3)))
        # a mailing list message
        out.append(
            self.message(
                sender=("Payments Weekly", "news@lists.example.org"),
                to=("", SUPPORT),
                subject="Payments Weekly #42",
                msgid=self.msgid(),
                when=start + timedelta(days=1),
                extra=[
                    "List-Id: Payments Weekly <weekly.lists.example.org>",
                    "Precedence: list",
                    "List-Unsubscribe: <mailto:leave@lists.example.org>",
                ],
                body="This week in payments: new rules for cross-border transfers.",
            )
        )
        # an HTML-only mail
        html_person = self.person()
        out.append(
            self.message(
                sender=(html_person.name, html_person.address),
                to=("OKWallet", SUPPORT),
                subject="Refund request 申请退款",
                msgid=self.msgid(),
                when=start + timedelta(days=1, hours=2),
                html=True,
                body=(
                    "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
                    "<p>Hello,</p><p>I was <b>charged twice</b> for order ORD-5551234567. "
                    "我被重复扣款了，请退款。</p><ul><li>Amount: 88.00</li><li>Date: yesterday</li>"
                    '</ul><p>Screenshot: <img src="https://tracker.example/pixel.png" alt="pixel">'
                    '</p><p><a href="https://evil.example/login">okwallet.example/login</a></p>'
                    f"<p>{html_person.name}</p></body></html>"
                ),
            )
        )
        # a worried customer who pastes everything a phisher would want
        worried = self.person()
        out.append(
            self.message(
                sender=(worried.name, worried.address),
                to=("OKWallet", SUPPORT),
                subject="账户安全 Account security",
                msgid=self.msgid(),
                when=start + timedelta(days=1, hours=5),
                body=(
                    "我担心账户被盗。我的密码是Abc12345，刚收到的验证码 483920，"
                    "银行卡 4111 1111 1111 1111，身份证号 11010519491231002X。\n"
                    f"I worry my account {worried.account} was hacked. Please check.\n\n"
                    f"{worried.name}"
                ),
            )
        )
        # malformed and hostile mail
        out.extend(hostile_messages(start + timedelta(days=2), rng))
        return out

    def corpus(
        self, threads: int, start: datetime = BASE, span_days: int = 50, specials_every: int = 60
    ) -> Iterator[bytes]:
        """``threads`` conversations spread over ``span_days``, in date order."""
        step = timedelta(days=span_days) / max(threads, 1)
        for index in range(threads):
            begin = start + step * index + timedelta(minutes=self.rng.randint(0, 50))
            yield from self.thread(begin)
            if specials_every and index % specials_every == specials_every // 2:
                yield from self.specials(begin)


def _png(rng: random.Random) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(300))


def _bounce(msgid: str, original: str, recipient: str, when: datetime) -> bytes:
    boundary = "=_bounce_1"
    return "\n".join(
        [
            "From: Mail Delivery System <MAILER-DAEMON@mx.okwallet.example>",
            f"To: {SUPPORT}",
            "Subject: Undelivered Mail Returned to Sender",
            f"Date: {format_datetime(when + timedelta(minutes=2))}",
            f"Message-ID: {msgid}",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
            "",
            f"--{boundary}",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            f"Your message to <{recipient}> could not be delivered: mailbox full.",
            f"--{boundary}",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.okwallet.example",
            "",
            f"Final-Recipient: rfc822; {recipient}",
            "Action: failed",
            "Status: 5.2.2",
            f"--{boundary}",
            "Content-Type: text/rfc822-headers",
            "",
            f"From: OKWallet Support <{SUPPORT}>",
            f"To: <{recipient}>",
            f"Message-ID: {original}",
            "Subject: Re: Withdrawal pending",
            f"--{boundary}--",
            "",
        ]
    ).encode("ascii")


def hostile_messages(when: datetime, rng: random.Random | None = None) -> list[bytes]:
    """Mail written to break things: each must be stored and shown harmlessly."""
    date = format_datetime(when)
    tag = when.strftime("%Y%m%d%H%M")
    esc = "\x1b]0;pwned\x07\x1b[2J"
    subject_ctrl = base64.b64encode(f"Refund{esc}\r\nBcc: victim@example.com".encode()).decode()
    return [
        # no Date header at all
        (
            "From: Nodate Customer <nodate@example.com>\nTo: support@okwallet.example\n"
            f"Subject: No date on this one\nMessage-ID: <nodate-{tag}@example.com>\n\n"
            f"My mail client forgot the date ({tag}).\n"
        ).encode(),
        # an address with nothing after the @
        (
            f"From: alice@\nTo: support@okwallet.example\nSubject: Broken sender\nDate: {date}\n"
            f"Message-ID: <broken-from-{tag}@example.com>\n\nThe From header is broken.\n"
        ).encode(),
        # a charset nobody knows
        (
            f"From: Unknown Charset <charset@example.com>\nTo: support@okwallet.example\n"
            f"Subject: =?x-klingon?B?SGVsbG8=?=\nDate: {date}\n"
            f"Message-ID: <charset-{tag}@example.com>\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=x-klingon\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ).encode()
        + "提现失败 withdrawal failed\n".encode("gb18030"),
        # a multipart whose closing boundary never comes
        (
            f"From: Boundary Breaker <boundary@example.com>\nTo: support@okwallet.example\n"
            f"Subject: Broken boundary\nDate: {date}\nMessage-ID: <boundary-{tag}@example.com>\n"
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XYZ"\n\n--XYZ\n'
            "Content-Type: text/plain; charset=utf-8\n\nThe closing boundary is missing.\n"
            "--XY\n"
        ).encode(),
        # a subject that decodes to escape sequences and a header injection attempt,
        # markup in the display name, and a display name pretending to be an address
        (
            f'From: "[@click=app.quit]support@okwallet.example[/]" <attacker@evil.example>\n'
            f"To: support@okwallet.example\nSubject: =?utf-8?B?{subject_ctrl}?=\nDate: {date}\n"
            f"Message-ID: <hostile-{tag}@evil.example>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
            f"[bold red]Click here[/] {esc} [link=https://evil.example]okwallet[/link]\n"
            "\u202eevil.example\u202c\n"
        ).encode(),
        # not mail at all
        b"\x00\x01\x02 this is not an e-mail message \xff\xfe " + tag.encode() + b"\n",
    ]


def write_mbox(path: Path, messages: Iterator[bytes] | list[bytes], labels: bool = False) -> int:
    """Write messages as an mbox (mboxrd quoting); ``labels`` adds X-Gmail-Labels
    as Gmail Takeout does. Returns the number written."""
    count = 0
    with open(path, "wb") as handle:
        for raw in messages:
            if labels:
                raw = b'X-Gmail-Labels: Inbox,Support,"Priority, VIP"\n' + raw
            body = b"\n".join(
                (b">" + line if line.lstrip(b">").startswith(b"From ") else line)
                for line in raw.rstrip(b"\n").split(b"\n")
            )
            handle.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + body + b"\n\n")
            count += 1
    return count


def write_maildir(path: Path, messages: Iterator[bytes] | list[bytes]) -> int:
    """Write messages into a Maildir (``cur/``), one file each."""
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    count = 0
    for count, raw in enumerate(messages, 1):
        (path / "cur" / f"{1700000000 + count}.M{count}P1.corpus:2,S").write_bytes(raw)
    return count
