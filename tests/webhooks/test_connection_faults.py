"""The inbound connection faults at the socket level: exactly which bytes a client gets.

``drop`` and ``empty`` send nothing at all (no status line), ``reset`` aborts with a TCP RST,
``garbage`` sends random bytes that are not HTTP, then closes; under uvicorn's httptools and h11
protocols alike (``mockserver/http/connection.py``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import uvicorn

from mockserver.app import create_app
from mockserver.testing import OrchestrationMock
from tests.support import free_port
from tests.webhooks.support import HTTP

INFO = b"GET /api/orchestration/_info HTTP/1.1\r\nHost: mock\r\n\r\n"
BIG = 300 * 1024  # more than uvicorn buffers before it stops reading


@pytest.fixture(scope="module")
def h11_server(_orchestration_mock_server: OrchestrationMock) -> Iterator[str]:
    """The same app served by uvicorn's h11 protocol on the asyncio loop."""
    port = free_port()
    settings = replace(_orchestration_mock_server.settings, port=port, fixtures=())
    config = uvicorn.Config(
        create_app(settings).asgi, host="127.0.0.1", port=port, http="h11", loop="asyncio", log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(params=["httptools", "h11"])
def server(request: pytest.FixtureRequest, mock: OrchestrationMock) -> str:
    if request.param == "h11":
        url: str = request.getfixturevalue("h11_server")
        HTTP.delete(url + "/_mock/faults")
        return url
    return mock.url


def _rule(url: str, **rule: object) -> None:
    reply = HTTP.post(url + "/_mock/faults", json=rule)
    assert reply.status_code == 201, reply.text


def _exchange(url: str, request: bytes) -> tuple[bytes, str]:
    """Send ``request`` on a fresh connection; everything that comes back, and how it ended."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        received = b""
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            return received, "reset"
        except BrokenPipeError:
            return received, "reset"
        return received, "eof"


def _post(size: int) -> bytes:
    """A large POST to a path that needs no token (the rule fires before any routing)."""
    head = f"POST /api/orchestration/_info HTTP/1.1\r\nHost: mock\r\nContent-Length: {size}\r\n\r\n"
    return head.encode() + b" " * size


def test_drop_closes_without_a_single_byte(server: str) -> None:
    _rule(server, operationId="getServerInfo", drop=True, times=1)
    assert _exchange(server, INFO) == (b"", "eof")
    served = _exchange(server, INFO.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert served[0].startswith(b"HTTP/1.1 200 ")  # the next connection is served


def test_drop_before_a_large_body_is_read_sends_nothing(server: str) -> None:
    _rule(server, method="POST", path="/_info$", drop=True)
    received, _ = _exchange(server, _post(BIG))  # FIN, or RST for the bytes never read
    assert received == b""


def test_empty_reads_the_request_then_closes_cleanly(server: str) -> None:
    _rule(server, method="POST", path="/_info$", empty=True)
    assert _exchange(server, _post(BIG)) == (b"", "eof")


def test_reset_aborts_with_a_tcp_rst(server: str) -> None:
    _rule(server, operationId="getServerInfo", reset=True)
    assert _exchange(server, INFO) == (b"", "reset")


def test_garbage_is_random_bytes_then_the_end(server: str) -> None:
    _rule(server, operationId="getServerInfo", garbage=True)
    received, ending = _exchange(server, INFO)
    assert ending == "eof" and 64 <= len(received) <= 1024
    assert not received.startswith(b"HTTP/")


def test_the_journal_names_each_fault(mock: OrchestrationMock) -> None:
    for kind in ("drop", "empty", "reset", "garbage"):
        HTTP.delete(mock.url + "/_mock/faults")
        _rule(mock.url, operationId="getServerInfo", **{kind: True})
        _exchange(mock.url, INFO)
    found = [(e["status"], e.get("dropped"), e.get("connection")) for e in mock.control.requests()]
    assert found[-4:] == [(0, True, "drop"), (0, True, "empty"), (0, True, "reset"), (0, True, "garbage")]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"drop": True, "reset": True}, "one way only"),
        ({"garbage": True, "status": 500}, "not both"),
        ({"empty": "yes"}, "boolean"),
        ({}, "at least one of status, delayMs or drop"),
    ],
)
def test_bad_connection_rules_are_400(mock: OrchestrationMock, rule: dict, message: str) -> None:
    reply = HTTP.post(mock.url + "/_mock/faults", json=rule)
    assert reply.status_code == 400 and message in reply.json()["errorMessage"]
