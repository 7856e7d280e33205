"""One page of a list, and the cursors around it, computed exactly as the release computes them.

Keyset pagination (``internal/storage/common/paginator_column.go``): fetch ``pageSize + 1``
matching rows from the boundary ``paginationID`` (inclusive going forward, strict going back,
in the opposite order when ``reverse``); the first page fixes ``bottom``, the key of its first
row, and every cursor carries it. Forward: ``next`` when the extra row came, starting at its
key; ``previous`` when the request started strictly past ``bottom``, the same query reversed.
Reversed: the rows are put back in order, ``next`` is always there (the same query forward) and
``previous`` only when the extra row came, starting at the key of the page's top row. Equal keys
get no tie-breaker in the release and the forward boundary is inclusive, so a page may repeat
rows of the previous one on a column that is not unique; this does the same.

Offset pagination (``paginator_offset.go``): ``OFFSET offset LIMIT pageSize + 1``; ``previous``
at ``max(0, offset - pageSize)`` when ``offset > 0``, ``next`` at ``offset + pageSize`` when the
extra row came. ``hasMore`` is "``next`` is set" in both. A page costs the rows it reads: the
rows come from an iterator that the caller positions (keyset) and filters, and the walk stops
as soon as the page is full.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from mockserver.ledger.query import cursor
from mockserver.ledger.query.cursor import ASC, Query
from mockserver.ledger.query.errors import Unmapped

MAX_INT32 = 2**31 - 1
# (start key or None, inclusive, descending) -> (key, row) in that order from that key
KeyedRows = Callable[[Any, bool, bool], Iterable[tuple[Any, Any]]]


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Any]
    page_size: int
    next: Query | None
    previous: Query | None

    def as_json(self, present: Callable[[Any], Any]) -> dict[str, Any]:
        """``bunpaginate.Cursor``: ``pageSize`` omitted when 0, ``previous``/``next`` when empty."""
        out: dict[str, Any] = {}
        if self.page_size:
            out["pageSize"] = self.page_size
        out["hasMore"] = self.next is not None
        if self.previous is not None:
            out["previous"] = cursor.encode(self.previous)
        if self.next is not None:
            out["next"] = cursor.encode(self.next)
        out["data"] = [present(row) for row in self.rows]
        return {"cursor": out}


def keyset_page(query: Query, rows: KeyedRows, keep: Callable[[Any], bool]) -> Page:
    """The page ``query`` asks of ``rows`` (keyed, in key order) among those ``keep`` accepts."""
    size = query.page_size or 15
    descending = (query.order != ASC) != query.reverse
    start = query.pagination_id
    inclusive = not query.reverse
    fetched = list(islice(((key, row) for key, row in rows(start, inclusive, descending) if keep(row)), size + 1))
    keys = [key for key, _ in fetched]
    if None in keys:
        # A row without a key (reverted_at of a live transaction): the release dereferences a
        # nil date to build the cursor and panics, a bare 500.
        raise Unmapped(f"cannot page by {query.column}: a row on this page has none (filter it out)")
    bottom = query.bottom if query.bottom is not None else (keys[0] if keys else None)
    query = query.but(bottom=bottom, mode="keyset")
    has_more = len(fetched) > size
    page = [row for _, row in fetched[:size]]
    next_query = previous = None
    if query.reverse:
        page.reverse()
        next_query = query.but(reverse=False)
        if has_more:
            previous = query.but(pagination_id=keys[-2])
    else:
        if has_more:
            next_query = query.but(pagination_id=keys[-1])
        pid = query.pagination_id
        if pid is not None and bottom is not None and (pid > bottom if query.order == ASC else pid < bottom):
            previous = query.but(reverse=True)
    return Page(page, size, next_query, previous)


def offset_page(query: Query, rows: Iterable[Any]) -> Page:
    """The page ``query`` asks of ``rows`` (already filtered, in order)."""
    if query.offset > MAX_INT32:
        # "paginating request: offset value exceeds maximum allowed value": a plain error, a 500
        raise Unmapped(f"the cursor's offset {query.offset} exceeds {MAX_INT32}")
    query = query.but(mode="offset")
    size = query.page_size
    window = islice(rows, query.offset, query.offset + size + 1 if size else None)
    fetched = list(window)
    previous = query.but(offset=max(0, query.offset - size)) if query.offset > 0 else None
    next_query = None
    if size and len(fetched) > size:
        next_query = query.but(offset=query.offset + size)
        fetched = fetched[:size]
    return Page(fetched, size, next_query, previous)


def sorted_keyed(pairs: list[tuple[Any, Any]]) -> KeyedRows:
    """Keyed rows over ``pairs``, sorted ascending by key: a bisection to the boundary, then
    the rows from there (ties in list order going up, in reverse going down)."""

    def rows(start: Any, inclusive: bool, descending: bool) -> Iterator[tuple[Any, Any]]:
        if not descending:
            first = 0 if start is None else _bisect(pairs, start, left=inclusive)
            return (pairs[index] for index in range(first, len(pairs)))
        last = len(pairs) if start is None else _bisect(pairs, start, left=not inclusive)
        return (pairs[index] for index in range(last - 1, -1, -1))

    return rows


def _bisect(pairs: list[tuple[Any, Any]], key: Any, *, left: bool) -> int:
    find = bisect.bisect_left if left else bisect.bisect_right
    return find(pairs, key, key=_first)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]
