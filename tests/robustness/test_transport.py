"""The transport: bodies over the limit get 413 without being read whole; broken framing never hangs."""

from __future__ import annotations

import select
import socket
import time

import pytest

from tests.robustness import servers
from tests.robustness.operations import API
from tests.robustness.rawhttp import Hang, RawClient, chunked, encode_request, read_framed
from tests.support import RunningMock

MIB = 1024 * 1024


def _auth(server: RunningMock) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {servers.token(server.url)}")]


def _connect(server: RunningMock) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def _read_status(sock: socket.socket) -> tuple[int, bytes]:
    """The status and the whole response (head and Content-Length body)."""
    data, _ = read_framed(sock)
    return int(data.split(b" ", 2)[1]), data


@pytest.mark.parametrize("path", [API + "/workflows", "/_mock/fixtures", "/api/auth/oauth/token"])
def test_a_declared_100_mb_body_gets_413_at_once(demo_mock: RunningMock, path: str) -> None:
    headers = [*_auth(demo_mock), ("Content-Type", "application/json"), ("Content-Length", str(100 * MIB))]
    head = encode_request("POST", path, host="mock", headers=headers)
    with _connect(demo_mock) as sock:
        started = time.perf_counter()
        sock.sendall(head + b"{" + b" " * 1023)  # a little of the promised 100 MB, then silence
        status, data = _read_status(sock)
        elapsed = time.perf_counter() - started
    assert status == 413, data[:300]
    assert b"PAYLOAD_TOO_LARGE" in data
    assert elapsed < 2.0, f"413 took {elapsed:.2f} s: the server waited for the body"


@pytest.mark.parametrize("path", [API + "/workflows", "/_mock/events", API + "/triggers"])
def test_a_chunked_upload_over_the_limit_gets_413(demo_mock: RunningMock, path: str) -> None:
    headers = [*_auth(demo_mock), ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]
    head = encode_request("POST", path, host="mock", headers=headers)
    chunk = b" " * 65536
    sent = 0
    with _connect(demo_mock) as sock:
        sock.sendall(head)
        answered = False
        # Up to 100 MiB, a chunk at a time, watching for the answer between chunks.
        while sent < 100 * MIB and not answered:
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            answered = bool(select.select([sock], [], [], 0.002)[0])
        status, data = _read_status(sock)
    assert status == 413, data[:300]
    assert b"PAYLOAD_TOO_LARGE" in data
    # What the kernel buffers on loopback is accepted without the server reading it: a few MiB at most.
    assert sent < 16 * MIB, f"{sent} bytes were taken before the 413: the server kept reading"


def test_the_limit_is_configurable() -> None:
    with servers.serving("--max-body-bytes", "2048", "--auth", "off") as server:
        host, port = server.url.removeprefix("http://").split(":")
        with RawClient(host, int(port)) as client:
            json = [("Content-Type", "application/json")]
            small = client.request("POST", API + "/workflows", headers=json, body=b'{"stages": []}' + b" " * 1500)
            big = client.request("POST", API + "/workflows", headers=json, body=b'{"stages": []}' + b" " * 2100)
            token = client.request("POST", "/api/auth/oauth/token", body=b"grant_type=x&" + b"a" * 3000)
    assert small.status == 201
    assert big.status == 413 and b"PAYLOAD_TOO_LARGE" in big.body
    assert token.status == 413


BROKEN_FRAMING = [
    b"GET /workflows HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /_mock/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
    b"POST /_mock/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /_mock/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"GET /work\x00flows HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /workflows HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n",
    b"GET /workflows HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 200_000 + b"\r\n\r\n",
    b"GET /workflows HTTP/9.9\r\nHost: x\r\n\r\n",
    b"\xff\xfe GARBAGE\r\n\r\n",
    b"GET " + b"/a" * 50_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
]


@pytest.mark.parametrize("raw", BROKEN_FRAMING, ids=range(len(BROKEN_FRAMING)))
def test_broken_framing_never_hangs_nor_fails(demo_mock: RunningMock, raw: bytes) -> None:
    host, port = demo_mock.url.removeprefix("http://").split(":")
    with RawClient(host, int(port), timeout=5) as client:
        try:
            reply = client.send(raw)
        except Hang:
            pytest.fail("no answer within 5 s")
        except ConnectionError:
            return  # closing the connection on unparseable bytes is an answer
    assert reply.status < 500, reply.body[:200]


def test_a_chunked_body_under_the_limit_is_read_like_any_other(demo_mock: RunningMock) -> None:
    host, port = demo_mock.url.removeprefix("http://").split(":")
    headers = [*_auth(demo_mock), ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]
    head = encode_request("POST", API + "/workflows", host="mock", headers=headers)
    with RawClient(host, int(port)) as client:
        reply = client.send(head + chunked([b'{"name": "chunked", ', b'"stages": [{"noop": {}}]}']))
    assert reply.status == 201, reply.body[:200]
