"""A webhook receiver on 127.0.0.1 that the stack phase starts: it keeps every delivery it is sent.

Each config the phase registers gets a path of its own (`/hooks/<name>`), so what one config received is told
apart from another's. A delivery is answered 200 at once: the phase judges what arrived, not how the stack
retries. The OS picks the port; the receiver is stopped (and its thread joined) by `close`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Delivery", "Receiver"]


@dataclass(frozen=True)
class Delivery:
    path: str
    body: Any  # the decoded JSON body, or None when it was not JSON


class Receiver:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with received._lock:
                    received.deliveries.append(Delivery(self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # deliveries are judged, not logged
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    def url(self, name: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/{name}"

    def received(self, name: str) -> list[Any]:
        """The bodies delivered to `url(name)`, oldest first."""
        with self._lock:
            return [d.body for d in self.deliveries if d.path == f"/hooks/{name}"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
