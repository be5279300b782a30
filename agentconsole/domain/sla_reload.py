"""Noticing that the SLA policy file in force changed, for a long-running process.

The console runs for hours while a team lead edits the policy file. :class:`PolicyWatch`
resolves at each look which file is in force now (the search order of
:func:`agentconsole.sla.policies.find_policy_file`: ``sla.toml`` added to the config
folder wins over the shipped file from then on, and removing it falls back to the
shipped one, as the ``sla`` commands do), looks at it with one ``stat``, and reads it
again only when it is another file or its modification time or size changed, and
makes the new policy set the one changes are measured by
(:func:`agentconsole.domain.sla.use_policy_set`). A file that no longer reads keeps
the last good set in force, so a typo in the file never stops an agent's change; the
problem is reported once per distinct problem. The caller then recomputes every
ticket (:func:`agentconsole.domain.sla.recompute_all`), in a worker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from agentconsole.domain import sla
from agentconsole.sla.policies import PolicyError, PolicySet, find_policy_file, load_policy_set

FileStamp = tuple[str, int, int]
"""(path, modification time in ns, size): what says the file changed."""


@dataclass(frozen=True, slots=True)
class PolicyCheck:
    """What one look at the policy file found."""

    path: str
    """The file in force (or, when it cannot be found, what was looked for)."""
    loaded: PolicySet | None = None
    """The set just read, now in force (None: nothing new, or the file is broken)."""
    first: bool = False
    """The first read of this process: nothing to recompute, the store is current."""
    problem: str = ""
    """Why the file cannot be used (the last good set stays in force)."""
    new_problem: bool = False
    """The problem was not reported before: say it (once)."""
    fallback: bool = False
    """A good set read earlier is still in force (else changes keep their due times)."""


class PolicyWatch:
    """The policy file in force, read again when it changes (see the module)."""

    def __init__(self, configured: str | None, config_dir: Path | None = None) -> None:
        self.configured = configured or None
        """The config's ``[sla] policies`` (absolute), or None: the search goes on."""
        self.config_dir = config_dir
        """The config folder, whose ``sla.toml`` (when there is one) comes next."""
        self._lock = threading.Lock()
        self._seen: FileStamp | None = None
        self._good: PolicySet | None = None
        self._said = ""

    @property
    def checked(self) -> bool:
        """The file has been looked at once (changes need not wait for it)."""
        return self._seen is not None

    def check(self) -> PolicyCheck:
        """Look at the file; read it when it is new or changed. Never raises for a bad
        file: the outcome says what is wrong. One caller at a time."""
        with self._lock:
            try:
                path = find_policy_file(
                    None, config_dir=self.config_dir, configured=self.configured
                )
                stat = path.stat()
            except (PolicyError, OSError) as exc:
                return self._broken(str(self.configured or ""), ("", 0, 0), str(exc))
            stamp = (str(path), stat.st_mtime_ns, stat.st_size)
            if stamp == self._seen:
                return PolicyCheck(str(path))
            try:
                policy_set = load_policy_set(path, config_dir=None)
            except PolicyError as exc:
                return self._broken(str(path), stamp, str(exc))
            first = self._seen is None
            self._seen, self._good, self._said = stamp, policy_set, ""
            sla.use_policy_set(policy_set)
            return PolicyCheck(str(path), loaded=policy_set, first=first)

    def _broken(self, path: str, stamp: FileStamp, problem: str) -> PolicyCheck:
        self._seen = stamp
        if self._good is None:
            sla.policy_file_unusable(PolicyError(problem))
        new = problem != self._said
        self._said = problem
        return PolicyCheck(path, problem=problem, new_problem=new, fallback=self._good is not None)


__all__ = ["PolicyCheck", "PolicyWatch"]
