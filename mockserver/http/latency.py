"""Slow answers, for clients that must survive them.

``Latency`` draws each API answer's delay from ``--latency MIN..MAX`` with the run's seed, so a
seeded run waits the same on the same requests. Connections closed without an answer are
``connection.break_connection``'s.
"""

from __future__ import annotations

import asyncio
import logging
import random

_DELIBERATE = "ASGI callable returned without completing response."


class Latency:
    def __init__(self, bounds_ms: tuple[int, int] | None, seed: int | None) -> None:
        self.bounds = bounds_ms  # None: no delay (the gateway does not even await)
        self._draws = random.Random(seed)

    async def wait(self) -> None:
        if self.bounds is None:
            return
        low, high = self.bounds
        await asyncio.sleep((low if low == high else self._draws.uniform(low, high)) / 1000)


class _HideDeliberateDrops(logging.Filter):
    """uvicorn reports an unfinished answer as an error; a fault rule's drop is one on purpose
    (under a server without the request cycle ``connection`` uses, a drop is such an answer)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DELIBERATE


def hide_deliberate_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _HideDeliberateDrops) for f in logger.filters):
        logger.addFilter(_HideDeliberateDrops())
