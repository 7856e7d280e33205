"""A webhook receiver the suite starts on 127.0.0.1: it keeps every request that arrives, raw.

The webhooks implementation under test POSTs its deliveries here, so the suite sees exactly what a
customer's endpoint would see (method, headers, the body's bytes). It judges nothing: the checks of
`checks/webhooks_deliveries.py` do. Each config the suite registers gets a path of its own
(`/hooks/<name>`), so deliveries are told apart by path, not by guessing from the body. The port is the
OS's choice (port 0), never a guessed free one, so runs side by side do not collide.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Delivery", "Receiver"]

# A hostile implementation may send anything; the receiver keeps at most this much of a body.
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Delivery:
    """One request as it arrived: header names lower-cased, the body's raw bytes."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _receive(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.keep(Delivery(self.command, self.path, headers, body, time.monotonic()))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _receive

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (the base class's name)
        pass  # the suite's report says what matters; a request log on stderr would only be noise


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Delivery] = []
        self.arrived = threading.Condition()

    def keep(self, delivery: Delivery) -> None:
        with self.arrived:
            self.received.append(delivery)
            self.arrived.notify_all()


class Receiver:
    """`with Receiver() as r:` serves on `r.url` until the block ends."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, name: str) -> str:
        return f"{self.url}/hooks/{name}"

    def received(self, name: str | None = None) -> list[Delivery]:
        """What arrived so far (at `/hooks/<name>` only, when named), oldest first."""
        with self._server.arrived:
            every = list(self._server.received)
        return every if name is None else [d for d in every if d.path == f"/hooks/{name}"]

    def wait_for(self, name: str, count: int, timeout: float) -> list[Delivery]:
        """Wait until `count` requests reached `/hooks/<name>` (or `timeout` passed); return what arrived."""
        return self._wait(lambda: len(self.received(name)) >= count, timeout) or self.received(name)

    def quiet(self, name: str, seconds: float) -> list[Delivery]:
        """What reaches `/hooks/<name>` within `seconds` (for deliveries that must not come)."""
        self._wait(lambda: bool(self.received(name)), seconds)
        return self.received(name)

    def _wait(self, done: Callable[[], bool], timeout: float) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        with self._server.arrived:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._server.arrived.wait(left)
        return []

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
