"""The one place that holds SQL: opening the database, migrations, reads and writes."""

from agentconsole.store.db import open_db, write_txn

__all__ = ["open_db", "write_txn"]
