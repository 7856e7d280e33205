"""The validating proxy as a proxy: requests reach the upstream byte for byte, answers come back as sent,
connections are kept alive and a stale one is retried, and whatever the upstream does wrong is a 502 in
the Error shape, never a 500 or a dropped connection. The upstream is a scripted raw HTTP/1.1 server on
127.0.0.1, so each answer is exactly the bytes a test names."""

from __future__ import annotations

import gzip
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from contract_tests.proxy.core import ProxyApp
from contract_tests.proxy.settings import ProxySettings
from tests.robustness.rawhttp import RawClient, chunked, read_framed
from tests.support import serving_in_thread

TIMEOUT = 0.5  # the proxy's upstream timeout in these tests


@dataclass(frozen=True)
class Script:
    """What the upstream does with the nth request of a connection: answer `raw` (None: close without a
    word), after `delay` seconds, then close when `close` says so."""

    raw: bytes | None
    close: bool = False
    delay: float = 0.0


GZIPPED = gzip.compress(b'{"data": "compressed on the way"}')
SCRIPTS: dict[str, Callable[[int], Script]] = {
    "/t/plain": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nplain"),
    "/t/gzip": lambda n: Script(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nX-Order: 1\r\n"
        b"Content-Length: %d\r\nX-Order: 2\r\n\r\n" % len(GZIPPED) + GZIPPED
    ),
    "/t/chunked": lambda n: Script(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked([b"hello", b" world"])
    ),
    "/t/until-close": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close=True),
    "/t/continue": lambda n: Script(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    ),
    "/t/head": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"),
    "/t/no-content": lambda n: Script(b"HTTP/1.1 204 No Content\r\n\r\n"),
    # Answers the first request of a connection; the next one is dropped unread, as an idle timeout does.
    "/t/stale": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh" if n == 0 else None),
    "/t/garbage": lambda n: Script(b"SSH-2.0-OpenSSH_9.6\r\n\r\n", close=True),
    "/t/cut": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", close=True),
    "/t/slow": lambda n: Script(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate", delay=TIMEOUT * 4),
    "/t/bad-header": lambda n: Script(b"HTTP/1.1 200 OK\r\nX-Bell: ring\x07ring\r\nContent-Length: 0\r\n\r\n"),
    "/t/status-999": lambda n: Script(b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n"),
}


class ScriptedUpstream:
    """A raw HTTP/1.1 server: records every request as bytes, with the connection it came on."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.origin = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.seen: list[tuple[int, bytes]] = []  # (connection number, request bytes)
        self._connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def requests_to(self, path: str) -> list[tuple[int, bytes]]:
        return [(c, raw) for c, raw in self.seen if raw.split(b" ", 2)[1].split(b"?")[0] == path.encode()]

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._connections += 1
            threading.Thread(target=self._serve, args=(conn, self._connections), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with conn:
            pending, nth = b"", 0
            while True:
                message, pending = read_framed(conn, pending)
                if b"\r\n\r\n" not in message:
                    return
                self.seen.append((number, message))
                head = message.partition(b"\r\n\r\n")[0]
                path = head.split(b" ", 2)[1].split(b"?")[0].decode("latin-1")
                script = next(run for key, run in SCRIPTS.items() if path == key or path.startswith(key + "/"))(nth)
                nth += 1
                time.sleep(script.delay)
                if script.raw is None:
                    return
                try:
                    conn.sendall(script.raw)
                except OSError:  # the proxy gave up waiting (the slow script)
                    return
                if script.close:
                    return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def upstream() -> Iterator[ScriptedUpstream]:
    server = ScriptedUpstream()
    yield server
    server.close()


@contextmanager
def proxying(upstream: ScriptedUpstream) -> Iterator[tuple[str, io.StringIO]]:
    """The proxy served from this process in front of `upstream`: its origin and what it printed."""
    printed = io.StringIO()
    app = ProxyApp(ProxySettings(upstream=upstream.origin, upstream_timeout=TIMEOUT), stream=printed)
    with serving_in_thread(app) as url:
        yield url, printed


@pytest.fixture(scope="module")
def proxy(upstream: ScriptedUpstream) -> Iterator[tuple[str, io.StringIO]]:
    with proxying(upstream) as running:
        yield running


def raw_client(proxy: tuple[str, io.StringIO]) -> RawClient:
    host, port = proxy[0].removeprefix("http://").split(":")
    return RawClient(host, int(port), timeout=10)


def test_the_request_reaches_the_upstream_byte_for_byte_minus_hop_by_hop_headers(
    upstream: ScriptedUpstream, proxy: tuple[str, io.StringIO]
) -> None:
    target = b"/t/plain/%zz/../caf%C3%A9/a%2Fb?q=%ff&q=2"
    request = (
        b"POST " + target + b" HTTP/1.1\r\nHost: the-proxy\r\nX-First: 1\r\nConnection: keep-alive, X-Hop\r\n"
        b"X-Hop: dropped\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nTransfer-Encoding: chunked\r\n"
        b"X-Last: two  words\r\n\r\n" + chunked([b"hello", b" world"])
    )
    with raw_client(proxy) as client:
        assert client.send(request).status == 200
    host = upstream.origin.removeprefix("http://").encode()
    sent = upstream.seen[-1][1]
    # Names come lowercased (the proxy's server reads them so; HTTP names are case-insensitive); the
    # order, the values and the target are the client's; the chunked body is re-framed by length.
    assert sent == (
        b"POST " + target + b" HTTP/1.1\r\nhost: " + host + b"\r\nx-first: 1\r\nx-last: two  words\r\n"
        b"content-length: 11\r\n\r\nhello world"
    )


def test_the_answer_comes_back_as_sent_compressed_and_with_repeated_headers(proxy: tuple[str, io.StringIO]) -> None:
    reply = httpx.get(proxy[0] + "/t/gzip", headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers.get_list("x-order") == ["1", "2"]
    assert reply.headers["content-encoding"] == "gzip" and reply.headers["content-length"] == str(len(GZIPPED))
    assert reply.json() == {"data": "compressed on the way"}  # httpx inflated what the proxy passed on as is
    assert reply.headers["x-contract-violations"] == "0"


@pytest.mark.parametrize(
    ("path", "method", "status", "body"),
    [
        ("/t/chunked", "GET", 200, b"hello world"),
        ("/t/until-close", "GET", 200, b"until the end"),
        ("/t/continue", "POST", 201, b"ok"),
        ("/t/no-content", "DELETE", 204, b""),
    ],
)
def test_every_framing_of_the_answer_arrives_whole(
    proxy: tuple[str, io.StringIO], path: str, method: str, status: int, body: bytes
) -> None:
    reply = httpx.request(method, proxy[0] + path, content=b"{}" if method == "POST" else None)
    assert (reply.status_code, reply.content) == (status, body)
    assert "transfer-encoding" not in reply.headers
    if status != 204:
        assert reply.headers["content-length"] == str(len(body))


def test_a_head_answer_keeps_its_length_and_has_no_body(proxy: tuple[str, io.StringIO]) -> None:
    with raw_client(proxy) as client:
        request = b"HEAD /t/head HTTP/1.1\r\nHost: p\r\n\r\n"
        reply = client.send(request, head_only=True)
        assert (reply.status, reply.header("content-length"), reply.body) == (200, "42", b"")
        assert client.send(b"GET /t/plain HTTP/1.1\r\nHost: p\r\n\r\n").body == b"plain"  # the connection is fine


def test_connections_are_kept_alive(upstream: ScriptedUpstream, proxy: tuple[str, io.StringIO]) -> None:
    before = len(upstream.requests_to("/t/plain"))
    with httpx.Client() as client:
        for _ in range(20):
            assert client.get(proxy[0] + "/t/plain").text == "plain"
    connections = {number for number, _ in upstream.requests_to("/t/plain")[before:]}
    assert len(connections) == 1


def test_a_connection_the_upstream_dropped_while_idle_is_retried_on_a_new_one(upstream: ScriptedUpstream) -> None:
    with proxying(upstream) as (url, _):  # a pool of its own: the first request opens the first connection
        for _ in range(3):
            reply = httpx.post(url + "/t/stale", content=b"{}")
            assert (reply.status_code, reply.text) == (200, "fresh")
    seen = upstream.requests_to("/t/stale")
    connections = {number for number, _ in seen}
    # Every request after the first went out on the kept connection, was dropped unread, then went out once
    # more on a new connection; no client saw the drop.
    assert len(seen) == 5 and len(connections) == 3


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/t/garbage", "not HTTP"),
        ("/t/cut", "closed the connection"),
        ("/t/slow", f"no answer within {TIMEOUT:g} s"),
        ("/t/bad-header", "not HTTP"),
        ("/t/status-999", "999"),
    ],
)
def test_an_upstream_that_misbehaves_gets_a_502_in_the_error_shape(
    proxy: tuple[str, io.StringIO], path: str, said: str
) -> None:
    url, printed = proxy
    printed_before = len(printed.getvalue())
    began = time.monotonic()
    reply = httpx.get(url + path, timeout=10)
    assert reply.status_code == 502
    assert reply.json()["errorCode"] == "INTERNAL" and said in reply.json()["errorMessage"]
    assert time.monotonic() - began < TIMEOUT * 3
    assert said in printed.getvalue()[printed_before:]  # the operator is told as well
    assert httpx.get(url + "/t/plain").text == "plain"  # and the proxy goes on
