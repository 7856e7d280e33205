"""The lists' query strings and cursor envelopes (formancehq/wallets v2.1.5 ``pkg/api/utils.go``).

A list reads ``pageSize`` (default 15) and ``cursor`` from the query string; with a cursor, only
the cursor goes to the ledger, which gives back its own opaque ``next`` / ``previous`` and the
page the cursor names (filters, ``expand`` and the page size of the first request kept). The
answer echoes the page size the wallets service read, not the ledger's (which stops at 100).
``metadata[key]=value`` filters are read as ``getQueryMap`` reads them.

v2.1.5 parses ``pageSize`` with ``strconv.ParseInt(v, 10, 32)`` and **panics** on anything else
(no answer at all), forwards 0 (the ledger's default applies; the echo leaves ``pageSize`` out)
and negative sizes (the ledger refuses them: a 500). Spec mode answers 400 ``VALIDATION`` with
v2.2.0's messages for all of those, and for a size above the spec's maximum of 1000.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.wallets import errors
from mockserver.wallets.requests import NIL_POINTER

Query = Mapping[str, Sequence[str]]
DEFAULT_PAGE_SIZE = 15
MAX_PAGE_SIZE = 1000  # the spec's maximum (the ledger's pages stop at 100)
_INT32 = (-(2**31), 2**31 - 1)


def first(query: Query, name: str) -> str:
    """``r.URL.Query().Get(name)``: the first value, "" when absent."""
    values = query.get(name) or ()
    return values[0] if values else ""


def metadata_filters(query: Query) -> dict[str, str]:
    """``getQueryMap(query, "metadata")``: ``metadata[k]=v`` -> ``{k: v}`` (the first value; ``k``
    is the text up to the first ``]``, never empty)."""
    found: dict[str, str] = {}
    for key, values in query.items():
        opening = key.find("[")
        if opening < 1 or key[:opening] != "metadata" or not values:
            continue
        closing = key.find("]", opening + 1)
        if closing > opening + 1:
            found[key[opening + 1 : closing]] = values[0]
    return found


@dataclass(frozen=True, slots=True)
class Page:
    size: int  # what the answer echoes (0: left out)
    cursor: str


def page(query: Query, real: bool) -> Page:
    """The page a list asks for. The release reads the first ``pageSize`` only; spec mode also
    refuses a repeated one whose other values are not page sizes (the spec's is one integer)."""
    raw = first(query, "pageSize")
    cursor = first(query, "cursor")
    if not real:
        for other in (query.get("pageSize") or ())[1:]:
            if other != "":
                _size(other, real)
    if raw == "":
        return Page(DEFAULT_PAGE_SIZE, cursor)
    return Page(_size(raw, real), cursor)


def _size(raw: str, real: bool) -> int:
    """One ``pageSize`` value, as v2.1.5 parses it (``real``) or as the spec bounds it."""
    try:
        size = int(raw, 10) if raw.lstrip("+-").isdigit() and raw.isascii() else None
    except ValueError:
        size = None
    if size is None or not _INT32[0] <= size <= _INT32[1]:
        if real:  # strconv.ParseInt fails and parsePageSize panics
            raise errors.internal(NIL_POINTER)
        reason = "value out of range" if size is not None else "invalid syntax"
        raise errors.validation(f'invalid pageSize: strconv.ParseInt: parsing "{raw}": {reason}')
    if not real and size < 1:
        raise errors.validation("pageSize must be a positive integer")
    if not real and size > MAX_PAGE_SIZE:
        raise errors.validation(f"pageSize must be at most {MAX_PAGE_SIZE}")
    return size


def envelope(found: Page, ledger_cursor: Mapping[str, Any], data: list[Any]) -> dict[str, Any]:
    """``bunpaginate.Cursor``: ``pageSize`` (left out when 0), ``hasMore``, ``previous`` and
    ``next`` (left out when empty), ``data``."""
    shown: dict[str, Any] = {"pageSize": found.size} if found.size else {}
    shown["hasMore"] = bool(ledger_cursor.get("hasMore"))
    for key in ("previous", "next"):
        if ledger_cursor.get(key):
            shown[key] = ledger_cursor[key]
    shown["data"] = data
    return {"cursor": shown}
