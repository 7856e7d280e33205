"""A webhook endpoint for tests and for people: it records deliveries and checks their signatures.

It verifies as Formance's documentation tells a receiver to (and as the release's own
``security.Verify`` does, ``pkg/security/security.go``): recompute ``v1,`` + base64 of
HMAC-SHA256 over ``<Formance-Webhook-Id>.<Formance-Webhook-Timestamp>.<raw body>`` keyed with
the config's secret string, and compare in constant time with every entry of
``Formance-Webhook-Signature``. A delivery that fails gets 401, as a careful receiver answers,
so the release's retries go on; others get the status ``answer`` queued (200 by default).

Served by uvicorn on its own thread and loop, on 127.0.0.1 and a free port unless told.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mockserver.webhooks.signing import verify

MAX_BODY = 1024 * 1024
START_TIMEOUT = 10.0


@dataclass(frozen=True)
class Delivery:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    verified: bool | None  # None: no secret to check it with
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def webhook_id(self) -> str:
        return self.headers.get("formance-webhook-id", "")

    @property
    def test(self) -> bool:
        return self.headers.get("formance-webhook-test") == "true"

    @property
    def event(self) -> Any:
        """The JSON body: the event envelope (``{"data":"test"}`` for a test call)."""
        return json.loads(self.body)

    @property
    def type(self) -> str:
        event = self.event
        return event.get("type", "") if isinstance(event, dict) else ""


class Receiver:
    def __init__(self, secrets: tuple[str, ...] = (), *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secrets = list(secrets)
        self.host = host
        self.port = port
        self.deliveries: list[Delivery] = []
        self.on_delivery: Callable[[Delivery], None] | None = None
        self._answers: deque[int] = deque()
        self.default_status = 200
        self._changed = threading.Condition()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def answer(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` verified deliveries with ``status`` (then the default)."""
        with self._changed:
            self._answers.extend([status] * times)

    def verified(self) -> list[Delivery]:
        with self._changed:
            return [d for d in self.deliveries if d.verified]

    def wait_for(
        self,
        event_type: str | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Delivery], bool] | None = None,
        verified: bool | None = True,
    ) -> list[Delivery]:
        """The first ``count`` deliveries of ``event_type`` (any type when None) that ``where``
        accepts, waiting up to ``timeout`` seconds for them; AssertionError with what came
        instead. Only verified ones count, unless ``verified`` is False (refused ones) or None."""

        def matching() -> list[Delivery]:
            return [
                d
                for d in self.deliveries
                if (event_type is None or d.type == event_type)
                and (verified is None or d.verified is verified)
                and (where is None or where(d))
            ]

        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f"  {d.type or '?'} {d.webhook_id} verified={d.verified}" for d in self.deliveries]
                    raise AssertionError(
                        f"expected {count} deliver{'y' if count == 1 else 'ies'} of {event_type or 'any type'}"
                        f" within {timeout:g} s, got {len(found)}; received:\n" + ("\n".join(seen) or "  (nothing)")
                    )
                self._changed.wait(left)
            return found[:count]

    # --- serving ---------------------------------------------------------------------------
    def start(self) -> Receiver:
        import uvicorn  # only when a receiver runs

        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(self._app, log_level="warning", access_log=False, lifespan="off", interface="asgi3")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="webhook-receiver", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    @contextlib.contextmanager
    def running(self) -> Iterator[Receiver]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_BODY:
                chunks.append(chunk)
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = b"".join(chunks)
        delivery = Delivery(scope["path"], headers, body, self._verify(headers, body))
        with self._changed:
            self.deliveries.append(delivery)
            status = self._answers.popleft() if delivery.verified is not False and self._answers else None
            self._changed.notify_all()
        if delivery.verified is False:
            status = 401
        if self.on_delivery is not None:
            self.on_delivery(delivery)
        status = status or self.default_status
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok" if status < 300 else b"refused"})

    def _verify(self, headers: dict[str, str], body: bytes) -> bool | None:
        if not self.secrets:
            return None
        try:
            timestamp = int(headers.get("formance-webhook-timestamp", ""))
        except ValueError:
            return False
        signature = headers.get("formance-webhook-signature", "")
        webhook_id = headers.get("formance-webhook-id", "")
        return any(verify(signature, webhook_id, timestamp, secret, body) for secret in self.secrets)
