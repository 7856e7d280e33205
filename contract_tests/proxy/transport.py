"""Forwarding to the upstream: the request goes out as it came in, the answer comes back as it was sent
(hop-by-hop headers aside), over the keep-alive connections of `http1.Pool`. Checks read a decoded copy
of the body."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from contract_tests.proxy.http1 import Broken, Garbled, Pool

__all__ = ["HOP_BY_HOP", "Upstream", "UpstreamDown", "UpstreamReply"]

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


class UpstreamDown(Exception):
    """The upstream could not be reached, did not answer in time, or answered something that is not HTTP."""


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


def _request_bytes(method: str, target: bytes, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The request as it goes on the wire. Its parts need no checking here: the proxy's own server
    (uvicorn on httptools) parsed them, so the method and names are tokens and no part holds a CR or LF."""
    lines = [method.encode("latin-1") + b" " + target + b" HTTP/1.1"]
    lines += [name.encode("latin-1") + b": " + value.encode("latin-1") for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Upstream:
    """The upstream at `base` (an origin, or an origin with a path), reached through one keep-alive pool."""

    def __init__(self, base: str, *, timeout: float = 30.0) -> None:
        self.base = base.rstrip("/")
        parts = urlsplit(self.base)
        self.host = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self.timeout = timeout
        tls = parts.scheme == "https"
        self._pool = Pool(parts.hostname or "", parts.port or (443 if tls else 80), tls=tls)

    def url(self, raw_path: str, query: bytes) -> str:
        """The upstream URL of a request, as curl reproductions write it."""
        return self.base + raw_path + ("?" + query.decode("latin-1") if query else "")

    async def forward(
        self, method: str, raw_path: str, query: bytes, headers: list[tuple[str, str]], body: bytes
    ) -> UpstreamReply:
        dropped = _dropped(headers) | {"host", "content-length"}
        outgoing = [("host", self.host), *((k, v) for k, v in headers if k.lower() not in dropped)]
        framed = any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers)
        if body or framed:  # re-framed by length: the whole body is in hand
            outgoing.append(("content-length", str(len(body))))
        # The target goes out byte for byte: re-parsing it as a URL would re-escape what clients send on
        # purpose (`%zz`, `..`, bytes past ASCII).
        target = (self._prefix + raw_path + ("?" + query.decode("latin-1") if query else "")).encode("latin-1")
        request = _request_bytes(method, target, outgoing, body)
        try:
            async with asyncio.timeout(self.timeout):
                answer = await self._pool.exchange(request, head=method == "HEAD")
        except TimeoutError as exc:
            raise UpstreamDown(f"no answer within {self.timeout:g} s") from exc
        except (Broken, Garbled) as exc:
            raise UpstreamDown(str(exc)) from exc
        except OSError as exc:  # refused, unreachable, a TLS handshake that failed
            raise UpstreamDown(f"{type(exc).__name__}: {exc}") from exc
        if not 100 <= answer.status <= 599:
            raise UpstreamDown(f"the upstream answered status {answer.status}, which HTTP does not define")
        pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers]
        gone = _dropped(pairs)
        return UpstreamReply(answer.status, [(k, v) for k, v in pairs if k.lower() not in gone], answer.body)

    async def aclose(self) -> None:
        self._pool.close()
