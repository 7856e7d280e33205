"""A byte-exact HTTP/1.1 client for hostile requests.

httpx and http.client normalise what we want to send as is: dot segments in paths,
duplicate headers, a body on a GET, a missing Content-Type, a Content-Length that lies.
This client writes the request bytes we give it and parses the answer with the standard
library, with one timeout per request, so a server that hangs is reported, not waited on.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field


class Hang(Exception):
    """The server neither answered nor closed within the timeout."""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float = field(compare=False)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def encode_request(
    method: str,
    target: str,
    *,
    host: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes | None = None,
    content_length: bool = True,
) -> bytes:
    """The request as bytes: our headers verbatim, then Content-Length unless told otherwise."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body is not None and content_length:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (body or b"")


def chunked(parts: Iterable[bytes]) -> bytes:
    """A chunked transfer-coding of ``parts``, with the final zero-size chunk."""
    out = bytearray()
    for part in parts:
        if part:
            out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


def read_framed(sock: socket.socket, pending: bytes = b"") -> tuple[bytes, bytes]:
    """One message framed by Content-Length (head, blank line, body) and the bytes read past it; what had
    arrived when the peer closed, if it closed first (b"" when nothing had)."""
    data = pending
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data, b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body[:length], body[length:]


class RawClient:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int, *, timeout: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock: socket.socket | None = None

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        return self._sock

    def send(self, raw: bytes, *, head_only: bool = False) -> Reply:
        """Write ``raw`` and read one response. Retries once on a connection the server had closed."""
        for attempt in (1, 2):
            sock = self._connect()
            started = time.perf_counter()
            try:
                sock.sendall(raw)
                return self._read(sock, started, head_only)
            except (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError) as exc:
                self.close()
                if attempt == 2:
                    raise ConnectionError(f"connection lost: {exc}") from exc
            except TimeoutError as exc:
                self.close()
                raise Hang(f"no answer within {self.timeout} s") from exc
        raise AssertionError("unreachable")

    def _read(self, sock: socket.socket, started: float, head_only: bool) -> Reply:
        response = http.client.HTTPResponse(sock, method="HEAD" if head_only else "GET")
        response.begin()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        if response.will_close:
            self.close()
        return Reply(response.status, headers, body, time.perf_counter() - started)

    def request(
        self,
        method: str,
        target: str,
        *,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes | None = None,
    ) -> Reply:
        raw = encode_request(method, target, host=f"{self.host}:{self.port}", headers=headers, body=body)
        return self.send(raw, head_only=method == "HEAD")
