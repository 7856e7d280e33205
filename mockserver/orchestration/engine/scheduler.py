"""A deterministic timer queue driven by the injected clock.

Nothing in the engine sleeps. Work that must happen later (a delay ending, an activity
retry) or "as soon as possible" (the first stage of a new instance) is pushed here with
its due time; ``run_due`` runs every entry whose time has come, in (due, insertion)
order, including entries that the callbacks themselves push for the same instant.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(order=True, slots=True)
class _Entry:
    due: datetime
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Timer:
    """A handle on one scheduled callback; cancelling it makes the queue skip it."""

    __slots__ = ("_entry",)

    def __init__(self, entry: _Entry) -> None:
        self._entry = entry

    @property
    def due(self) -> datetime:
        return self._entry.due

    def cancel(self) -> None:
        self._entry.cancelled = True


class Scheduler:
    """Callbacks ordered by due time, then by insertion."""

    # A callback that keeps rescheduling itself at the same instant would spin forever;
    # no engine rule does that, so hitting this bound means a bug, not a busy mock.
    MAX_STEPS_PER_RUN = 1_000_000

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = itertools.count()

    def schedule(self, due: datetime, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` once ``due`` is reached; the handle can cancel it."""
        entry = _Entry(due, next(self._seq), callback)
        heapq.heappush(self._heap, entry)
        return Timer(entry)

    def run_due(self, now: datetime) -> int:
        """Run every callback due at or before ``now``; returns how many ran."""
        ran = 0
        while self._heap and self._heap[0].due <= now:
            entry = heapq.heappop(self._heap)
            if entry.cancelled:
                continue
            entry.callback()
            ran += 1
            if ran > self.MAX_STEPS_PER_RUN:
                raise RuntimeError("scheduler: too many immediate steps in one run")
        return ran

    def next_due(self) -> datetime | None:
        """The earliest due time still pending, or None."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def clear(self) -> None:
        self._heap.clear()
