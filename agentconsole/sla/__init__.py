"""SLA policies in business time (issue 9): calendars, policies, clocks, reports.

A core package: it imports no Textual or Rich, and no SQL runs here (the store reads
and writes the rows; see :mod:`agentconsole.sla.model` for what crosses).
"""
