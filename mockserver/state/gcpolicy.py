"""Garbage collection tuned for a store that only grows.

CPython's full collection walks every tracked object, and the mock keeps every workflow,
instance and history (about 40 tracked objects per workflow and run). Under write load full
collections came every second or so and each stopped the server for as long as the heap was
big: POST /workflows had a p99 of 100 ms, 16 ms with the collector off, and with 100k
resources one full collection takes over a second.

The state the mock keeps is freed by reference counting, so whatever survives a young
collection is frozen: later collections only walk what is new. That is the first
generation's collection already: letting survivors age into the second one first made the
collector walk each of them twice, and a write of the ledger leaves about 35 (its
transaction, moves, log, event and journal entry), so under write load the collector took
about 10 % of the CPU and every tenth young collection paused the server for 5 ms. A reset
(Backend.clear) is the one moment a whole object graph with cycles (the engine's) becomes
garbage; it thaws the heap and lets the next full collection run over everything before
freezing resumes.

The flaw of freezing: a cycle still in use when frozen (a request in flight, a run between
two steps) is never freed once it becomes garbage. Every request once left one (uvicorn's
request cycle, kept in its own scope by the fault hooks: 330 bytes a request, never freed),
so requests are kept free of cycles: tests/test_request_cycles.py drives every service with
the collector off and fails on anything only the collector could free. For whatever a
library may still leave, the heap is also thawed each time the frozen count has doubled
since the last full walk (CPython itself runs a full collection only once the heap grew by
a quarter): leaked cycles stay bounded by the live heap, and the walks cost O(1) per object
over time.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

_lock = threading.Lock()
_users = 0  # mocks running in this process (mockserver.testing can start several in threads)
_thawed = False
_walked = 0  # the frozen count right after the last full walk of the heap
_young = 0  # young collections since the frozen heap was last counted


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    global _thawed, _walked, _young
    if phase != "stop":
        return
    if _thawed:
        if info["generation"] < 2:
            return
        _thawed = False
        gc.freeze()
        _walked = gc.get_freeze_count()
        return
    gc.freeze()
    # Counting the frozen heap walks all of it: only once enough young collections ran that it may
    # have doubled (each freezes at most a threshold's worth of objects).
    _young += 1
    if _young * gc.get_threshold()[0] < _walked:
        return
    _young = 0
    if gc.get_freeze_count() > 2 * _walked:
        _thawed = True
        gc.unfreeze()


def install() -> None:
    """Freeze what the start-up built and keep freezing survivors, until the last uninstall."""
    global _users, _thawed, _walked
    with _lock:
        _users += 1
        if _users == 1:
            _thawed = False
            gc.callbacks.append(_freeze_survivors)
        if _thawed:  # another mock's heap awaits its full walk: do it now, not freeze its garbage
            gc.collect()
        gc.freeze()
        _walked = gc.get_freeze_count()


def uninstall() -> None:
    global _users, _thawed
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users == 0:
            gc.callbacks.remove(_freeze_survivors)
            _thawed = False
            gc.unfreeze()


def thaw() -> None:
    """After dropping state that may hold cycles: the next full collection sees the whole heap."""
    global _thawed
    with _lock:
        if _users:
            _thawed = True
            gc.unfreeze()
