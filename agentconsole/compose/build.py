"""A new draft, filled in from the ticket's thread as a careful agent would start it.

To and Cc from the thread, a subject that keeps it (``Re:`` once, the ticket's
reference kept), a greeting to the customer by their whole name in their language
(王小明 is one name, not a first and last split on a space), the agent's signature, and
the customer's last message quoted with card numbers, ID numbers and codes masked as
the ticket view masks them. The compose pane and ``agentconsole reply`` both start here.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from agentconsole.compose.addresses import body_text, formatted, header_text
from agentconsole.compose.errors import ComposeError
from agentconsole.config import Config, ConfigError
from agentconsole.lint import detect_language, load_rules
from agentconsole.lint.context import customer_name, customer_sample
from agentconsole.lint.context import reply_language as reply_language  # the canned picker's
from agentconsole.lint.courtesy import CourtesyChecker
from agentconsole.lint.engine import default_rules
from agentconsole.mail.quoting import own_text
from agentconsole.mask import mask_sensitive
from agentconsole.models import Customer, Ticket
from agentconsole.store.compose_reads import (
    ThreadMessage,
    message_to_answer,
    participant_addresses,
)
from agentconsole.store.drafts import MODES, Draft
from agentconsole.store.tickets import get_ticket

TEAM = {"en": "OKWallet Support", "zh": "OKWallet 客服"}
"""The last line of the default signature, by the reply's language."""
CLOSING = {"en": "Kind regards,", "zh": "祝好！"}
"""The default signature's first line."""
_SIGNATURE_LINES = 2
"""AC103 reads a reply's last four lines; the default signature's name and team lines
below the agent's text leave two of them to the text."""

_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|sv|antw|wg)\s*(?:\[\d+\])?\s*[:：]|"
    r"(?:回复|回覆|答复|答覆|转发|轉寄|转寄)\s*[:：])\s*",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(?:(?:dear|hi|hello|good (?:morning|afternoon|evening))\b|您好|你好|尊敬的)", re.I
)
"""A text that opens like this brings its own greeting (a canned response may)."""
_QUOTE_START = re.compile(
    r"^(?:On .{5,200} wrote:|在.{2,100}写道[:：]|---------- Forwarded message ----------)$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Greeting:
    """Who the reply greets and in which language (``zh`` or ``en``)."""

    name: str
    lang: str

    @property
    def line(self) -> str:
        if self.lang == "zh":
            return f"您好，{self.name}：" if self.name else "您好："
        return f"Dear {self.name}," if self.name else "Dear customer,"


def template_inputs(ticket: Ticket, customer: Customer | None) -> tuple[Ticket, Customer | None]:
    """The ticket and customer a canned response is rendered from, with the names and
    the subject on one line and their control characters gone, as the greeting shows
    them: a customer named with a line break or a terminal escape must not put it in
    the reply's body through ``{{ customer.name }}``."""
    clean = replace(
        ticket,
        customer_name=customer_name(ticket, None),
        subject=header_text(ticket.subject),
    )
    if customer is None:
        return clean, None
    return clean, replace(
        customer, name=customer_name(replace(ticket, customer_name=customer.name), None)
    )


def greeting_for(ticket: Ticket, answered: ThreadMessage | None) -> Greeting:
    """The greeting in the language of the customer's last message (without what it
    quotes), or of their name when there is no message from them; to the
    customer by name unless the name is unfit to greet by (:func:`greeting_name`)."""
    return Greeting(
        customer_name(ticket, answered), reply_language(customer_sample(ticket, answered))
    )


def reply_subject(subject: str, ref: str, mode: str) -> str:
    """``Re: <subject> [ref]`` (``Fwd:`` for a forward): every earlier ``Re:``,
    ``回复：`` or ``Fwd:`` taken off, so there is one; the ticket's reference kept where
    the subject has it, added at the end where it does not."""
    base = header_text(subject)
    while True:
        stripped = _PREFIX.sub("", base, count=1)
        if stripped == base:
            break
        base = stripped
    if ref.lower() not in base.lower():
        base = f"{base} [{ref}]".strip()
    return ("Fwd: " if mode == "forward" else "Re: ") + base


def signature(config: Config, lang: str) -> str:
    """The configured signature, else the agent's name and the team's (in the reply's
    language)."""
    if config.signature.strip():
        return config.signature.strip("\n")
    return f"{config.agent_name or config.agent}\n{TEAM[lang]}"


def closing(config: Config, lang: str, text: str) -> str:
    """The closing line above the default signature ("Kind regards," / "祝好！"), so
    that a reply ends as AC103 wants; "" when the agent's text already ends with thanks
    or a closing of its own, or the configured signature is the agent's own ending."""
    if config.signature.strip():
        return ""
    try:
        rules = load_rules(config)
    except ConfigError:  # the lint config is refused when the draft is linted
        rules = default_rules()
    courtesy = next(c for c in rules.checkers if isinstance(c, CourtesyChecker))
    return "" if courtesy.closes(text, _SIGNATURE_LINES) else CLOSING[lang]


def _stamp(date: int | None) -> str:
    moment = datetime.fromtimestamp(date if date is not None else 0, UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def quoted(message: ThreadMessage, lang: str) -> str:
    """The customer's own words in the message answered (not what they quoted), masked,
    each line behind ``> ``, under an attribution line in the reply's language."""
    text = mask_sensitive(own_text(message.body_text)).text.strip("\n")
    who = formatted(message.from_name, message.from_addr)
    when = _stamp(message.date)
    head = f"在 {when}，{who} 写道：" if lang == "zh" else f"On {when}, {who} wrote:"
    lines = [f"> {line}".rstrip() for line in text.splitlines()]
    return "\n".join([head, *lines])


def forwarded(message: ThreadMessage) -> str:
    """The message forwarded, whole (masked), under the header block mail programs use."""
    text = mask_sensitive(message.body_text).text.strip("\n")
    return "\n".join(
        [
            "---------- Forwarded message ----------",
            f"From: {formatted(message.from_name, message.from_addr)}",
            f"Date: {_stamp(message.date)}",
            f"Subject: {header_text(message.subject)}",
            "",
            text,
        ]
    )


def written_part(body: str) -> str:
    """The part of a draft the agent wrote: everything above the quoted or forwarded
    message (a prefix, so offsets into it are offsets into the body). The linter checks
    this part; the customer's own words below are not ours to correct."""
    found = _QUOTE_START.search(body)
    return body[: found.start()] if found else body


_OWN_GREETING_MAX = 80
"""A first paragraph longer than this is the agent's words, not a greeting line."""


def agent_text(body: str, config: Config) -> str:
    """What the agent wrote in a reply's body: the written part (above the quote)
    without a greeting line of its own at the top and the signature at the bottom. A
    reply where this is blank says nothing; two replies where it is equal say the same."""
    text = written_part(body).strip()
    first, _, rest = text.partition("\n\n")
    if (
        _GREETING.match(first)
        and "\n" not in first
        and len(first) <= _OWN_GREETING_MAX
        and first.rstrip()[-1:] in (",", "，", ":", "：")
    ):
        text = rest.strip()
    for lang in TEAM:  # the signature and the closing over it, in either language
        sign = signature(config, lang).strip()
        if sign and text.endswith(sign):
            text = text[: -len(sign)].strip()
    for line in CLOSING.values():
        if text.endswith(line):
            text = text[: -len(line)].strip()
    return text


def reply_body(
    text: str,
    *,
    greeting: Greeting | None,
    sign: str | None,
    quote: str | None,
    closing: str = "",
) -> str:
    """Greeting, the agent's text (an empty paragraph to type in when there is none),
    the closing line over the signature, and the quote, a blank line apart. A text that
    starts with its own greeting (a canned response usually does) or already carries
    the signature is not given another."""
    text = text.strip("\n")
    parts: list[str] = []
    if greeting is not None and not _GREETING.match(text):
        parts.append(greeting.line)
    parts.append(text)
    if sign and sign.strip() not in text:
        parts.append(f"{closing}\n{sign}" if closing else sign)
    body = "\n\n".join(parts) + "\n"
    if quote:
        body += "\n" + quote + "\n"
    return body


def _recipients(
    ticket: Ticket, answered: ThreadMessage | None, mode: str, config: Config, others: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(To, Cc) for a reply or reply-all: the customer; for reply-all also everyone
    else on the thread, but never our own support addresses."""
    if mode in ("forward", "note"):
        return (), ()
    ours = {a.lower() for a in config.support_addresses}
    if config.from_address:
        ours.add(config.from_address.lower())
    if answered is not None and answered.direction == "in":
        customer = (answered.from_name, answered.from_addr)
    elif ticket.customer_address:
        customer = (ticket.customer_name, ticket.customer_address)
    elif answered is not None and answered.to:
        customer = answered.to[0]
    else:
        return (), ()
    to = (formatted(*customer),)
    if mode == "reply":
        return to, ()
    seen = ours | {customer[1].lower()}
    cc: list[str] = []
    pairs = [*(answered.to if answered else ()), *(answered.cc if answered else ())]
    for name, address in [*pairs, *(("", a) for a in others)]:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            cc.append(formatted(name, address))
    return to, tuple(cc)


def new_draft(
    conn: sqlite3.Connection,
    ticket_id: int,
    mode: str,
    config: Config,
    *,
    canned_text: str | None = None,
) -> Draft:
    """A draft of ``mode`` (reply, reply_all, forward, note) for the ticket, not saved
    yet (``id`` None): saving is the pane's when the agent types. ``canned_text`` (a
    rendered canned response, or the text of ``reply --file``) goes where the agent
    would type."""
    if mode not in MODES:
        raise ComposeError(f"unknown draft mode {mode!r} (one of: {', '.join(MODES)})")
    ticket = get_ticket(conn, ticket_id)
    text = body_text(canned_text or "")
    now = int(time.time())
    if mode == "note":
        return Draft(
            None, ticket_id, mode, None, (), (), ticket.subject, text, (), now, config.agent
        )
    answered = message_to_answer(conn, ticket_id)
    others = participant_addresses(conn, ticket_id) if mode == "reply_all" else []
    to, cc = _recipients(ticket, answered, mode, config, others)
    subject = reply_subject(
        ticket.subject or (answered.subject if answered else ""), ticket.ref, mode
    )
    greeting = greeting_for(ticket, answered)
    written = detect_language(text) if text.strip() else "mixed"
    lang = written if written in ("zh", "en") else greeting.lang  # the reply's language
    sign = signature(config, lang)
    if mode == "forward":
        body = reply_body(
            text, greeting=None, sign=sign, quote=forwarded(answered) if answered else None
        )
    else:
        quote = quoted(answered, greeting.lang) if answered and answered.direction == "in" else None
        body = reply_body(
            text,
            greeting=greeting,
            sign=sign,
            quote=quote,
            closing=closing(config, lang, text),
        )
    return Draft(
        id=None,
        ticket_id=ticket_id,
        mode=mode,
        answers_message_id=answered.id if answered else None,
        to=to,
        cc=cc,
        subject=subject,
        body=body,
        attachments=(),
        updated_at=now,
        author=config.agent,
    )
