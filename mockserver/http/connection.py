"""Connection faults: a connection closed without an answer, reset, or fed garbage.

ASGI has no way to end a connection without answering: uvicorn (0.55,
``protocols/http/httptools_impl.py`` and ``h11_impl.py``, ``RequestResponseCycle.run_asgi``)
writes a ``500`` for an app that returns or raises before ``http.response.start``, and the
status line and headers as soon as that message is sent. What it does offer: the ``send`` it
hands the app is a bound method of the request's cycle, which holds the connection's
``transport``; and once the cycle is ``disconnected`` (what ``connection_lost`` sets), neither
``send`` nor ``run_asgi`` writes anything more. The gateway ``remember``s that cycle in the
scope's ``extensions`` (by weak reference: the cycle holds the scope, and a strong reference back
would make every request cyclic garbage, which the frozen heap of ``state/gcpolicy.py`` never
frees); a fault then acts on the transport itself and marks the cycle
disconnected, so not one byte of HTTP leaves:

- ``drop``: close at once (FIN; the kernel turns it into a RST if request bytes it still
  holds were never read, as when a server process dies);
- ``empty``: read the whole request first, then close (always a clean FIN), WireMock's
  ``EMPTY_RESPONSE``;
- ``reset``: ``SO_LINGER`` 0 then close: a TCP RST, WireMock's ``CONNECTION_RESET_BY_PEER``;
- ``garbage``: random bytes, then close, WireMock's ``RANDOM_DATA_THEN_CLOSE``.

Under another server (no cycle found) a fault falls back to what the mock did before: headers
promising a body that never comes, then the end of the answer.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import struct
import weakref
from typing import Any

from mockserver.http.asgi import Receive, Scope, Send

EXTENSION = "mock.connection"
KINDS = ("drop", "empty", "reset", "garbage")
MAX_DRAINED = 64 * 1024 * 1024


def remember(scope: Scope, send: Send) -> None:
    """Put the server's request cycle (uvicorn's) in ``scope["extensions"]``, for the faults. The
    gateway calls it with the ``send`` it got: the server's own, or CORS's wrapping of it."""
    while isinstance(send, functools.partial):  # Starlette's CORSMiddleware passes send=... on
        send = send.keywords.get("send") or send.func
    cycle = getattr(send, "__self__", None)
    if cycle is not None and hasattr(getattr(cycle, "transport", None), "abort"):
        scope["extensions"] = {**(scope.get("extensions") or {}), EXTENSION: weakref.ref(cycle)}


async def break_connection(scope: Scope, receive: Receive, send: Send, kind: str, garbage: bytes = b"") -> None:
    """End the request with fault ``kind`` (one of ``KINDS``) instead of an answer."""
    remembered = (scope.get("extensions") or {}).get(EXTENSION)
    cycle: Any = remembered() if remembered is not None else None
    if cycle is None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        return
    if kind == "empty":
        await _drain(receive)
    transport: asyncio.Transport = cycle.transport
    if kind == "reset":
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        if kind == "garbage":
            transport.write(garbage)
        transport.close()
    cycle.disconnected = True  # what connection_lost sets: uvicorn writes nothing more
    await asyncio.sleep(0)


async def _drain(receive: Receive) -> None:
    seen = 0
    while seen <= MAX_DRAINED:
        message = await receive()
        seen += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
