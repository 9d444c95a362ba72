"""The domain event stream: callbacks that get each durable batch's events in seq order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from ..exchange.events import Event

log = logging.getLogger("kalshi_local.engine")

Subscriber = Callable[[Sequence[Event]], None]


class Subscribers:
    """Callbacks run one after the other; one that raises is logged and the others still run."""

    def __init__(self) -> None:
        self._callbacks: list[Subscriber] = []

    def add(self, callback: Subscriber) -> Callable[[], None]:
        """Subscribes `callback`; returns the function that unsubscribes it."""
        self._callbacks.append(callback)
        return lambda: self._remove(callback)

    def _remove(self, callback: Subscriber) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        for callback in tuple(self._callbacks):
            try:
                callback(events)
            except Exception:
                log.exception("event subscriber %r failed on events %d..%d", callback, events[0].seq, events[-1].seq)
