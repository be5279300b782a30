"""One way to run a core call off the UI thread, and one way for it to fail.

Every thread worker of the console is declared with :func:`console_worker` (the
harlequin pattern): the core call runs in a thread, its results come back as typed
messages, and any exception it raises is written with its traceback to the failure log
next to the database (still in the worker's thread: a slow disk never stalls the UI)
and becomes one :class:`WorkerFailed` message posted to the app, which tells the agent
in one line (see ``AgentConsole.on_worker_failed``). A worker never
ends the app (``exit_on_error=False``), and no screen copies a try/except of its own.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual import work
from textual.dom import DOMNode
from textual.worker import Worker

from agentconsole.screens.events import WorkerFailed
from agentconsole.textsafe import safe_line

LOG_NAME = "agentconsole.log"
"""The failure log's file name, in the database's folder."""
REASON_LIMIT = 200
"""A notification is one line: the reason is cut here (the log keeps it whole)."""

N = TypeVar("N", bound=DOMNode)


class _WithFailureLog(Protocol):
    failure_log: Path


P = ParamSpec("P")


def console_worker(
    what: str, *, group: str, exclusive: bool = False
) -> Callable[[Callable[Concatenate[N, P], None]], Callable[Concatenate[N, P], Worker[None]]]:
    """Run the decorated method in a thread worker; ``what`` completes "Could not ..."
    in the agent's one-line notice when it raises (e.g. "load the queue")."""

    def decorate(
        method: Callable[Concatenate[N, P], None],
    ) -> Callable[Concatenate[N, P], Worker[None]]:
        @functools.wraps(method)
        def guarded(node: N, /, *args: P.args, **kwargs: P.kwargs) -> None:
            try:
                method(node, *args, **kwargs)
            except Exception as error:  # every failure, reported in one place
                log = cast(_WithFailureLog, node.app).failure_log
                logged = write_failure(log, what, error)
                node.app.post_message(WorkerFailed(what, error, logged))

        return work(
            guarded,
            name=what,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            thread=True,
        )

    return decorate


def failure_notice(what: str, error: BaseException, log: Path, logged: OSError | None) -> str:
    """The one line the agent reads: what failed, why, and where the details are."""
    reason = safe_line(str(error)) or type(error).__name__
    if len(reason) > REASON_LIMIT:
        reason = reason[: REASON_LIMIT - 1] + "…"
    if logged is None:
        where = f"details in {log}"
    else:
        where = f"not logged: {safe_line(str(logged))}"
    return f"Could not {what}: {reason} ({where})"


def write_failure(log: Path, what: str, error: BaseException) -> OSError | None:
    """Append the failure with its traceback to ``log``; the error if that failed too
    (a full disk or read-only folder must not turn one failure into a crash)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    try:
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{stamp}  could not {what}\n{''.join(lines)}\n")
    except OSError as exc:
        return exc
    return None
