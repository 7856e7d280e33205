"""Volumes rows and aggregated balances: what ``/volumes`` and ``/aggregate/balances`` sum.

formancehq/ledger v2.4.6 ``internal/storage/ledger/resource_volumes.go``: one row per (account,
asset), the current totals without ``pit``/``oot``; with either, the moves dated in [oot, pit]
(both inclusive; effective dates, or insertion dates with ``insertionDate``) summed, and only the
pairs that moved then. Filters apply per row (``balance[X]`` also drops the other assets' rows),
before ``groupBy`` cuts each address to its first N segments and sums per (group, asset).
``resource_aggregated_balances.go``: per asset, the sum over the matching accounts of their
current totals, or, with ``pit``, of their latest volumes by effective date (by insertion date
with ``useInsertionDate``) at that time. Metadata filters read the revision dated at ``pit`` (the
release's left join leaves it NULL when there is none), the current one otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from mockserver.ledger.model import Account
from mockserver.ledger.query.address import account_matcher
from mockserver.ledger.query.cursor import DESC, Query
from mockserver.ledger.query.errors import Invalid, Unmapped
from mockserver.ledger.query.expression import Leaf
from mockserver.ledger.query.predicates import COMPARISONS, Compiled, metadata_leaf
from mockserver.ledger.query.resolvers import BALANCE_KEY, address_leaf, sql_timestamp


class VolumeRow:
    """``VolumesWithBalanceByAssetByAccount``: one account's (or group's) volumes in one asset."""

    __slots__ = ("account", "address", "asset", "input", "output")

    def __init__(self, address: str, asset: str, input_: int, output: int, account: Account | None) -> None:
        self.address = address
        self.asset = asset
        self.input = input_
        self.output = output
        self.account = account

    def as_json(self) -> dict[str, Any]:
        return {
            "account": self.address,
            "asset": self.asset,
            "input": self.input,
            "output": self.output,
            "balance": self.input - self.output,
        }


def metadata_revision(account: Account, pit: datetime) -> dict[str, str] | None:
    """The account's metadata as dated at ``pit``; None when no revision is (a NULL join)."""
    if account.metadata_history is None:
        return account.metadata if account.insertion_date <= pit else None
    found = None
    for when, metadata in account.metadata_history:
        if when > pit:
            break
        found = metadata
    return found


def volume_rows(
    accounts: Iterable[Account], pit: datetime | None, oot: datetime | None, *, insertion: bool
) -> Iterator[VolumeRow]:
    """The rows of ``accounts`` (in their order), assets in ascending order within each."""
    windowed = pit is not None or oot is not None
    for account in accounts:
        for asset in sorted(account.volumes):
            book = account.volumes[asset]
            if not windowed:
                yield VolumeRow(account.address, asset, book.input, book.output, account)
                continue
            seen = book.window(oot, pit, insertion=insertion)
            if seen is not None:
                yield VolumeRow(account.address, asset, seen[0], seen[1], account)


def page_rows(accounts: Iterable[Account], query: Query, keep: Callable[[Any], Any]) -> Iterable[VolumeRow]:
    """The rows a volumes page reads, filtered, grouped when ``groupBy`` says so (the query's
    options, from the request or its cursor), in the query's order of accounts."""
    opts = query.opts or {}
    found = (
        row
        for row in volume_rows(accounts, query.pit, query.oot, insertion=bool(opts.get("insertionDate")))
        if keep(row)
    )
    level = opts.get("groupBy") or 0
    if level <= 0:
        return found
    groups = grouped(found, level)
    return groups[::-1] if query.order == DESC else groups


def grouped(rows: Iterable[VolumeRow], level: int) -> list[VolumeRow]:
    """``groupBy``: the address cut to its first ``level`` segments, volumes summed per group
    and asset, in (group, asset) order."""
    sums: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        group = ":".join(row.address.split(":")[:level])
        found = sums.setdefault((group, row.asset), [0, 0])
        found[0] += row.input
        found[1] += row.output
    return [VolumeRow(group, asset, got, sent, None) for (group, asset), (got, sent) in sorted(sums.items())]


def volume_leaf(leaf: Leaf, pit: datetime | None, oot: datetime | None) -> Compiled:
    key = leaf.key
    if key in ("address", "account"):
        return address_leaf(leaf, account_matcher, lambda row: row.address)
    if key == "first_usage":
        op, value = COMPARISONS[leaf.operator], sql_timestamp(leaf.value)
        return Compiled(lambda row: op(row.account.first_usage, value))
    if key == "balance" or BALANCE_KEY.search(key):
        if leaf.operator not in COMPARISONS:  # $exists: ConvertOperatorToSQL panics
            raise Unmapped(f"operator '{leaf.operator}' is not allowed for property 'balance'")
        op, value = COMPARISONS[leaf.operator], leaf.value
        found = BALANCE_KEY.search(key)
        if found is None:
            return Compiled(lambda row: op(row.input - row.output, value))
        asset = found.group(1)
        return Compiled(lambda row: row.asset == asset and op(row.input - row.output, value))
    if pit is not None:
        result = metadata_leaf(leaf, lambda row: metadata_revision(row.account, pit), nullable=True)
    else:
        result = metadata_leaf(leaf, lambda row: row.account.metadata)
    if result is None:  # metadata[] or metadata[k: "unsupported filter", a plain error
        raise Unmapped(f"unsupported filter {key} (write metadata[<key>])")
    return result


def aggregated_leaf(leaf: Leaf, pit: datetime | None) -> Compiled:
    if leaf.key == "address":
        return address_leaf(leaf, account_matcher, lambda account: account.address)
    if pit is not None:
        result = metadata_leaf(leaf, lambda account: metadata_revision(account, pit), nullable=True)
    else:
        result = metadata_leaf(leaf, lambda account: account.metadata)
    if result is None:
        raise Invalid(f"unknown key '{leaf.key}' when building query")
    return result


def aggregate(accounts: Iterable[Account], pit: datetime | None, *, insertion: bool) -> dict[str, int]:
    """Balance per asset over ``accounts``, assets in byte order (a Go map in JSON)."""
    totals: dict[str, list[int]] = {}
    for account in accounts:
        for asset, book in account.volumes.items():
            if pit is None:
                seen: tuple[int, int] | None = (book.input, book.output)
            else:
                seen = book.at_insertion(pit) if insertion else book.at_effective(pit)
            if seen is None:
                continue
            found = totals.setdefault(asset, [0, 0])
            found[0] += seen[0]
            found[1] += seen[1]
    return {asset: totals[asset][0] - totals[asset][1] for asset in sorted(totals)}
