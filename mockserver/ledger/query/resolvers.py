"""Each resource's filter leaves as Python tests, after the release's ``ResolveFilter``.

One function per resource, from formancehq/ledger v2.4.6 ``internal/storage/ledger/
resource_transactions.go``, ``resource_accounts.go``, ``resource_logs.go`` and
``internal/storage/system/resource_ledgers.go`` (volumes and aggregated balances live in
rows.py). Dates in a filter are compared by their wall clock: the release passes the text to
PostgreSQL, which reads a literal compared with a ``timestamp without time zone`` column
ignoring its zone. What the release refuses while building its SQL is raised here: ``Invalid``
where it maps the error to 400, ``Unmapped`` where it answers 500 (see errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.ledger.model import Account, LedgerInfo, Log, Transaction
from mockserver.ledger.query import gotime
from mockserver.ledger.query.address import account_matcher, is_partial, transaction_matcher
from mockserver.ledger.query.errors import Invalid, Unmapped
from mockserver.ledger.query.expression import Leaf
from mockserver.ledger.query.predicates import COMPARISONS, Compiled, compare, like, metadata_leaf

BALANCE_KEY = re.compile(r"balance\[(.*)]")  # internal/storage/ledger/accounts.go
FEATURES_KEY = re.compile(r"features\[(.+)]")
IN_PARTIAL = "IN operator only supports full addresses"


def sql_timestamp(value: str) -> datetime:
    """A filter's date as PostgreSQL reads it against a ``timestamp`` column: its wall clock."""
    return gotime.parse_wall(value)[0]


def address_leaf(leaf: Leaf, family: Callable[[str], Callable[[str], bool]], read: Callable[[Any], str]) -> Compiled:
    """An address of the accounts family (``address``, ``account`` on volumes): ``$in`` an exact
    list, anything else a pattern. A partial address in ``$in`` is an ``ErrInvalidQuery`` of the
    storage package, which the API does not map: a 500 from the release."""
    if leaf.operator == "$in":
        if any(is_partial(address) for address in leaf.value):
            raise Unmapped(IN_PARTIAL)
        wanted = frozenset(leaf.value)
        return Compiled(lambda row: read(row) in wanted)
    matcher = family(leaf.value)
    return Compiled(lambda row: matcher(read(row)))


def _string_leaf(leaf: Leaf, read: Callable[[Any], str | None], *, nullable: bool) -> Compiled:
    """``col = v``, ``col LIKE v`` or ``col IN (...)`` on a string column."""
    if leaf.operator == "$in":
        wanted = frozenset(leaf.value)
        test: Callable[[Any], Any] = lambda got: got in wanted  # noqa: E731
    elif leaf.operator == "$like":
        test = like(leaf.value)
    else:
        value = leaf.value
        test = lambda got: got == value  # noqa: E731
    if nullable:
        return Compiled(lambda row: None if (got := read(row)) is None else test(got), True)
    return Compiled(lambda row: bool(test(read(row))))


def _date_leaf(leaf: Leaf, read: Callable[[Any], datetime]) -> Compiled:
    op, value = COMPARISONS[leaf.operator], sql_timestamp(leaf.value)
    return Compiled(lambda row: op(read(row), value))


def reverted_at(tx: Transaction, pit: datetime | None) -> datetime | None:
    """``reverted_at`` as the release's dataset shows it: only when it happened by ``pit``."""
    if pit is None or (tx.reverted_at is not None and tx.reverted_at <= pit):
        return tx.reverted_at
    return None


def transaction_leaf(leaf: Leaf, pit: datetime | None, metadata_at_pit: bool) -> Compiled:
    key, operator = leaf.key, leaf.operator
    if key == "id":
        op, value = COMPARISONS[operator], leaf.value
        return Compiled(lambda tx: op(tx.id, value))
    if key == "reference":
        return _string_leaf(leaf, lambda tx: tx.reference, nullable=True)
    if key in ("timestamp", "inserted_at", "updated_at"):
        return _date_leaf(leaf, _DATE_READERS[key])
    if key == "reverted":
        wanted = leaf.value
        return Compiled(lambda tx: (reverted_at(tx, pit) is not None) == wanted)
    if key == "reverted_at":
        return compare(operator, sql_timestamp(leaf.value), lambda tx: reverted_at(tx, pit))
    if key in ("account", "source", "destination"):
        return _posting_leaf(leaf)
    if metadata_at_pit and pit is not None:
        found = metadata_leaf(leaf, lambda tx: tx.metadata_at(pit))
    else:
        found = metadata_leaf(leaf, lambda tx: tx.metadata)
    if found is None:  # metadata[] or metadata[k: "unsupported filter", a plain error
        raise Unmapped(f"unsupported filter: {key} (write metadata[<key>])")
    return found


_DATE_READERS: dict[str, Callable[[Any], datetime]] = {
    "timestamp": lambda row: row.timestamp,
    "inserted_at": lambda row: row.inserted_at,
    "updated_at": lambda row: row.updated_at,
    "first_usage": lambda row: row.first_usage,
    "insertion_date": lambda row: row.insertion_date,
    "date": lambda row: row.date,
}


def _posting_leaf(leaf: Leaf) -> Compiled:
    """``account`` (either side), ``source``, ``destination``: the transactions family's
    patterns; ``$like`` is ``$match``; ``$in`` an exact list (``?|``)."""
    sides = {"account": (True, True), "source": (True, False), "destination": (False, True)}[leaf.key]
    if leaf.operator == "$in":
        if any(is_partial(address) for address in leaf.value):
            raise Unmapped(IN_PARTIAL)
        wanted = frozenset(leaf.value)
        match: Callable[[str], bool] = wanted.__contains__
    else:
        match = transaction_matcher(leaf.value)
    source, destination = sides
    if source and destination:
        return Compiled(lambda tx: any(match(p.source) or match(p.destination) for p in tx.postings))
    if source:
        return Compiled(lambda tx: any(match(p.source) for p in tx.postings))
    return Compiled(lambda tx: any(match(p.destination) for p in tx.postings))


def account_leaf(leaf: Leaf, pit: datetime | None, metadata_at_pit: bool, moves_history: bool) -> Compiled:
    key = leaf.key
    if key in ("address", "account"):
        return address_leaf(leaf, account_matcher, lambda account: account.address)
    if key in ("first_usage", "insertion_date", "updated_at"):
        return _date_leaf(leaf, _DATE_READERS[key])
    if key == "balance" or BALANCE_KEY.search(key):
        if pit is not None and not moves_history:
            raise Invalid('missing feature "MOVES_HISTORY"')
        if leaf.operator not in COMPARISONS:  # $exists: ConvertOperatorToSQL panics
            raise Unmapped(f"operator '{leaf.operator}' is not allowed for property 'balance'")
        found = BALANCE_KEY.search(key)
        read = _balance_reader(found.group(1) if found else None, pit)
        return compare(leaf.operator, leaf.value, read)
    if metadata_at_pit and pit is not None:
        result = metadata_leaf(leaf, lambda account: account.metadata_at(pit))
    else:
        result = metadata_leaf(leaf, lambda account: account.metadata)
    if result is None:
        raise Invalid(f"invalid filter property {key}")
    return result


def _balance_reader(asset: str | None, pit: datetime | None) -> Callable[[Account], int | None]:
    """The account's balance in ``asset`` (effective, at ``pit``); NULL without a row. Without an
    asset the release's scalar subquery fails on an account holding several: a 500."""

    def volumes_of(account: Account) -> dict[str, tuple[int, int]]:
        if pit is None:
            return {name: (book.input, book.output) for name, book in account.volumes.items()}
        seen = {name: book.at_effective(pit) for name, book in account.volumes.items()}
        return {name: value for name, value in seen.items() if value is not None}

    if asset is not None:
        return lambda account: _balance_in(account, asset, pit)

    def only(account: Account) -> int | None:
        rows = volumes_of(account)
        if len(rows) > 1:
            raise Unmapped(
                f"a balance filter without an asset matched account {account.address}, which holds "
                f"{len(rows)} assets: write balance[<ASSET>]"
            )
        return next((got - sent for got, sent in rows.values()), None)

    return only


def _balance_in(account: Account, asset: str, pit: datetime | None) -> int | None:
    book = account.volumes.get(asset)
    if book is None:
        return None
    if pit is None:
        return book.input - book.output
    seen = book.at_effective(pit)
    return None if seen is None else seen[0] - seen[1]


def log_leaf(leaf: Leaf) -> Compiled:
    if leaf.key in ("date", "id"):
        if leaf.key == "id":
            op, value = COMPARISONS[leaf.operator], leaf.value
            return Compiled(lambda log: op(log.id, value))
        return _date_leaf(leaf, _DATE_READERS["date"])
    if leaf.operator == "$in":  # ConvertOperatorToSQL panics on $in
        raise Unmapped("$in is not supported on the log type: use $match or $like")
    return _string_leaf(leaf, _log_type, nullable=False)


def _log_type(log: Log) -> str:
    return log.type


def ledger_leaf(leaf: Leaf) -> Compiled:
    """``bucket`` is an equality whatever the operator (an array never equals a name);
    ``features[K]`` and ``metadata[k]`` containment, ``metadata`` key existence, ``name``."""
    key = leaf.key
    if key == "bucket":
        value = leaf.value
        return Compiled(lambda info: info.bucket == value)
    found = FEATURES_KEY.search(key)
    if found is not None:
        name, value = found.group(1), leaf.value
        return Compiled(lambda info: info.features.get(name) == value)
    result = metadata_leaf(leaf, _ledger_metadata)
    if result is not None:
        return result
    if key == "name":
        if leaf.operator == "$in":  # ConvertOperatorToSQL panics on $in
            raise Unmapped("$in is not supported on the ledger name: use $match or $like")
        return _string_leaf(leaf, _ledger_name, nullable=False)
    raise Invalid(f"invalid filter property {key}")


def _ledger_metadata(info: LedgerInfo) -> dict[str, str]:
    return info.metadata


def _ledger_name(info: LedgerInfo) -> str:
    return info.name
