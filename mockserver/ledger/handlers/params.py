"""Reading the ledger's query parameters and headers as the release reads them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.requestctx import request_header
from mockserver.core.timefmt import parse_rfc3339
from mockserver.ledger.errors import validation
from mockserver.ledger.request import TIME_LAYOUT

Reply = tuple[Any, int] | tuple[Any, int, dict[str, str]]


def instant(value: str | None) -> datetime | None:
    """``pit`` / ``oot`` and the like: RFC 3339, rounded to the microsecond; 400 otherwise."""
    if value is None or value == "":
        return None
    try:
        return parse_rfc3339(value)
    except ValueError:
        raise validation(f'parsing time "{value}" as "{TIME_LAYOUT}": cannot parse "{value}"') from None


def expansions(value: Any) -> tuple[str, ...]:
    """``expand`` of a single transaction or account, given once or repeated, each value whole: the
    release reads ``r.URL.Query()["expand"]`` unsplit, so ``volumes,effectiveVolumes`` expands
    nothing there (``internal/api/v2/controllers_accounts_read.go``, ``controllers_transactions_read.go``;
    the lists split on commas, in ledger/lists.py)."""
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    return tuple(str(item) for item in values)


def idempotency_key() -> str | None:
    return request_header("Idempotency-Key") or None


def written(payload: Any, status: int, hit: bool) -> Reply:
    """A write's answer, with ``Idempotency-Hit: true`` when it replayed an earlier call."""
    return (payload, status, {"Idempotency-Hit": "true"}) if hit else (payload, status)
