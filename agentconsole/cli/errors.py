"""The one place that turns a failure into the one line a user reads.

Every command (the console included) runs inside :class:`agentconsole.cli.Group`, which
hands any SQLite error, operating-system error, query error or oversized number that a
command did not handle itself to :func:`describe`. A user gets ``error: WHAT`` on
standard error and a non-zero exit, never a traceback; SQLite has rolled the failed
write back (see ``agentconsole.store.db.write_txn``), so the database is intact.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from pathlib import Path

from agentconsole.store.query import QueryError

SQLITE_MAX_INT = 2**63 - 1
"""The largest integer SQLite stores; a reference or --offset above it cannot exist."""

# Primary result codes (the low byte of an extended code), from sqlite3.h.
_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 8, 10, 11, 13, 14, 26
_BUSY, _LOCKED, _PERM = 5, 6, 3


def describe(exc: BaseException, db_path: Path | None) -> tuple[str, int] | None:
    """The one-line message and exit code for ``exc``; None to re-raise it (a bug, or a
    closed output pipe, which click itself ends quietly)."""
    if isinstance(exc, QueryError):
        return str(exc), 2
    if isinstance(exc, OverflowError):
        return f"a number is too large (at most {SQLITE_MAX_INT})", 2
    if isinstance(exc, sqlite3.Error):
        return _sqlite(exc, db_path), 1
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:  # click ends a closed pipe
        return _os(exc), 1
    from agentconsole.sla.policies import PolicyError  # a change loads the SLA policy file

    if isinstance(exc, PolicyError):
        hint = "" if "sla check" in str(exc) else " (check it with `agentconsole sla check`)"
        return f"{exc}{hint}", 2
    return None


def _sqlite(exc: sqlite3.Error, db_path: Path | None) -> str:
    where = f"{db_path}: " if db_path is not None else ""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == _FULL:
        return f"{where}disk full — the unfinished change was rolled back, nothing else lost"
    if code in (_READONLY, _PERM):
        return f"{where}the database is read-only — nothing was written"
    if code == _CANTOPEN:
        return f"{where}cannot open the database (check the file and folder permissions)"
    if code == _NOTADB:
        return f"{where}not an agentconsole database (file is not a database)"
    if code in (_BUSY, _LOCKED):
        return f"{where}the database is busy (another program is writing); try again"
    if code == _CORRUPT:
        return f"{where}the database is damaged ({exc})"
    if code == _IOERR:
        return f"{where}disk I/O error — the unfinished change was rolled back ({exc})"
    return f"{where}database error: {exc}"


def _os(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}disk full"
    if exc.errno == errno.EROFS:
        return f"{where}read-only file system"
    return f"{where}{exc.strerror or exc}"


def say_sla_not_recomputed() -> None:
    """After a command: when it changed tickets while the SLA policy file could not be
    read, the changes are saved (a typo in the file must not stop an agent's work) but
    their due times were left as they were; one line on standard error says why and
    what to do. Nothing when the command never touched the SLA code."""
    sla = sys.modules.get("agentconsole.domain.sla")
    problem = sla.policy_problem() if sla is not None else None
    if problem is not None:
        from agentconsole.textsafe import safe_line

        print(
            safe_line(
                f"warning: saved, but the due times were not recomputed: {problem}"
                " (fix the file, check it with `agentconsole sla check`, then run"
                " `agentconsole sla recompute`)"
            ),
            file=sys.stderr,
        )
