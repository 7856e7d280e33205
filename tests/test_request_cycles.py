"""No request leaves cyclic garbage behind.

The mock freezes what survives a young collection (mockserver/state/gcpolicy.py): a cycle frozen
while in use is never freed once it becomes garbage, so every kind of request must be freed by
reference counting alone. Here the collector is off while a round of requests over every service
runs (successes, refusals, runs that book on the ledger, triggers, webhook deliveries), served
as the command serves them; then one collection counts what only it could free.
"""

from __future__ import annotations

import gc
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from mockserver.app import create_app
from mockserver.cli import serving_config
from mockserver.config import Settings

WORKLOAD = Path(__file__).with_name("cycles_workload.py")


@contextmanager
def served() -> Iterator[tuple[str, str]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(host="127.0.0.1", port=0, issuer=url + "/api/auth", access_log=False)
    server = uvicorn.Server(serving_config(create_app(settings).asgi, "127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the mock did not start"
            time.sleep(0.01)
        reply = httpx.post(url + "/api/auth/oauth/token", data={"grant_type": "client_credentials",
                           "client_id": "cycles", "client_secret": "cycles"})  # fmt: skip
        yield url, reply.json()["access_token"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def workload(url: str, token: str, round_: int) -> None:
    done = subprocess.run([sys.executable, str(WORKLOAD), url, token, str(round_)], capture_output=True, text=True)
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
    with served() as (url, token):
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
