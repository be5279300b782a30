"""The linter between a draft and the outbox: findings, and the verdict on sending.

Error findings block sending unless the agent overrides them with a reason, which is
recorded as a ``lint_overridden`` event with the codes overridden
(:mod:`agentconsole.domain.outgoing`). A blocked send changes nothing in the store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from agentconsole.compose.addresses import is_blank
from agentconsole.compose.build import agent_text, written_part
from agentconsole.compose.errors import ComposeError
from agentconsole.compose.send import record_draft
from agentconsole.config import Config
from agentconsole.domain.outgoing import Override
from agentconsole.lint import Finding, LintContext, RuleSet, has_blocking, lint_text, load_rules
from agentconsole.lint.context import ticket_context
from agentconsole.store.compose_reads import thread_message
from agentconsole.store.drafts import Draft
from agentconsole.store.tickets import get_ticket

EMPTY = "nothing to send: the reply is empty"
EMPTY_REASON = "the override reason is empty"


@dataclass(frozen=True)
class SendResult:
    """What pressing "send" did. Not ``queued`` and error findings: blocked, nothing
    written. ``message_id`` is the queued mail's Message-ID header; ``stored_id`` the
    ``messages.id`` of the reply or note stored on the ticket (None when blocked)."""

    findings: list[Finding] = field(default_factory=list)
    queued: bool = False
    message_id: str | None = None
    outbox_id: int | None = None
    stored_id: int | None = None


_TO_THE_CUSTOMER = frozenset({"AC101", "AC102", "AC103", "AC104"})
"""The courtesy rules a reply to the customer must meet and a forward need not."""


def lint_context(conn: sqlite3.Connection, draft: Draft, config: Config) -> LintContext:
    """What the linter must know about the ticket, built as ``agentconsole lint
    --ticket`` builds it (:func:`agentconsole.lint.context.ticket_context`), with the
    draft's subject and attachments."""
    ticket = get_ticket(conn, draft.ticket_id)
    answered = (
        thread_message(conn, draft.answers_message_id)
        if draft.answers_message_id is not None
        else None
    )
    return ticket_context(
        ticket,
        answered,
        config,
        subject=draft.subject,
        has_attachments=bool(draft.attachments),
        to_customer=draft.mode in ("reply", "reply_all"),
    )


def lint_draft(
    draft: Draft, conn: sqlite3.Connection, config: Config, rules: RuleSet | None = None
) -> list[Finding]:
    """The findings on the part of the draft the agent wrote (offsets into its body).
    An internal note is never sent, so it is not linted. ``rules`` lets a caller that
    lints as the agent types load the rule files once."""
    if draft.mode == "note":
        return []
    context = lint_context(conn, draft, config)
    findings = lint_text(written_part(draft.body), context, rules or load_rules(config))
    if draft.mode == "forward":  # to a colleague: the customer's language is already
        # not asked of it (lint_context), nor are the greeting and closing rules
        findings = [f for f in findings if f.code not in _TO_THE_CUSTOMER]
    return findings


def send_draft(
    conn: sqlite3.Connection,
    draft: Draft,
    config: Config,
    *,
    actor: str,
    override_reason: str | None,
    rules: RuleSet | None = None,
    again: bool = False,
) -> SendResult:
    """Lint the draft, then queue it (a note: store it) unless an error finding blocks
    it and no reason overrides it; blocked, nothing is written. ComposeError when the
    agent wrote nothing (a greeting and a signature are not a reply), when the
    override's reason is blank, or when the same reply was just queued
    (:class:`DuplicateReply`, unless ``again``)."""
    if override_reason is not None and is_blank(override_reason):
        raise ComposeError(EMPTY_REASON)
    if draft.mode == "note" and is_blank(draft.body):
        raise ComposeError(EMPTY)
    if draft.mode in ("reply", "reply_all") and is_blank(agent_text(draft.body, config)):
        raise ComposeError(EMPTY)
    findings = lint_draft(draft, conn, config, rules)
    reason = (override_reason or "").strip()
    blocked = has_blocking(findings)
    if blocked and not reason:
        return SendResult(findings=list(findings))
    override = None
    if blocked:
        codes = tuple(dict.fromkeys(f.code for f in findings if f.severity == "error"))
        override = Override(reason, codes)
    done = record_draft(conn, draft, config, actor=actor, override=override, again=again)
    return SendResult(list(findings), done.queued, done.message_id, done.outbox_id, done.stored_id)
