"""Injected time: nothing in the mock calls ``datetime.now()`` directly.

Two clocks share one interface. ``SystemClock`` is wall time plus an offset that
``advance`` moves forward, so delays and retries can be skipped in a demo.
``ManualClock`` starts at a fixed instant and moves only through ``advance``,
which makes a seeded run reproducible byte for byte.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

MANUAL_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> datetime: ...

    def reset(self) -> None: ...


class SystemClock:
    """Wall-clock time shifted by an offset that only grows."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta()


class ManualClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime = MANUAL_EPOCH) -> None:
        self._start = start
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def reset(self) -> None:
        with self._lock:
            self._now = self._start


def make_clock(kind: str) -> Clock:
    """Build the clock named on the command line (``real`` or ``manual``)."""
    if kind == "manual":
        return ManualClock()
    if kind == "real":
        return SystemClock()
    raise ValueError(f"unknown clock {kind!r}: expected 'real' or 'manual'")
