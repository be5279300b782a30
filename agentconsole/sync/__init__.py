"""Mail to and from the servers: accounts, their secrets, and delivery of the outbox.

Headless like the rest of the core (no Textual, no Rich): the command line and the
console are faces on it. SQL stays in :mod:`agentconsole.store`, ticket changes go
through :mod:`agentconsole.domain`.
"""
