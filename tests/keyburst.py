"""Keys as a fast typist sends them: every key queued at once, with no wait between.

Pilot's ``press`` waits for the app to go idle after each key, so a key that opens a box
has always finished before the next key arrives. A person typing ``/status:open`` in
one burst (or a terminal delivering it in one read) does not wait: these helpers queue
all the keys on the app the way the terminal driver does, then let the app run.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.keys import _character_to_key


def key_event(key: str) -> events.Key:
    """The event the terminal driver posts for ``key`` (a key name or one character)."""
    if len(key) == 1:
        return events.Key(_character_to_key(key) if not key.isalnum() else key, key)
    return events.Key(key, None)


def burst(app: App[None], *keys: str) -> None:
    """Queue ``keys`` on ``app`` in order, all at once, as one read from the terminal."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)
