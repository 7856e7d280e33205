"""The request journal: what the API received, for ``GET /_mock/requests`` and the inspector.

Bounded (``--journal-size`` entries, oldest dropped first). Each entry gets a sequence number
that never repeats within a run (``since`` filters on it), and its operationId is resolved
when someone asks, not on the request path, so journalling costs the hot path nothing extra.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from mockserver.errors import ValidationError

# (method, path) -> operationId, or None for a path no spec declares; wired by the app.
OperationOf = Callable[[str, str], str | None]


class RequestJournal:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._seq = 0
        self.operation_of: OperationOf = lambda _method, _path: None

    def record(self, entry: dict[str, Any]) -> None:
        self._seq += 1
        entry["seq"] = self._seq
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._entries)

    def __reversed__(self) -> Iterator[dict[str, Any]]:
        return reversed(self._entries)

    def query(
        self,
        *,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Matching entries, oldest first, each with its ``operationId``; ``limit`` keeps the latest."""
        try:
            pattern = re.compile(path) if path else None
        except re.error as exc:
            raise ValidationError(f"path is not a valid regular expression: {exc}") from None
        found = []
        for entry in self._entries:
            if since is not None and entry["seq"] <= since:
                continue
            if method is not None and entry["method"] != method.upper():
                continue
            if status is not None and entry["status"] != status:
                continue
            if pattern is not None and pattern.search(entry["path"]) is None:
                continue
            shown = {**entry, "operationId": self.operation_of(entry["method"], entry["path"])}
            if operation_id is not None and shown["operationId"] != operation_id:
                continue
            found.append(shown)
        return found[-limit:] if limit else found
