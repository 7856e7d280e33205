"""Checks of the ledger's whole-ledger reads: lists walked page by page, the log, the money in it.

`CheckedApi.list_all` walks a list along `next` (and `previous` back); these checks judge what the walk
collected (`Exchange.data`) against the model: every item once, in the documented order, filtered as asked;
the log chained and one entry per write; the money of every asset summing to zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from contract_tests.checks.pagination import item_key
from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.oracle.ledger_lists import in_order
from contract_tests.oracle.ledger_logs import chain_problems

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []


def _keys(ex: Exchange) -> list[Any]:
    data = ex.data if isinstance(ex.data, list) else []
    return [item_key(item) for item in data if isinstance(item, dict)]


def _shown(values: Iterable[Any], most: int = 8) -> str:
    listed = sorted(values, key=str)
    return ", ".join(map(str, listed[:most])) + (f" (+{len(listed) - most})" if len(listed) > most else "")


@check(kind="model")
def ledger_list_complete(ex: Exchange, *, expected: set[Any], filter_: Any = None) -> None:
    """A list walked to its end holds every item the writes made that matches its filter."""
    missing = set(expected) - set(_keys(ex))
    if missing:
        raise Violation(
            "written items missing from the list",
            expected=f"{_shown(missing)} listed (filter {filter_})",
            actual=f"listed: {_shown(_keys(ex))}",
            kind="missing",
        )


@check(kind="model")
def ledger_filter_applied(ex: Exchange, *, expected: set[Any], filter_: Any = None) -> None:
    """A list holds only items that match its filter (and that the writes made)."""
    extra = set(_keys(ex)) - set(expected)
    if extra:
        raise Violation(
            "listed items that do not match the filter" if filter_ else "listed items no write made",
            expected=f"only {_shown(expected)} (filter {filter_})",
            actual=f"also {_shown(extra)}",
            kind="filtered" if filter_ else "unexpected",
        )


@check(kind="model")
def ledger_list_ordered(ex: Exchange, *, descending: bool) -> None:
    """A list walked page by page comes in its documented order, with no item twice.

    Transactions and logs newest first (`reverse=true`: oldest first), accounts by ascending address."""
    keys = _keys(ex)
    if not in_order(keys, descending=descending):
        raise Violation(
            "list out of order",
            expected="descending" if descending else "ascending",
            actual=_shown(keys, most=20) if len(keys) <= 20 else f"{keys[:20]}...",
            kind="order",
        )


@check(kind="model")
def money_conserved(ex: Exchange, *, assets: set[str]) -> None:
    """Money is conserved: over every account, world included, each asset's balances sum to zero."""
    totals: dict[str, int] = dict.fromkeys(assets, 0)
    if ex.operation.name == "getBalancesAggregated":
        shown = ex.data if isinstance(ex.data, dict) else {}
        totals.update({asset: value for asset, value in shown.items() if isinstance(value, int)})
    else:
        for item in ex.data if isinstance(ex.data, list) else []:
            for asset, volume in ((item.get("volumes") or {}) if isinstance(item, dict) else {}).items():
                if isinstance(volume, dict) and isinstance(volume.get("balance"), int):
                    totals[asset] = totals.get(asset, 0) + volume["balance"]
    unbalanced = {asset: total for asset, total in sorted(totals.items()) if total != 0}
    if unbalanced:
        raise Violation(
            "money created or destroyed",
            expected="every asset summing to 0 over all accounts",
            actual=str(unbalanced),
            kind="not conserved",
        )


def _oldest_first(ex: Exchange) -> list[dict[str, Any]]:
    logs = [log for log in ex.data if isinstance(log, dict)] if isinstance(ex.data, list) else []
    return sorted(logs, key=lambda log: log.get("id") if isinstance(log.get("id"), int) else -1)


@check(kind="model")
def log_chain_valid(ex: Exchange) -> None:
    """Each log's hash recomputes from the previous log's by the documented recipe (`V2Log.hash`)."""
    problems = chain_problems(_oldest_first(ex))
    if problems:
        raise Violation(
            "the log hash chain is broken",
            expected="every hash = SHA-256 of the previous hash and the log, as V2Log.hash says",
            actual="; ".join(problems[:3]),
            kind="hash" if "hash" in problems[0] else "log order",
        )


@check(kind="model")
def logs_match_writes(ex: Exchange, *, types: list[str], dense: bool) -> None:
    """The log holds one entry per successful write, of its type, in order, with ids from 1.

    Log ids are dense unless a dry run or a failed write may have burnt one (then only increasing)."""
    logs = _oldest_first(ex)
    shown = [log.get("type") for log in logs]
    if shown != types:
        raise Violation(
            "the log does not match the writes",
            expected=f"{len(types)} logs: {types[-6:]}",
            actual=f"{len(shown)} logs: {shown[-6:]}",
            kind="log count" if len(shown) != len(types) else "log types",
        )
    ids = [log.get("id") for log in logs]
    if dense and ids != list(range(1, len(ids) + 1)):
        raise Violation("log ids not dense from 1", expected=f"1..{len(ids)}", actual=f"{ids[:10]}", kind="log ids")
