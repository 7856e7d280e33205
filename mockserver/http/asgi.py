"""ASGI primitives shared by the layers in front of Connexion: types, headers, answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import orjson

from mockserver.errors import MockError, PayloadTooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_HEADERS = [(b"content-type", b"application/json")]


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower-case bytes, as ASGI gives them)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_body(receive: Receive, limit: int | None = None) -> bytes:
    """The whole request body; PayloadTooLarge as soon as it grows past ``limit`` bytes
    (None: the caller's ``receive`` already enforces one)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def json_bytes(body: Any) -> bytes:
    """orjson, or the standard library for integers beyond 64 bits: a ledger amount may be
    bigger (the real ledger's are big integers), and the standard library writes it exactly."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(_unfragmented(body), separators=(",", ":"), ensure_ascii=False).encode()


def _unfragmented(value: Any) -> Any:
    """``value`` with every pre-encoded ``orjson.Fragment`` parsed back, for the standard library."""
    if isinstance(value, orjson.Fragment):
        return json.loads(value.contents)
    if isinstance(value, dict):
        return {k: _unfragmented(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unfragmented(v) for v in value]
    return value


def error_body(exc: MockError) -> bytes:
    return orjson.dumps({"errorCode": exc.code, "errorMessage": exc.message}) + b"\n"


def query_param(scope: Scope, name: str) -> str | None:
    """The first value of query parameter ``name``, or None."""
    raw = scope.get("query_string", b"")
    if name.encode() + b"=" not in raw:
        return None
    return next((v for k, v in parse_qsl(raw.decode("latin-1")) if k == name), None)


async def respond_payload(send: Send, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    """A handler's answer: its JSON (newline-terminated, as Connexion writes it), or no body at
    all, with the handler's own headers (``Count``, ``Idempotency-Hit``) when it gives some."""
    head = JSON_HEADERS
    if headers:
        own = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
        head = [*(h for h in JSON_HEADERS if h[0] not in {k for k, _ in own}), *own]
    if isinstance(payload, bytes):  # a raw body in the handler's own content type (a log export)
        await respond(send, status, payload, head)
        return
    if payload is None:
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": b""})
    else:
        await respond(send, status, json_bytes(payload) + b"\n", head)


async def respond(send: Send, status: int, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> None:
    head = list(headers if headers is not None else JSON_HEADERS)
    head.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})
