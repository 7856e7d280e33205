"""Forwarding to the upstream with httpx, asynchronously: the request goes out as it came in, the answer
comes back as it was sent (hop-by-hop headers aside). Checks read a decoded copy of the body."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

__all__ = ["HOP_BY_HOP", "Unforwardable", "Upstream", "UpstreamDown", "UpstreamReply"]

# RFC 9110 §7.6.1: connection-specific headers are never forwarded; each hop frames its own message.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)


POOLS = 8


class UpstreamDown(Exception):
    """The upstream could not be reached, did not answer in time, or answered something that is not HTTP."""


class Unforwardable(Exception):
    """The client's request cannot be written on to the upstream as it is (the client's problem: a 400)."""


@dataclass(frozen=True)
class UpstreamReply:
    status: int
    headers: list[tuple[str, str]]  # as sent, in order, hop-by-hop ones removed
    raw: bytes  # the body exactly as the upstream sent it (still compressed, if it was)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def decoded(self) -> bytes:
        """The body the checks read: a gzip/deflate body inflated, anything else as is."""
        encoding = (self.header("content-encoding") or "").strip().lower()
        if encoding not in ("gzip", "deflate") or not self.raw:
            return self.raw
        try:
            return zlib.decompress(self.raw, 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
        except zlib.error:
            return self.raw


def _dropped(headers: list[tuple[str, str]]) -> set[str]:
    """Hop-by-hop names plus those a `Connection` header lists."""
    named = {token.strip().lower() for k, v in headers if k.lower() == "connection" for token in v.split(",") if token}
    return HOP_BY_HOP | named


class Upstream:
    """One pooled async client for the upstream; `base` is its URL (an origin, or an origin with a path)."""

    def __init__(self, base: str, *, timeout: float = 30.0) -> None:
        self.base = base.rstrip("/")
        parts = urlsplit(self.base)
        self.host = parts.netloc
        self._origin = f"{parts.scheme}://{parts.netloc}/"
        self._prefix = parts.path.rstrip("/")
        # No default headers: httpx would otherwise add User-Agent, Accept and Accept-Encoding the client
        # never sent, and the upstream must see the request unchanged.
        # Several small pools rather than one large one: httpcore scans every connection of its pool for each
        # request it places, so with 32 clients in flight one pool of 32 connections costs more CPU than the
        # checks do. Requests take the pools in turn; each keeps its connections alive.
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        self.clients = [
            httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False, limits=limits)
            for _ in range(POOLS)
        ]
        self._turn = 0

    def url(self, raw_path: str, query: bytes) -> str:
        """The upstream URL of a request, as curl reproductions write it."""
        return self.base + raw_path + ("?" + query.decode("latin-1") if query else "")

    async def forward(
        self, method: str, raw_path: str, query: bytes, headers: list[tuple[str, str]], body: bytes
    ) -> UpstreamReply:
        dropped = _dropped(headers) | {"host", "content-length"}
        outgoing = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers if k.lower() not in dropped]
        framed = any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers)
        if body or framed:  # re-framed by length: the whole body is in hand
            outgoing.append((b"content-length", str(len(body)).encode()))
        # The request target goes out byte for byte (httpcore's `target` extension): parsing it into a URL
        # would re-escape what clients send on purpose (`%zz`, `..`, bytes past ASCII).
        target = (self._prefix + raw_path + ("?" + query.decode("latin-1") if query else "")).encode("latin-1")
        self._turn = (self._turn + 1) % len(self.clients)
        client = self.clients[self._turn]
        request = client.build_request(method, self._origin, content=body, extensions={"target": target})
        # The client's own headers replace what httpx built (its defaults the client never sent).
        request.headers = httpx.Headers([(b"host", self.host.encode("latin-1")), *outgoing])
        try:
            response = await client.send(request, stream=True)
            try:
                raw = b"".join([chunk async for chunk in response.aiter_raw()])
            finally:
                await response.aclose()
        except httpx.LocalProtocolError as exc:  # raised before anything reached the upstream
            raise Unforwardable(str(exc) or type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise UpstreamDown(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        if not 100 <= response.status_code <= 599:
            raise UpstreamDown(f"the upstream answered status {response.status_code}, which HTTP does not define")
        pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        gone = _dropped(pairs)
        return UpstreamReply(response.status_code, [(k, v) for k, v in pairs if k.lower() not in gone], raw)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
