"""Where a page of transactions or logs starts reading: an index instead of the whole ledger.

The release leans on PostgreSQL's indexes; the mock keeps its own (``book.tx_ids`` and
``book.log_ids`` ascending, ``book.by_account`` the ids touching each account, the
references). ``plan`` picks, from a filter, a sorted list of ids that holds every match: an
exact address (``account``, ``source`` or ``destination``: the account's transactions), a
reference, an ``id`` range, the smallest of an ``$and``'s, the union of an ``$or``'s. The page
then bisects into it at its keyset boundary and walks it, the compiled filter still deciding
each row, so a page costs the rows it reads, not the ledger. Filters without such a leaf
(patterns, metadata, dates, ``$not``) walk every id from the boundary, stopping at a full page.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator, Sequence

from mockserver.ledger.book import LedgerBook
from mockserver.ledger.query.address import is_partial
from mockserver.ledger.query.expression import Group, Leaf, Node


class IdList:
    """The ids of ``ids`` (ascending) within [low, high]."""

    def __init__(self, ids: Sequence[int], low: int | None = None, high: int | None = None) -> None:
        self.ids = ids
        self.low = low
        self.high = high

    def bounded(self, low: int | None, high: int | None) -> IdList:
        return IdList(self.ids, _max(self.low, low), _min(self.high, high))

    def _span(self) -> tuple[int, int]:
        first = bisect.bisect_left(self.ids, self.low) if self.low is not None else 0
        last = bisect.bisect_right(self.ids, self.high) if self.high is not None else len(self.ids)
        return first, last

    @property
    def size(self) -> int:
        first, last = self._span()
        return max(0, last - first)

    def walk(self, start: int | None, inclusive: bool, descending: bool) -> Iterator[int]:
        """The ids from ``start`` (inclusive or not) upward, or downward when ``descending``."""
        ids = self.ids
        first, last = self._span()
        if not descending:
            if start is not None:
                first = max(first, (bisect.bisect_left if inclusive else bisect.bisect_right)(ids, start))
            return (ids[index] for index in range(first, last))
        if start is not None:
            last = min(last, (bisect.bisect_right if inclusive else bisect.bisect_left)(ids, start))
        return (ids[index] for index in range(last - 1, first - 1, -1))


class Union:
    """The ids of several lists, each once, in order."""

    def __init__(self, parts: list[IdList]) -> None:
        self.parts = parts

    def bounded(self, low: int | None, high: int | None) -> Union:
        return Union([part.bounded(low, high) for part in self.parts])

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    def walk(self, start: int | None, inclusive: bool, descending: bool) -> Iterator[int]:
        merged = heapq.merge(*(part.walk(start, inclusive, descending) for part in self.parts), reverse=descending)
        previous = None
        for tx_id in merged:
            if tx_id != previous:
                yield tx_id
                previous = tx_id


Source = IdList | Union


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def id_bounds(leaf: Leaf) -> tuple[int | None, int | None] | None:
    """The [low, high] an ``id`` comparison keeps; None for another leaf."""
    if leaf.key != "id" or isinstance(leaf.value, bool) or not isinstance(leaf.value, int):
        return None
    value = leaf.value
    return {
        "$match": (value, value),
        "$gt": (value + 1, None),
        "$gte": (value, None),
        "$lt": (None, value - 1),
        "$lte": (None, value),
    }.get(leaf.operator)


def plan(node: Node | None, all_ids: Sequence[int], book: LedgerBook | None = None) -> Source:
    """The smallest id list the filter allows (``book`` given: transactions' indexes too)."""
    return _plan(node, all_ids, book) or IdList(all_ids)


def _plan(node: Node | None, all_ids: Sequence[int], book: LedgerBook | None) -> Source | None:
    if isinstance(node, Leaf):
        bounds = id_bounds(node)
        if bounds is not None:
            return IdList(all_ids, *bounds)
        return _indexed(node, book) if book is not None else None
    if not isinstance(node, Group) or not node.items:
        return None  # $not, or an empty set: everything may match
    parts = [_plan(item, all_ids, book) for item in node.items]
    if node.operator == "$or":
        if any(part is None for part in parts):
            return None
        lists = [piece for part in parts for piece in (part.parts if isinstance(part, Union) else [part])]
        return Union(lists)  # type: ignore[arg-type]
    found = [part for part in parts if part is not None]
    if not found:
        return None
    low = high = None
    for item in node.items:
        bounds = id_bounds(item) if isinstance(item, Leaf) else None
        if bounds is not None:
            low, high = _max(low, bounds[0]), _min(high, bounds[1])
    return min(found, key=lambda part: part.size).bounded(low, high)


def _indexed(leaf: Leaf, book: LedgerBook) -> Source | None:
    if leaf.key in ("account", "source", "destination"):
        if leaf.operator == "$in":
            if any(is_partial(address) for address in leaf.value):
                return None
            return Union([IdList(book.by_account.get(address, [])) for address in leaf.value])
        if is_partial(leaf.value):
            return None
        return IdList(book.by_account.get(leaf.value, []))
    if leaf.key == "reference" and leaf.operator in ("$match", "$in"):
        wanted = [leaf.value] if leaf.operator == "$match" else leaf.value
        return IdList(sorted({book.references[ref] for ref in wanted if ref in book.references}))
    return None
