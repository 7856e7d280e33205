"""Helpers of the webhooks tests: an independent signature check, hostile endpoints, stack writes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from mockserver.testing import OrchestrationMock

# One client for every helper call: a fresh httpx client costs ~70 ms (its TLS context).
HTTP = httpx.Client(timeout=10)


def docs_verify(headers: dict[str, str], body: bytes, secret: str) -> bool:
    """Formance's documented check, written from the docs (docs.formance.com, "Webhooks":
    ``security.Verify(signatures, id, ts, secret, payload)``), not from the mock's code: the signed
    content is ``{webhook_id}.{timestamp}.{body}``, HMAC-SHA256 keyed with the secret as given,
    base64, in a ``v1,<signature>`` entry of the ``formance-webhook-signature`` header."""
    signed = f"{headers['formance-webhook-id']}.{headers['formance-webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest())
    for entry in headers["formance-webhook-signature"].split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False


def transact(mock: OrchestrationMock, amount: int = 100, ledger: str = "default", **extra: Any) -> dict[str, Any]:
    body = {"postings": [{"source": "world", "destination": "users:1", "amount": amount, "asset": "USD/2"}], **extra}
    reply = HTTP.post(
        f"{mock.url}/api/ledger/v2/{ledger}/transactions", json=body, headers={"Authorization": f"Bearer {mock.token}"}
    )
    reply.raise_for_status()
    return reply.json()["data"]


def attempts(mock: OrchestrationMock, **filters: Any) -> list[dict[str, Any]]:
    reply = HTTP.get(mock.url + "/_mock/webhooks/attempts", params=filters)
    reply.raise_for_status()
    return reply.json()["data"]


def wait_until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:g} s: {check}")
        time.sleep(0.02)


@contextmanager
def raw_endpoint(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 whose every connection ``handle`` serves (on its own thread);
    yields its base URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=_serve, args=(handle, conn), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def _serve(handle: Callable[[socket.socket], None], conn: socket.socket) -> None:
    try:
        handle(conn)
    except OSError:
        pass
    finally:
        conn.close()
