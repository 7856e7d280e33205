"""The current request's headers, for the few handlers whose operation reads one.

Connexion passes path, query and body parameters to a handler, never headers, and the fast path
passes what Connexion would. The gateway sets the request's raw ASGI headers here (a context
variable, so concurrent requests never see each other's); a handler reads one by name.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

_HEADERS: contextvars.ContextVar[Iterable[tuple[bytes, bytes]]] = contextvars.ContextVar("mock_headers", default=())


def use_headers(headers: Iterable[tuple[bytes, bytes]]) -> contextvars.Token[Iterable[tuple[bytes, bytes]]]:
    return _HEADERS.set(headers)


def release(token: contextvars.Token[Iterable[tuple[bytes, bytes]]]) -> None:
    _HEADERS.reset(token)


def request_header(name: str) -> str | None:
    """The first value of header ``name`` (any case) of the request being served, or None."""
    wanted = name.lower().encode()
    for key, value in _HEADERS.get():
        if key == wanted:
            return value.decode("latin-1")
    return None
