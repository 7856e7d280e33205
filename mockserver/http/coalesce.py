"""One socket write per answer: uvicorn's HTTP protocol with its writes gathered per loop turn.

uvicorn (0.55, ``protocols/http/httptools_impl.py``) writes the status line and headers when the
app sends ``http.response.start`` and the body when it sends ``http.response.body``: two
``send()`` calls, two TCP segments and two wake-ups of the client for every answer. Under load
that was about 18 us of system time per request, as much as the ledger spends booking a
transaction. Here the protocol's transport gathers what is written during one turn of the event
loop and hands it to the real transport once, at the end of that turn (or at once past
``FLUSH_BYTES``, so a streamed export never piles up). Every other transport call goes straight
through; ``close`` sends what is gathered first, ``abort`` drops it, as the real one does.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

FLUSH_BYTES = 64 * 1024


class GatheringTransport:
    """A transport whose writes of one loop turn leave as one."""

    __slots__ = ("_gathered", "_loop", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._gathered: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._gathered:
            self._loop.call_soon(self.flush)
        self._gathered.append(data)
        self._size += len(data)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._gathered:
            return
        data = self._gathered[0] if len(self._gathered) == 1 else b"".join(self._gathered)
        self._gathered.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def is_closing(self) -> bool:  # asked on every answer: spared the __getattr__ detour
        return self._transport.is_closing()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._gathered.clear()
        self._size = 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GatheringHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through a ``GatheringTransport``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = GatheringTransport(transport, self.loop)  # type: ignore[assignment]


__all__ = ["FLUSH_BYTES", "GatheringHttpToolsProtocol", "GatheringTransport"]
