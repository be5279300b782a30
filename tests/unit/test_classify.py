"""Automatic mail is recognised so that it never counts as a customer reply."""

import pytest

from agentconsole.mail.parse import parse_message
from tests.mailfactory import mail


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["Auto-Submitted: auto-replied"], "auto_reply"),
        (["X-Autoreply: yes"], "auto_reply"),
        (["X-Auto-Response-Suppress: All"], "auto_reply"),
        (["Precedence: bulk"], "bulk"),
        (["Precedence: junk"], "bulk"),
        (["List-Id: <news.example.org>"], "list"),
        (["Precedence: list"], "list"),
        (["Return-Path: <>"], "auto_reply"),
        ([], None),
        (["Auto-Submitted: no"], None),
    ],
)
def test_headers(headers: list[str], kind: str | None) -> None:
    assert parse_message(mail(headers=headers)).auto_kind == kind


def test_out_of_office_subject() -> None:
    assert parse_message(mail(subject="自动回复: 休假中")).auto_kind == "auto_reply"
    assert parse_message(mail(subject="Out of Office: back Monday")).auto_kind == "auto_reply"


def test_mailer_daemon_is_a_bounce() -> None:
    assert parse_message(mail(sender="MAILER-DAEMON@mx.example")).auto_kind == "bounce"


def test_delivery_status_report_is_a_bounce_and_names_the_original() -> None:
    raw = (
        b"From: postmaster@mx.example\nSubject: failure\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
        b"--R\nContent-Type: text/plain\n\nfailed\n--R\nContent-Type: message/delivery-status\n\n"
        b"Action: failed\n--R\nContent-Type: text/rfc822-headers\n\n"
        b"Message-ID: <Orig-1@okwallet.example>\nSubject: Re: x\n--R--\n"
    )
    parsed = parse_message(raw)
    assert parsed.auto_kind == "bounce"
    assert parsed.bounce_refs == ["orig-1@okwallet.example"]


def test_bounce_with_the_original_attached_as_message_rfc822() -> None:
    raw = (
        b"From: postmaster@mx.example\nSubject: failure\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
        b"--R\nContent-Type: text/plain\n\nfailed\n--R\nContent-Type: message/rfc822\n\n"
        b"From: support@okwallet.example\nMessage-ID: <Orig-2@okwallet.example>\n"
        b"Subject: x\n\nbody\n"
        b"--R--\n"
    )
    assert parse_message(raw).bounce_refs == ["orig-2@okwallet.example"]


@pytest.mark.parametrize(
    "subject",
    ["Undeliverable: Re: 提现", "Delivery Status Notification (Failure)", "系统退信：无法投递"],
)
def test_delivery_failure_subjects_are_bounces(subject: str) -> None:
    assert parse_message(mail(subject=subject)).auto_kind == "bounce"
