"""Recognise mail that no person wrote: auto-replies, bounces, list and bulk mail.

Such mail is attached to its ticket but must never count as a customer reply (it would
stop an SLA clock or reopen a ticket) and must never trigger an automatic answer (two
auto-responders would then mail each other forever, RFC 3834 section 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|"
    r"自动回复|自動回覆|休假|不在办公室|absence|abwesenheit)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(delivery status notification|undeliver(able|ed)|mail delivery (failed|failure|"
    r"subsystem)|returned mail|退信|投递失败|系统退信)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounce[s]?)@", re.I)


def classify(
    headers: Mapping[str, str], content_type: str, from_addr: str, subject: str
) -> tuple[str | None, str | None]:
    """Return (kind, reason) where kind is 'bounce', 'auto_reply', 'list', 'bulk' or None.

    ``headers`` maps lower-case names to raw values.
    """
    report_type = content_type.lower()
    if report_type.startswith("multipart/report") and "delivery-status" in _ctype_params(headers):
        return "bounce", "multipart/report delivery-status"
    if _BOUNCE_SENDERS.match(from_addr or ""):
        return "bounce", f"sender {from_addr}"
    return_path = headers.get("return-path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        if report_type.startswith("multipart/report"):
            return "bounce", "multipart/report with empty return path"
        return "auto_reply", "empty return path"
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto_reply", f"Auto-Submitted: {auto_submitted[:40]}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
        if name in headers:
            return "auto_reply", f"header {name}"
    if report_type.startswith("multipart/report"):
        return "auto_reply", "multipart/report"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk"):
        return "bulk", f"Precedence: {precedence}"
    if precedence == "list" or "list-id" in headers or "list-unsubscribe" in headers:
        return "list", "mailing-list headers"
    if precedence == "auto_reply":
        return "auto_reply", "Precedence: auto_reply"
    if _BOUNCE_SUBJECT.match(subject or ""):
        return "bounce", "delivery-failure subject"
    if _AUTO_SUBJECT.match(subject or ""):
        return "auto_reply", "auto-reply subject"
    return None, None


def _ctype_params(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").lower()
