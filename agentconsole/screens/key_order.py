"""Keys typed straight after a key that moves the focus go where the focus moved.

Textual hands every key to the widget focused when it arrives, and runs an ordinary
binding only once the key has bubbled back up to the app. So when one key opens a
picker or a box (``t`` for tags, ``s`` for status, ``/`` for a search), the keys a fast
typist sent in the same burst were already handed to the old widget; they bubble up
after the picker opened, find no binding, and are dropped. This app notes where the
focus was when each key arrived; a key that comes back unhandled after the focus has
moved is handed again to the widget that has the focus now, in the order typed.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widget import Widget

REMEMBERED = 256
"""Keys on their way at once are a burst's worth; older ones were kept by a widget."""


class KeyOrderApp(App[None]):
    """Delivers keys typed ahead of a focus change to the new focus."""

    def __init__(self) -> None:
        super().__init__()
        self._focus_at_arrival: dict[int, Widget] = {}
        """Per key event on its way (by id): the widget focused when it arrived. A key
        a widget keeps (a letter typed in a box) never comes back, so only the latest
        ``REMEMBERED`` are kept."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._remember(event, self._key_target)
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Textual calls the ``_on_key`` of every class in the MRO: this one runs first
        and, when it handles the key, stops ``App._on_key`` from running the binding
        again; otherwise ``App._on_key`` goes on as ever."""
        arrived_at = self._focus_at_arrival.pop(id(event), self._key_target)
        if await self._check_bindings(event.key):
            event.prevent_default()
            return
        now = self._key_target
        if now is not arrived_at:
            event.prevent_default()
            again = events.Key(event.key, event.character)
            again.set_sender(self)
            self._remember(again, now)
            now._forward_event(again)

    @property
    def _key_target(self) -> Widget:
        """Where Textual hands a key that arrives now: the focus, or the screen."""
        return self.focused or self.screen

    def _remember(self, event: events.Key, focused: Widget) -> None:
        arrivals = self._focus_at_arrival
        arrivals.pop(id(event), None)  # an id reused by a new event: the new one counts
        arrivals[id(event)] = focused
        while len(arrivals) > REMEMBERED:
            del arrivals[next(iter(arrivals))]
