"""A relay between the mock's webhook deliveries and the suite's receiver, to break deliveries on purpose.

A fault rewrites each config's endpoint to `<relay>/relay/<the endpoint, percent-encoded>` on the way in and
back on the way out (so the suite never sees the relay in an answer); the relay forwards every delivery to
the real endpoint after `alter` has changed its headers or body. The relay is started once, on a port the OS
chooses.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

import httpx

__all__ = ["Relay"]

Alter = Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]]


class Relay:
    def __init__(self) -> None:
        self.alter: Alter = lambda headers, body: (headers, body)
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                headers, body = relay.alter(headers, body)
                target = unquote(self.path.removeprefix("/relay/"))
                try:
                    status = httpx.post(target, headers=headers, content=body, timeout=10).status_code
                except httpx.HTTPError:
                    status = 502
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.prefix = f"http://127.0.0.1:{self._server.server_address[1]}/relay/"
        self._relayed = re.compile(re.escape(self.prefix) + r'([^"\s]*)')

    def wrap(self, endpoint: str) -> str:
        return self.prefix + quote(endpoint, safe="")

    def unwrap_text(self, text: str) -> str:
        """Every relayed endpoint in a JSON text back to the endpoint it stands for."""
        return self._relayed.sub(lambda m: unquote(m.group(1)), text)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
