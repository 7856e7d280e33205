"""The request journal: what the API received, for ``GET /_mock/requests`` and the inspector.

Bounded (``--journal-size`` entries, oldest dropped first). Each entry gets a sequence number
that never repeats within a run (``since`` filters on it). What an entry shows is worked out when
someone asks, not on the request path, so journalling costs the hot path nothing extra: its
operationId; its body, kept as the bytes that came and shown as its JSON value with secret-named
keys masked (or a note of its size when it is larger than ``MAX_SHOWN_BODY`` or not JSON); its
query string, kept as bytes and shown with credentials redacted; its date, kept as the instant.
Decoding and masking bodies on every request cost a ledger create about 7 % of its CPU.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import orjson

from mockserver.core.logredact import masked, redact_query
from mockserver.core.timefmt import rfc3339
from mockserver.errors import ValidationError

MAX_SHOWN_BODY = 8 * 1024

# (method, path) -> operationId, or None for a path no spec declares; wired by the app.
OperationOf = Callable[[str, str], str | None]


class RequestJournal:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._seq = 0
        self.operation_of: OperationOf = lambda _method, _path: None

    def record(self, entry: dict[str, Any]) -> None:
        body = entry.get("body")
        if isinstance(body, bytes) and len(body) > MAX_SHOWN_BODY:
            entry["body"] = _size_note(body)  # a thousand entries of megabytes would not stay small
        self._seq += 1
        entry["seq"] = self._seq
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(shown, self._entries)

    def __reversed__(self) -> Iterator[dict[str, Any]]:
        return map(shown, reversed(self._entries))

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
            operation = self.operation_of(entry["method"], entry["path"])
            if operation_id is not None and operation != operation_id:
                continue
            found.append((entry, operation))
        return [{**shown(entry), "operationId": operation} for entry, operation in (found[-limit:] if limit else found)]


def shown(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as the control API and the inspector show it: body decoded and masked, query
    string redacted, date in RFC 3339 (entries the webhooks write come with those done)."""
    changes: dict[str, Any] = {}
    body, query, date = entry.get("body"), entry.get("query"), entry.get("date")
    if isinstance(body, bytes):
        changes["body"] = _body(body)
    if isinstance(query, bytes):
        changes["query"] = redact_query(query)
    if isinstance(date, datetime):
        changes["date"] = rfc3339(date)
    return {**entry, **changes} if changes else entry


def _body(raw: bytes) -> object:
    try:
        return masked(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return _size_note(raw)


def _size_note(raw: bytes) -> dict[str, Any]:
    return {"truncated": True, "bytes": len(raw)}
