"""How much one reply may carry: what mail servers accept, and what a person writes.

A leaf module (no imports), so that `lint` and `reply` read their limits without
loading the compose package.

Fixed, not configured: these are the limits of mail itself (25 MB is what common
servers accept for a whole message), documented in the README.
"""

from __future__ import annotations

MAX_TEXT_BYTES = 1024 * 1024
"""A reply's text read from a file or standard input: a letter, not a data dump."""
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
"""One attached file: no bigger than the whole mail may be."""
MAX_MAIL_BYTES = 25 * 1024 * 1024
"""The whole built mail, attachments encoded (base64 adds a third)."""
MAX_RECIPIENTS = 50
"""Addresses in To and Cc together: more is a mailing, not a reply."""
