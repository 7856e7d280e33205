"""What a ledger list must hold and in which order, predicted from the model (spec: `v2ListTransactions`,
`v2ListAccounts`, `V2TransactionsFilter`, `V2AccountsFilter`).

Only the filters the generators send are understood: one `$match` on a full address (`account`, `source`,
`destination`), the `reverted` flag, `metadata[key]` (exact value), and on accounts a partial `address`
(`users:`: first segment `users`, any length).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from contract_tests.oracle.ledger_model import LedgerModel, TxRecord

__all__ = ["account_matches", "expected_accounts", "expected_transactions", "in_order", "transaction_matches"]


def _single_match(filter_: dict[str, Any] | None) -> tuple[str, Any] | None:
    if not filter_:
        return None
    (field, value), *_ = filter_["$match"].items()
    return field, value


def transaction_matches(tx: TxRecord, filter_: dict[str, Any] | None) -> bool:
    match = _single_match(filter_)
    if match is None:
        return True
    field, value = match
    if field == "account":
        return any(value in (p["source"], p["destination"]) for p in tx.postings)
    if field in ("source", "destination"):
        return any(p[field] == value for p in tx.postings)
    if field == "reverted":
        return tx.reverted is value
    if field.startswith("metadata["):
        return tx.metadata.get(field[len("metadata[") : -1]) == value
    raise ValueError(f"a filter the model does not know: {filter_}")


def _address_matches(pattern: str, address: str) -> bool:
    """The accounts' address rule: each non-empty segment of the pattern equals the address's at its place;
    the segment count is fixed only when the pattern's last segment is not empty."""
    wanted, segments = pattern.split(":"), address.split(":")
    if wanted[-1] and len(wanted) != len(segments):
        return False
    return all(not part or (i < len(segments) and segments[i] == part) for i, part in enumerate(wanted))


def account_matches(model: LedgerModel, address: str, filter_: dict[str, Any] | None) -> bool:
    match = _single_match(filter_)
    if match is None:
        return True
    field, value = match
    if field == "address":
        return _address_matches(value, address)
    if field.startswith("metadata["):
        return model.account_metadata.get(address, {}).get(field[len("metadata[") : -1]) == value
    raise ValueError(f"a filter the model does not know: {filter_}")


def expected_transactions(model: LedgerModel, filter_: dict[str, Any] | None) -> set[int]:
    return {tx.id for tx in model.transactions.values() if transaction_matches(tx, filter_)}


def expected_accounts(model: LedgerModel, filter_: dict[str, Any] | None) -> set[str]:
    return {address for address in model.accounts if account_matches(model, address, filter_)}


def in_order(keys: list[Any], *, descending: bool) -> bool:
    """Strictly ordered (no key twice): the order a list documents for its default sort."""
    pairs = list(pairwise(keys))
    return all(a > b for a, b in pairs) if descending else all(a < b for a, b in pairs)
