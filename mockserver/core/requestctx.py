"""The current request's headers, query string and body, for the few handlers that read them raw.

Connexion passes path, query and body parameters to a handler, never headers, and the fast path
passes what Connexion would. The gateway sets the request's raw ASGI headers and query string
here (context variables, so concurrent requests never see each other's); a handler reads one
header by name. A service that decodes its bodies itself, as the release does (webhooks'
``decodeJSONBody``), reads the body as it was sent: the gateway sets it once it has read it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

_HEADERS: contextvars.ContextVar[Iterable[tuple[bytes, bytes]]] = contextvars.ContextVar("mock_headers", default=())
_QUERY: contextvars.ContextVar[bytes] = contextvars.ContextVar("mock_query", default=b"")
_BODY: contextvars.ContextVar[bytes] = contextvars.ContextVar("mock_body", default=b"")


def use_headers(headers: Iterable[tuple[bytes, bytes]]) -> contextvars.Token[Iterable[tuple[bytes, bytes]]]:
    return _HEADERS.set(headers)


def release(token: contextvars.Token[Iterable[tuple[bytes, bytes]]]) -> None:
    _HEADERS.reset(token)


def use_query(query: bytes) -> contextvars.Token[bytes]:
    return _QUERY.set(query)


def use_body(body: bytes) -> contextvars.Token[bytes]:
    return _BODY.set(body)


def request_header(name: str) -> str | None:
    """The first value of header ``name`` (any case) of the request being served, or None."""
    wanted = name.lower().encode()
    for key, value in _HEADERS.get():
        if key == wanted:
            return value.decode("latin-1")
    return None


def request_query() -> bytes:
    """The raw query string of the request being served (without ``?``)."""
    return _QUERY.get()


def request_body() -> bytes:
    """The body of the request being served as it was sent (empty until the gateway read it)."""
    return _BODY.get()
