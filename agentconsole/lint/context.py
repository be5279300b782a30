"""The lint context of a ticket: whom the reply addresses, in which language, which
reference its subject keeps, which reply time it may promise.

One function, :func:`ticket_context`, used by the compose core (``reply``, the compose
pane) and by ``agentconsole lint --ticket``: the same text on the same ticket gets the
same findings from both. Pure: the caller reads the ticket and the message the reply
answers from the store.
"""

from __future__ import annotations

import re
from typing import Protocol

from agentconsole.config import Config
from agentconsole.lint.language import detect_language
from agentconsole.lint.model import LintContext
from agentconsole.mail.quoting import own_text
from agentconsole.models import Ticket

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile("[\t\r\n\u2028\u2029\x85]")
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
"""Control, bidi and zero-width characters: nobody's real name has them."""
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|[⟦⟧]")
"""Template and blank delimiters: a name with them would put template markup, which the
linter blocks (AC301/AC302) and the agent cannot edit away, into the greeting."""


class AnsweredMail(Protocol):
    """What the context needs of the message a reply answers (a store ThreadMessage)."""

    @property
    def direction(self) -> str: ...
    @property
    def from_name(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def body_text(self) -> str: ...


def greeting_name(name: str) -> str:
    """``name`` fit to greet someone by: on one line, spaces collapsed, quotes around it
    off; "" (greet "Dear customer") when it is an address or holds control, bidi or
    zero-width characters or template markup (``{{ ticket.ref }}``): such a name is
    hostile or broken, and putting it in the reply would only cause harm."""
    spaced = _SPACE.sub(" ", name)
    clean = " ".join(word for word in spaced.split(" ") if word).strip("\"' ")
    if "@" in clean or _UNSAFE.search(spaced) or _TEMPLATE.search(clean):
        return ""
    return clean


def customer_name(ticket: Ticket, answered: AnsweredMail | None) -> str:
    """The customer's whole name as they are known: the customer record's, else the
    name on the mail answered; never an address, never split (王小明 is one name)."""
    candidates = [ticket.customer_name]
    if answered is not None and answered.direction == "in":
        candidates.append(answered.from_name)
    for name in candidates:
        if name.strip() and "@" not in name:
            return greeting_name(name)
    return ""


def customer_sample(ticket: Ticket, answered: AnsweredMail | None) -> str:
    """The text the customer's language is read from: their own words in the message
    answered (not what they quoted), else its subject; their name, else the ticket's
    subject, when they have written nothing."""
    if answered is not None and answered.direction == "in":
        return own_text(answered.body_text) or answered.subject
    return customer_name(ticket, answered) or ticket.subject


def reply_language(text: str) -> str:
    """``zh`` or ``en``: the linter's verdict on the customer's text; a mixed one goes
    to the language with more of it (a Chinese character weighed against two Latin
    letters, as the linter weighs them). For the greeting, which must pick one."""
    detected = detect_language(text)
    if detected != "mixed":
        return detected
    return "zh" if len(_CJK.findall(text)) * 2 >= len(_LATIN.findall(text)) else "en"


def ticket_context(
    ticket: Ticket,
    answered: AnsweredMail | None,
    config: Config,
    *,
    subject: str | None = None,
    has_attachments: bool = False,
    to_customer: bool = True,
) -> LintContext:
    """The context for a reply on ``ticket`` answering ``answered`` (the customer's last
    message; None for a ticket without mail), whose subject and attachments the caller
    knows. The customer's language is None when they wrote nothing or wrote mixed
    (either language is a fine answer, AC801 stays quiet); ``to_customer`` False (a
    forward) drops name and language. The reply-time target is the config's
    ``[lint] reply_target_hours`` until tickets carry SLA policies."""
    customer_wrote = answered is not None and answered.direction == "in"
    language = detect_language(customer_sample(ticket, answered)) if customer_wrote else None
    return LintContext(
        customer_name=customer_name(ticket, answered) if to_customer else "",
        customer_lang=language if to_customer and language in ("zh", "en") else None,
        subject=subject,
        ticket_ref=ticket.ref,
        has_attachments=has_attachments,
        first_response_hours=float(config.reply_target_hours),
        allowed_domains=config.allowed_domains,
    )
