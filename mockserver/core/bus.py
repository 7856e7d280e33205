"""The stack's event bus: what one service publishes, the others hear, as on a real stack.

A service publishes the envelope its release puts on the broker (``{"date", "app", "version",
"type", "payload", ...}``); every subscriber is called at once, in subscription order, and
decides itself when to act (orchestration schedules its triggers on its engine, so firing
happens at the next pump, never inside the publisher's write). The last events are kept for
the control API and the inspector.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

Event = dict[str, Any]
Subscriber = Callable[[Event], None]


class EventBus:
    DEFAULT_CAPACITY = 10_000

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._subscribers: list[Subscriber] = []
        self._recent: deque[Event] = deque(maxlen=capacity)
        self._muted = 0

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        if self._muted:
            return
        self._recent.append(event)
        for subscriber in self._subscribers:
            subscriber(event)

    def recent(self, app: str | None = None, type_: str | None = None) -> list[Event]:
        """Published events, oldest first, optionally of one service and type."""
        return [
            e for e in self._recent if (app is None or e.get("app") == app) and (type_ is None or e["type"] == type_)
        ]

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """Publish nothing while it lasts: fixtures declare a state, they do not replay its history
        (a seeded transaction fires no trigger and reaches no webhook)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def clear(self) -> None:
        """Forget the kept events (subscribers stay: they belong to the services, not the state)."""
        self._recent.clear()
