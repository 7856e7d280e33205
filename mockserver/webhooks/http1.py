"""One webhook POST over a raw asyncio connection, bounded in time and in what it reads.

Raw streams rather than an HTTP client: the mock must decide exactly what it sends (the
release's headers in Go's order: ``Host``, ``User-Agent``, ``Content-Length``, the rest sorted,
then ``Accept-Encoding: gzip``, as ``net/http`` writes them) and exactly how much it reads. It
reads the status line and the headers (at most ``HEAD_LIMIT`` bytes) and at most
``PREVIEW_BYTES`` of the body, then closes: a receiver that never answers, answers slowly or
answers gigabytes costs one connection for at most ``timeout`` seconds (the release's client
timeout is 30 s: ``pkg/otlp/module.go:13-24``). Status 0 means no answer, as in the release.

Departures from Go's client, on purpose: redirects are not followed (the release follows up to
10; following them would let a receiver send the mock to any host), and a body the receiver
does not finish sending within the timeout is reported (``body_failed``) instead of read whole.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from dataclasses import dataclass

from mockserver.webhooks import gourl
from mockserver.webhooks.hosts import HostPolicy, HostRefused

HEAD_LIMIT = 64 * 1024
LINE_LIMIT = 16 * 1024
PREVIEW_BYTES = 1024
PREVIEW_WAIT = 2.0  # seconds the body's first bytes may take once the head has come
MAX_INFORMATIONAL = 5


@dataclass(slots=True)
class Response:
    status: int  # 0: no answer (a transport error, a timeout, a refused host)
    error: str | None = None
    preview: bytes = b""
    body_failed: bool = False
    duration_ms: float = 0.0


def request_bytes(url: gourl.URL, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The request as Go's client writes it (``net/http/request.go``, ``Request.write``)."""
    host = url.host.removesuffix(":")
    lines = [f"POST {url.request_uri()} HTTP/1.1", f"Host: {host}"]
    named = dict(headers)
    lines.append(f"User-Agent: {named.pop('User-Agent')}")
    lines.append(f"Content-Length: {len(body)}")
    if url.user is not None:  # Go sends URL credentials as basic auth
        name, password = url.user
        token = base64.b64encode(f"{name}:{password or ''}".encode()).decode()
        named["Authorization"] = f"Basic {token}"
    lines += [f"{name}: {value}" for name, value in sorted(named.items())]
    lines.append("Accept-Encoding: gzip")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def post(
    endpoint: str, headers: list[tuple[str, str]], body: bytes, *, timeout: float, hosts: HostPolicy
) -> Response:
    started = time.perf_counter()
    response = await _post(endpoint, headers, body, timeout, hosts)
    response.duration_ms = (time.perf_counter() - started) * 1000
    return response


async def _post(
    endpoint: str, headers: list[tuple[str, str]], body: bytes, timeout: float, hosts: HostPolicy
) -> Response:
    try:
        url = gourl.parse(endpoint)
    except gourl.URLError as exc:
        return Response(0, f"parse {endpoint!r}: {exc}")
    if url.scheme not in ("http", "https"):
        return Response(0, f'unsupported protocol scheme "{url.scheme}"')
    if not url.hostname:
        return Response(0, "http: no Host in request URL")
    for name, value in headers:
        if any(c in value for c in "\r\n\x00"):
            return Response(0, f'net/http: invalid header field value for "{name}"')
    try:
        port = int(url.port or (443 if url.scheme == "https" else 80))
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        return Response(0, f"dial tcp: address {url.host}: invalid port")
    try:
        async with asyncio.timeout(timeout):
            return await _exchange(url, port, request_bytes(url, headers, body), hosts)
    except TimeoutError:
        return Response(0, f"Client.Timeout exceeded ({timeout:g} s)")
    except HostRefused as exc:
        return Response(0, str(exc))
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
        return Response(0, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


async def _exchange(url: gourl.URL, port: int, request: bytes, hosts: HostPolicy) -> Response:
    context = ssl.create_default_context() if url.scheme == "https" else None
    last: OSError | None = None
    for address in await hosts.addresses(url.hostname, port):
        try:
            reader, writer = await asyncio.open_connection(
                address, port, ssl=context, server_hostname=url.hostname if context else None, limit=LINE_LIMIT
            )
        except OSError as exc:
            last = exc
            continue
        try:
            writer.write(request)
            await writer.drain()
            return await _read_response(reader)
        finally:
            writer.transport.abort()  # nothing more is read: unread bytes are the receiver's loss
    raise last or OSError("no address to connect to")


async def _read_response(reader: asyncio.StreamReader) -> Response:
    for _ in range(MAX_INFORMATIONAL + 1):
        status, headers = await _read_head(reader)
        if not 100 <= status < 200 or status == 101:
            break
    else:
        return Response(0, "too many informational responses")
    if status in (204, 304):
        return Response(status)
    try:
        preview, failed = await asyncio.wait_for(_read_preview(reader, headers), PREVIEW_WAIT)
    except TimeoutError:
        preview, failed = b"", True  # Go's client would still be reading it when its timeout ends
    return Response(status, preview=preview, body_failed=failed)


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    line = await reader.readuntil(b"\n")
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or len(parts[1]) != 3 or not parts[1].isdigit():
        raise ValueError(f"malformed HTTP response {line[:40]!r}")
    headers: dict[str, str] = {}
    size = len(line)
    while True:
        line = await reader.readuntil(b"\n")
        size += len(line)
        if size > HEAD_LIMIT:
            raise ValueError(f"response headers exceed {HEAD_LIMIT} bytes")
        text = line.decode("latin-1").rstrip("\r\n")
        if not text:
            return int(parts[1]), headers
        name, _, value = text.partition(":")
        headers[name.strip().lower()] = value.strip()


async def _read_preview(reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, bool]:
    """The first bytes of the body, and whether the receiver broke off before sending them."""
    length = headers.get("content-length")
    if length is not None and length.isdigit():
        wanted = min(int(length), PREVIEW_BYTES)
        try:
            return await reader.readexactly(wanted), False
        except asyncio.IncompleteReadError as exc:
            return exc.partial, True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return b"", False
    return await reader.read(PREVIEW_BYTES), False
