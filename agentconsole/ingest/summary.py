"""The tally of an import, shown to the user and returned by ``--json``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportSummary:
    """What an import did (or, with --dry-run, would do)."""

    messages_seen: int = 0
    imported: int = 0
    duplicates: int = 0
    tickets_created: int = 0
    followups: int = 0
    tickets_merged: int = 0
    auto_replies: int = 0
    bounces: int = 0
    list_or_bulk: int = 0
    unfiled: int = 0
    degraded: int = 0
    quarantined: int = 0
    new_customers: int = 0
    unreadable: int = 0
    dry_run: bool = False
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["seconds"] = round(self.seconds, 3)
        data["messages_per_second"] = (
            round(self.messages_seen / self.seconds, 1) if self.seconds > 0 else None
        )
        return data
