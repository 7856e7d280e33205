"""Delivery never slows the API: slow, dead and hostile endpoints cost one bounded delivery each;
deliveries go to loopback hosts only unless ``--webhook-hosts`` says otherwise; the queue is bounded."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from mockserver.core.clock import make_clock
from mockserver.core.ids import IdSource
from mockserver.testing import OrchestrationMock, serve_mock
from mockserver.webhooks import http1, service
from mockserver.webhooks.hosts import HostPolicy, HostRefused
from mockserver.webhooks.receiver import Receiver
from mockserver.webhooks.service import WebhooksService
from tests.support import LEDGERS
from tests.webhooks.support import HTTP, attempts, raw_endpoint, transact, wait_until

TYPE = "ledger.committed_transactions"


@pytest.fixture(scope="module")
def quick() -> Iterator[OrchestrationMock]:
    """A mock whose deliveries give up after one second (the release waits 30)."""
    with serve_mock(fixtures=[LEDGERS], webhook_timeout=1.0) as mock:
        yield mock


@pytest.fixture
def fresh(quick: OrchestrationMock) -> OrchestrationMock:
    quick.control.reset()
    return quick


def _subscribe(mock: OrchestrationMock, endpoint: str) -> dict:
    reply = HTTP.post(
        mock.url + "/api/webhooks/configs",
        json={"endpoint": endpoint, "eventTypes": [TYPE]},
        headers={"Authorization": f"Bearer {mock.token}"},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def _silent(conn: socket.socket) -> None:
    conn.recv(65536)
    time.sleep(3)


def _flood(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n")
    chunk = b"x" * 65536
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        conn.sendall(chunk)  # until the mock hangs up


def _drip(conn: socket.socket) -> None:
    conn.recv(65536)
    for byte in b"HTTP/1.1 200 OK\r\n\r\n":
        conn.sendall(bytes([byte]))
        time.sleep(0.3)


def _endless_headers(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        conn.sendall(b"X-Noise: " + b"n" * 1000 + b"\r\n")


def _not_http(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")


def _redirect(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://example.com/\r\nContent-Length: 0\r\n\r\n")


def test_an_endpoint_that_never_answers_costs_only_its_delivery(fresh: OrchestrationMock) -> None:
    with raw_endpoint(_silent) as url, Receiver().running() as good:
        _subscribe(fresh, url)
        _subscribe(fresh, good.url)
        transact(fresh)
        good.wait_for(timeout=1.0, verified=None)  # another config's lane is not held up
        started = time.monotonic()
        for _ in range(5):
            HTTP.get(fresh.url + "/api/orchestration/_info").raise_for_status()
        assert time.monotonic() - started < 0.5  # the API is not slowed down
        hung = wait_until(lambda: [a for a in attempts(fresh) if a["statusCode"] == 0], timeout=4)[0]
        assert hung["status"] == "to retry" and hung["error"] == "Client.Timeout exceeded (1 s)"
        assert 900 <= hung["durationMs"] < 2000


@pytest.mark.parametrize(
    ("handle", "status", "error"),
    [
        (_flood, 200, None),
        (_drip, 0, "Client.Timeout exceeded"),
        (_endless_headers, 0, "response headers exceed 65536 bytes"),
        (_not_http, 0, "malformed HTTP response"),
        (_redirect, 302, None),
    ],
    ids=["gigabytes", "drip", "endless-headers", "not-http", "redirect-not-followed"],
)
def test_hostile_endpoints_get_a_bounded_attempt(
    fresh: OrchestrationMock, handle: object, status: int, error: str | None
) -> None:
    with raw_endpoint(handle) as url:  # type: ignore[arg-type]
        _subscribe(fresh, url)
        transact(fresh)
        (attempt,) = wait_until(lambda: attempts(fresh), timeout=4)
    assert attempt["statusCode"] == status
    assert attempt["status"] == ("success" if status == 200 else "to retry")
    if error:
        assert error in attempt["error"]
    else:
        assert "error" not in attempt
    assert len(attempt.get("response", "")) <= 1024
    assert attempt["durationMs"] < 1500


def test_only_loopback_hosts_unless_allowed(mock: OrchestrationMock) -> None:
    headers = {"Authorization": f"Bearer {mock.token}"}
    for endpoint, status in [
        ("http://example.com/h", 400),
        ("https://10.0.0.1/h", 400),
        ("http://0.0.0.0:80/h", 400),
        ("http://127.0.0.2:80/h", 200),
        ("http://[::1]:80/h", 200),
        ("http://LOCALHOST/h", 200),
        ("http://api.localhost/h", 200),
        ("ftp://example.com/x", 200),  # never delivered (no HTTP): the release accepts it, so does the mock
    ]:
        reply = HTTP.post(
            mock.url + "/api/webhooks/configs", json={"endpoint": endpoint, "eventTypes": ["a"]}, headers=headers
        )
        assert reply.status_code == status, endpoint
    with serve_mock(webhook_hosts=("*.example", "10.0.0.0/8")) as wide:
        headers = {"Authorization": f"Bearer {wide.token}"}
        for endpoint, status in [("http://hooks.example/h", 200), ("http://10.1.2.3/h", 200), ("http://x.org/", 400)]:
            reply = HTTP.post(
                wide.url + "/api/webhooks/configs", json={"endpoint": endpoint, "eventTypes": ["a"]}, headers=headers
            )
            assert reply.status_code == status, endpoint


def test_a_loopback_name_must_resolve_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    async def resolved(*_args: object, **_kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))]

    async def check() -> None:
        monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolved)
        with pytest.raises(HostRefused, match="non-loopback"):
            await HostPolicy().addresses("localhost", 80)
        assert await HostPolicy(("localhost",)).addresses("localhost", 80) == ["93.184.216.34"]  # allowed by name
        with pytest.raises(HostRefused, match="not allowed"):
            await HostPolicy().addresses("example.com", 80)

    asyncio.run(check())


def test_header_values_cannot_smuggle_headers() -> None:
    async def post() -> http1.Response:
        headers = [("User-Agent", "x"), ("Formance-Webhook-Idempotency-Key", "k\r\nX-Evil: 1")]
        return await http1.post("http://127.0.0.1:9/", headers, b"{}", timeout=1, hosts=HostPolicy())

    response = asyncio.run(post())
    assert response.status == 0 and "invalid header field value" in (response.error or "")


def test_the_delivery_queue_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "MAX_PENDING", 2)
    clock = make_clock("manual")
    hooks = WebhooksService(clock=clock, ids=IdSource(1), seed=1)
    hooks.configs.create("http://127.0.0.1:9/", "", ["foo"])
    for n in range(3):
        hooks.hear({"type": "foo", "payload": {"n": n}, "date": datetime(2025, 1, 1, tzinfo=UTC).isoformat()})
    refused = hooks.schedule.query(status="failed")
    assert len(hooks.schedule) == 2 and len(refused) == 1
    assert refused[0]["error"] == "the mock's delivery queue is full (2 pending)"
