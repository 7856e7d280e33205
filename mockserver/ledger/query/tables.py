"""The rows each list walks, in the order a sort column asks, from the cheapest starting point.

A keyset page needs its rows by key from a boundary (``keyed``); an offset page needs them all
in order (``ordered``). Transactions and logs by id come from the planned id list (plan.py),
transactions by effective or insertion date from the book's date index (index.py), accounts by
address from its sorted addresses; the other columns (updates, reverts, dates of accounts and
logs) are sorted per request, as they change or are rarely asked. Keys are what the release
puts in a cursor: ids, or dates as Unix microseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from mockserver.ledger.book import LedgerBook
from mockserver.ledger.model import Account, Transaction
from mockserver.ledger.query import index
from mockserver.ledger.query.index import micros
from mockserver.ledger.query.paging import KeyedRows, sorted_keyed
from mockserver.ledger.query.plan import Source
from mockserver.ledger.query.resolvers import reverted_at

DATE_COLUMNS = {
    "timestamp": "timestamp",
    "inserted_at": "inserted_at",
    "updated_at": "updated_at",
    "first_usage": "first_usage",
    "insertion_date": "insertion_date",
    "date": "date",
}


def _by_attribute(items: Iterable[Any], attribute: str) -> KeyedRows:
    return sorted_keyed(sorted(((micros(getattr(item, attribute)), item) for item in items), key=lambda p: p[0]))


def by_id(source: Source, lookup: Callable[[int], Any]) -> KeyedRows:
    """Rows of a planned id list, keyed by id."""

    def rows(start: Any, inclusive: bool, descending: bool) -> Iterator[tuple[Any, Any]]:
        return ((row_id, lookup(row_id)) for row_id in source.walk(start, inclusive, descending))

    return rows


def transactions(book: LedgerBook, column: str, source: Source, pit: datetime | None) -> KeyedRows:
    """Transactions keyed by ``column`` (``reverted_at`` as seen at ``pit``); ``source``, the
    planned ids, serves the pages by id."""
    found = book.transactions.__getitem__
    if column == "id":
        return by_id(source, found)
    if column in ("timestamp", "inserted_at"):
        return _dated(index.of(book).transactions_by(book, column), found)
    if column == "updated_at":
        return _by_attribute(book.transactions.values(), "updated_at")
    return _reverted(list(book.transactions.values()), pit)


def _dated(dates: index.DateIndex, lookup: Callable[[int], Any]) -> KeyedRows:
    """Keyed rows over a date index: a bisection to the boundary, then the rows from there."""
    keys, ids = dates.keys, dates.ids

    def rows(start: Any, inclusive: bool, descending: bool) -> Iterator[tuple[Any, Any]]:
        if not descending:
            first = 0 if start is None else (bisect.bisect_left if inclusive else bisect.bisect_right)(keys, start)
            return ((keys[i], lookup(ids[i])) for i in range(first, len(keys)))
        last = len(keys) if start is None else (bisect.bisect_right if inclusive else bisect.bisect_left)(keys, start)
        return ((keys[i], lookup(ids[i])) for i in range(last - 1, -1, -1))

    return rows


def _reverted(items: list[Transaction], pit: datetime | None) -> KeyedRows:
    """By ``reverted_at``: PostgreSQL puts NULLs last going up, first going down, and a
    boundary compares them to nothing; they come keyed None (the release cannot key them)."""
    dated = sorted(((micros(when), tx) for tx in items if (when := reverted_at(tx, pit)) is not None), key=_key)
    live = [(None, tx) for tx in items if reverted_at(tx, pit) is None]
    keyed = sorted_keyed(dated)

    def rows(start: Any, inclusive: bool, descending: bool) -> Iterator[tuple[Any, Any]]:
        if start is not None:
            return iter(keyed(start, inclusive, descending))
        if descending:
            return _chain(reversed(live), keyed(None, inclusive, descending))
        return _chain(keyed(None, inclusive, descending), live)

    return rows


def _chain(*parts: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    for part in parts:
        yield from part


def _key(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def accounts(book: LedgerBook, column: str) -> KeyedRows:
    """Accounts keyed by one of their dates."""
    return _by_attribute(book.accounts.values(), DATE_COLUMNS[column])


def accounts_by_address(book: LedgerBook, descending: bool) -> Iterator[Account]:
    addresses = index.of(book).sorted_addresses(book)
    found = book.accounts
    ordered = reversed(addresses) if descending else addresses
    return (found[address] for address in ordered)


def logs(book: LedgerBook, column: str, source: Source) -> KeyedRows:
    if column == "id":
        return by_id(source, book.logs.__getitem__)
    return _by_attribute(book.logs.values(), "date")


def ordered(rows: KeyedRows, descending: bool) -> Iterator[Any]:
    """Every row of a keyed table in order, for an offset page on a keyset column."""
    return (row for _, row in rows(None, True, descending))
