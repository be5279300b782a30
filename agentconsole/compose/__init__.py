"""Composing replies, headless: drafts, the reply's text and its RFC 5322 bytes.

The console's compose pane and ``agentconsole reply`` are two faces on this package;
neither builds a greeting, a subject or a header itself. Recording a sent reply on its
ticket is the domain's (:mod:`agentconsole.domain.outgoing`).
"""
