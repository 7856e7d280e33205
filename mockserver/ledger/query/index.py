"""Orders a ledger's book does not keep itself, kept beside it and brought up to date lazily.

Accounts list by address (byte order: PostgreSQL with the C collation), transactions by
effective or insertion date. Both only grow, and only at their end (a new account is the last
key of ``book.accounts``, a new transaction the last id of ``book.tx_ids``; neither date ever
changes), so each request merges what was added since the last one into a sorted list instead
of sorting the ledger again: a page stays O(page) as the ledger grows. One index per book,
dropped with it.
"""

from __future__ import annotations

import bisect
import weakref
from array import array
from datetime import UTC, datetime, timedelta
from itertools import islice

from mockserver.ledger.book import LedgerBook

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """A date as the release puts it in a keyset cursor: Unix microseconds."""
    return (moment - EPOCH) // _MICRO


class DateIndex:
    """Transactions by one of their dates: two parallel arrays of 64-bit integers (16 bytes a
    transaction, where a list of tuples takes about 110), ascending by (date, id)."""

    def __init__(self) -> None:
        self.keys = array("q")  # dates, in Unix microseconds
        self.ids = array("q")
        self.known = 0  # how many of book.tx_ids are in

    def add(self, pairs: list[tuple[int, int]]) -> None:
        if len(pairs) <= 64:
            for key, tx_id in pairs:  # a new id is the largest: after every equal date
                at = bisect.bisect_right(self.keys, key)
                self.keys.insert(at, key)
                self.ids.insert(at, tx_id)
            return
        merged = sorted([*zip(self.keys, self.ids, strict=True), *pairs])
        self.keys = array("q", (key for key, _ in merged))
        self.ids = array("q", (tx_id for _, tx_id in merged))


class BookIndex:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.by_date: dict[str, DateIndex] = {"timestamp": DateIndex(), "inserted_at": DateIndex()}

    def sorted_addresses(self, book: LedgerBook) -> list[str]:
        added = len(book.accounts) - len(self.addresses)
        if added > 0:
            # The newest accounts are the last keys of the (insertion-ordered) dict.
            _merge(self.addresses, list(islice(reversed(book.accounts), added)))
        return self.addresses

    def transactions_by(self, book: LedgerBook, column: str) -> DateIndex:
        """Every transaction by ``column`` (``timestamp`` or ``inserted_at``), up to date."""
        found = self.by_date[column]
        if found.known < len(book.tx_ids):
            added = [book.transactions[tx_id] for tx_id in book.tx_ids[found.known :]]
            found.add([(micros(tx.timestamp if column == "timestamp" else tx.inserted_at), tx.id) for tx in added])
            found.known = len(book.tx_ids)
        return found


def _merge(items: list, added: list) -> None:
    """Add ``added`` to the sorted ``items``: one by one when few (a bisection each), else all
    at once (Timsort merges the sorted run with the new one)."""
    if len(added) <= 64:
        for item in added:
            bisect.insort(items, item)
    else:
        items.extend(added)
        items.sort()


_INDEXES: weakref.WeakKeyDictionary[LedgerBook, BookIndex] = weakref.WeakKeyDictionary()


def of(book: LedgerBook) -> BookIndex:
    found = _INDEXES.get(book)
    if found is None:
        found = _INDEXES[book] = BookIndex()
    return found
