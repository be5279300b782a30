"""Regenerate the console's screenshots (docs/screenshots/*.svg) from the demo mailbox.

    python scripts/screenshots.py [FOLDER] [--only NAME ...]      (or ./dev screenshots)

One SVG per screen, drawn headless by Textual (the same ``export_screenshot`` the
snapshot tests use) on a fresh demo database, with the clock, time zone, agent and
terminal size fixed: running it again gives the same bytes, so a changed picture in a
diff is a changed console. The README's console section shows each picture.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from agentconsole.app import make_app  # noqa: E402
from agentconsole.config import DATA_DIR, Config, default_identifier_patterns  # noqa: E402
from agentconsole.ingest.pipeline import resolve_sources, run_import  # noqa: E402
from agentconsole.store import open_db  # noqa: E402

TARGET = ROOT / "docs" / "screenshots"
DEMO_MAILBOX = DATA_DIR / "demo" / "support.mbox"
FIXED_NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp()
"""The clock the pictures are taken at: a day after the demo's last message."""
SIZE = (130, 36)

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.press("enter")


async def queue(pilot: Pilot[None]) -> None:
    """The queue as it opens: the All open view."""


async def queue_filtered(pilot: Pilot[None]) -> None:
    await pilot.press("slash")
    await type_into(pilot, "#filter", "category:withdrawal")


async def queue_empty_view(pilot: Pilot[None]) -> None:
    await pilot.press("1")


async def ticket(pilot: Pilot[None]) -> None:
    await pilot.press("slash")
    await type_into(pilot, "#filter", "账户安全")
    await settle(pilot)
    await pilot.press("enter")


async def status_picker(pilot: Pilot[None]) -> None:
    await pilot.press("s")


async def customers(pilot: Pilot[None]) -> None:
    await pilot.press("f")
    await type_into(pilot, "#lookup", "TXN636940054224")  # by transaction id


async def compose(pilot: Pilot[None]) -> None:
    """A reply from the 退款 canned response, its blank filled, and a password request
    the linter flags as it is typed."""
    await ticket(pilot)
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    await pilot.press("t", "k")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*"已原路退回", "end", "enter", *"请提供您的密码!!!")
    await pilot.pause(1.5)  # checked and saved: the status line says both
    pilot.app.screen.query_one("#body", TextArea).cursor_blink = False  # the same bytes


async def dashboard(pilot: Pilot[None]) -> None:
    """After lin took five tickets of the queue (so the agents' table has a row)."""
    await pilot.press("x", "x", "x", "x", "x", "a", "1")
    await settle(pilot)
    await pilot.press("d")


async def keys(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


SHOTS: dict[str, Steps] = {
    "queue": queue,
    "queue-filtered": queue_filtered,
    "queue-empty-view": queue_empty_view,
    "ticket": ticket,
    "status-picker": status_picker,
    "customers": customers,
    "compose": compose,
    "dashboard": dashboard,
    "keys": keys,
}


def demo_config() -> Config:
    return Config(agent="lin", identifier_patterns=default_identifier_patterns())


def build_demo(db: Path, config: Config) -> None:
    conn = open_db(db).conn
    run_import(conn, resolve_sources([DEMO_MAILBOX]), config, jobs=1)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


async def shoot(db: Path, config: Config, name: str, steps: Steps) -> str:
    app = make_app(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        return app.export_screenshot(title=f"agentconsole: {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=TARGET)
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), help="just these pictures")
    args = parser.parse_args(argv)
    os.environ["TZ"] = "UTC"
    time.tzset()
    time.time = lambda: FIXED_NOW  # every age and countdown on screen, and the import
    args.folder.mkdir(parents=True, exist_ok=True)
    config = demo_config()
    with tempfile.TemporaryDirectory(prefix="agentconsole-shots-") as work:
        template = Path(work) / "template.db"
        build_demo(template, config)
        for name in args.only or SHOTS:
            db = Path(work) / name / "demo.db"  # each picture on an untouched store
            db.parent.mkdir()
            db.write_bytes(template.read_bytes())
            svg = asyncio.run(shoot(db, config, name, SHOTS[name]))
            (args.folder / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"wrote {args.folder / name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
