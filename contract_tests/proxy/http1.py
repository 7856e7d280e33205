"""A lean HTTP/1.1 client for the proxy's one upstream: keep-alive connections on the running event loop,
answers parsed by httptools (the C parser uvicorn already serves with).

Why not httpx: its per-request machinery (anyio locks and cancel scopes, sniffio lookups, a scan of the
pool for every request) cost the proxy more CPU than every check it runs on the exchange, and at 32
concurrent clients that CPU is the latency the proxy adds. Here a request is bytes written on an idle
connection and an answer is what the parser hands back.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

import httptools

__all__ = ["Answer", "Broken", "Garbled", "Pool"]

IDLE_KEPT = 64  # idle connections kept open; 32 concurrent clients need 32


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]  # as received, in order
    body: bytes  # chunked framing removed, content encoding kept


class Broken(Exception):
    """The connection ended before a whole answer came back."""

    def __init__(self, message: str, *, answered_nothing: bool) -> None:
        super().__init__(message)
        self.answered_nothing = answered_nothing


class Garbled(Exception):
    """The upstream sent bytes that are not an HTTP/1.x answer."""


class _Connection(asyncio.Protocol):
    """One connection, one exchange at a time; the parser's callbacks fill in the answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reusable = True
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Answer] | None = None
        self._head = False
        self._received = False
        self._reset()

    def _reset(self) -> None:
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._status = 0
        self._headers_done = False
        self._framed = False  # Content-Length or chunked; otherwise the body ends when the connection does

    async def exchange(self, request: bytes, *, head: bool) -> Answer:
        assert self.transport is not None and self._waiter is None
        self._waiter = asyncio.get_running_loop().create_future()
        self._head, self._received = head, False
        self._reset()
        self.transport.write(request)
        try:
            return await self._waiter
        finally:
            self._waiter = None

    def close(self) -> None:
        self.reusable = False
        if self.transport is not None:
            self.transport.close()

    def _finish(self, outcome: Answer | Exception) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if isinstance(outcome, Exception):
            self.close()
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)

    def _answer(self) -> Answer:
        return Answer(self._status, self._headers, b"".join(self._body))

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports do not subclass asyncio's

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # bytes nobody asked for: the connection's framing cannot be trusted any more
            return
        self._received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._finish(Garbled("the upstream switched protocols, which the proxy does not forward"))
        except httptools.HttpParserError as exc:
            self._finish(Garbled(f"the upstream answered something that is not HTTP/1.x: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        if self._headers_done and not self._framed and not self._head:
            self._finish(self._answer())  # a body delimited by the end of the connection
        else:
            reason = f"the upstream closed the connection mid-answer{f': {exc}' if exc else ''}"
            self._finish(Broken(reason, answered_nothing=not self._received))

    # httptools callbacks
    def on_message_begin(self) -> None:
        if self._waiter is None or self._waiter.done():
            self.reusable = False  # a second answer to one request
        self._reset()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self._framed = True

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        self._headers_done = True
        if self._head and self._status >= 200:
            # A HEAD answer has no body whatever its Content-Length says, and httptools cannot be told so:
            # the answer is complete now, and the connection is not reused past a parser left waiting.
            self.reusable = False
            self._finish(self._answer())

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if 100 <= self._status < 200:
            self._reset()  # an interim answer (100 Continue): the final one follows on the same connection
            return
        if not self._parser.should_keep_alive():
            self.reusable = False
        self._finish(self._answer())


class Pool:
    """Keep-alive connections to one origin, the most recently used first."""

    def __init__(self, host: str, port: int, *, tls: bool) -> None:
        self.host, self.port = host, port
        self._ssl = ssl.create_default_context() if tls else None
        self._idle: list[_Connection] = []

    async def exchange(self, request: bytes, *, head: bool = False) -> Answer:
        """Send one whole request, return the whole answer. A kept-alive connection the upstream closed
        while idle fails before any answer byte: that request is sent once more, on a new connection."""
        while True:  # ends: stale idle connections run out, and a new one is never retried
            connection, reused = await self._acquire()
            try:
                answer = await connection.exchange(request, head=head)
            except Broken as exc:
                if reused and exc.answered_nothing:
                    # The upstream closed a kept-alive connection just as the request went out (its idle
                    # timeout): it read nothing, so sending again is safe, whatever the method (as Go's
                    # net/http does).
                    continue
                raise
            except BaseException:  # a timeout or a cancellation mid-exchange: the connection's state is unknown
                connection.close()
                raise
            self._release(connection)
            return answer

    async def _acquire(self) -> tuple[_Connection, bool]:
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable and connection.transport is not None and not connection.transport.is_closing():
                return connection, True
        loop = asyncio.get_running_loop()
        server_hostname = self.host if self._ssl is not None else None
        _, connection = await loop.create_connection(
            _Connection, self.host, self.port, ssl=self._ssl, server_hostname=server_hostname
        )
        return connection, False

    def _release(self, connection: _Connection) -> None:
        if connection.reusable and len(self._idle) < IDLE_KEPT:
            self._idle.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()
