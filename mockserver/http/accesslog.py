"""One access-log line per request, written in batches rather than one syscall each.

Under load a write per request costs more than the request itself; lines are buffered
and flushed at least every half second (by the app's background task), when the buffer
fills, and at shutdown, so a developer watching the terminal still sees them promptly.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading


class AccessLog:
    def __init__(self, fd: int | None = None, buffer_bytes: int = 64 * 1024) -> None:
        self._fd = sys.stderr.fileno() if fd is None else fd
        self._limit = buffer_bytes
        self._chunks: list[bytes] = []
        self._size = 0
        self._lock = threading.Lock()

    def line(self, method: str, path: str, query: str, status: int, duration_ms: float) -> None:
        target = f"{path}?{query}" if query else path
        data = f'INFO:     "{method} {target}" {status} {duration_ms:.1f}ms\n'.encode("utf-8", "replace")
        with self._lock:
            self._chunks.append(data)
            self._size += len(data)
            full = self._size >= self._limit
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            if not self._chunks:
                return
            data = b"".join(self._chunks)
            self._chunks.clear()
            self._size = 0
        with contextlib.suppress(OSError):  # a closed terminal must not take the mock down
            os.write(self._fd, data)
