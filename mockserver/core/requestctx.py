"""The current request's headers, for the few handlers whose operation reads one, and the raw
query string of a request the gateway's fast path answers.

Connexion passes path, query and body parameters to a handler, never headers, and the fast path
passes what Connexion would. The gateway sets the request's raw ASGI headers here (a context
variable, so concurrent requests never see each other's); a handler reads one by name. Handlers
that read the query string as sent (the ledger's lists) find it in Connexion's request context,
or, on the fast path, here (``fast_query``), with the operation it was routed to.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

_HEADERS: contextvars.ContextVar[Iterable[tuple[bytes, bytes]]] = contextvars.ContextVar("mock_headers", default=())
_QUERY: contextvars.ContextVar[tuple[str, bytes] | None] = contextvars.ContextVar("mock_fast_query", default=None)


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


def use_query(operation_id: str, raw: bytes) -> contextvars.Token[tuple[str, bytes] | None]:
    """The fast path's request: the operation it answers and its raw query string."""
    return _QUERY.set((operation_id, raw))


def release_query(token: contextvars.Token[tuple[str, bytes] | None]) -> None:
    _QUERY.reset(token)


def fast_query() -> tuple[str, bytes] | None:
    """(operationId, raw query string) of the request the fast path is answering, else None."""
    return _QUERY.get()
