"""No request leaves cyclic garbage behind.

The mock freezes what survives a young collection (mockserver/state/gcpolicy.py): a cycle frozen
while in use is never freed once it becomes garbage, so every kind of request must be freed by
reference counting alone. Here the collector is off while a round of requests over every service
runs (successes, refusals, runs that book on the ledger, triggers, webhook deliveries), served
as the command serves them (mockserver.testing uses cli.serving_config); then one collection
counts what only it could free.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from mockserver.testing import serve_mock

WORKLOAD = Path(__file__).with_name("cycles_workload.py")


def workload(url: str, token: str, round_: int) -> None:
    done = subprocess.run(
        [sys.executable, str(WORKLOAD), url, token, str(round_)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def collected_by_the_collector_alone() -> Counter[str]:
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_a_round_over_every_service_leaves_nothing_for_the_collector() -> None:
    with serve_mock(clock="real") as mock:
        url, token = mock.url, mock.token
        workload(url, token, 0)  # lazy imports and first-use caches are not per request
        gc.collect()
        gc.disable()
        try:
            for round_ in (1, 2, 3):
                workload(url, token, round_)
            time.sleep(0.3)  # the last run's steps and deliveries settle
            left = collected_by_the_collector_alone()
        finally:
            gc.enable()
    assert not left, f"cyclic garbage after three rounds: {left.most_common(15)}"
