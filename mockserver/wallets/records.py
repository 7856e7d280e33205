"""Wallets, balances and holds read back from ledger accounts, in the JSON the release answers.

Each reader is the release's, applied to an account as ``GET /v2/{ledger}/accounts`` gives it
(formancehq/wallets v2.1.5 ``pkg/wallet.go`` ``WithBalancesFromAccount``, ``pkg/balance.go``
``BalanceFromAccount`` and ``ExpandedBalanceFromAccount``, ``pkg/hold.go``
``DebitHoldFromLedgerAccount`` and ``ExpandedDebitHoldFromLedgerAccount``), and each writes its
fields in the order of the release's Go structs. A balance's assets are its volumes' input minus
output (zeros included); an account read without volumes has none.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, rfc3339
from mockserver.wallets import keys
from mockserver.wallets.chart import MAIN
from mockserver.wallets.errors import internal

Account = dict[str, Any]
ZERO_TIME = "0001-01-01T00:00:00Z"


def assets(account: Account) -> dict[str, int]:
    """Asset -> balance of an account's volumes (``{}`` when it was read without them)."""
    return {asset: volume["input"] - volume["output"] for asset, volume in (account.get("volumes") or {}).items()}


def parse_time(text: str) -> datetime:
    """go-libs ``time.ParseTime``: RFC 3339, rounded to the microsecond, in UTC. The release panics
    on a value it wrote itself and cannot read (only a hand-edited account has one): a 500 here."""
    try:
        return parse_rfc3339(text)
    except ValueError:
        raise internal(f'parsing time "{text}" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse') from None


def wallet(account: Account, ledger: str, *, strict: bool = True) -> dict[str, Any]:
    """``Wallet`` / ``WalletWithBalances``: the main account's identity and its balances as
    ``balances.main`` (an ``ExpandedBalance`` with no name, never expiring, priority 0). Not
    ``strict`` (the control API's view), a creation date that does not parse reads as Go's zero time."""
    metadata = account.get("metadata") or {}
    created = metadata.get(keys.CREATED_AT, "")
    if not strict:
        try:
            parse_rfc3339(created)
        except ValueError:
            created = ZERO_TIME
    return {
        "id": metadata.get(keys.WALLET_ID, ""),
        "name": metadata.get(keys.WALLET_NAME, ""),
        "metadata": keys.extract_custom(metadata),
        "createdAt": rfc3339(parse_time(created)),
        "ledger": ledger,
        "balances": {MAIN: {"expiresAt": None, "priority": 0, "assets": assets(account)}},
    }


def expiry(account: Account) -> datetime | None:
    raw = (account.get("metadata") or {}).get(keys.BALANCE_EXPIRES_AT, "")
    return parse_time(raw) if raw else None


def priority(account: Account) -> int:
    raw = (account.get("metadata") or {}).get(keys.BALANCE_PRIORITY, "")
    if not raw:
        return 0
    try:
        return int(raw, 10)
    except ValueError:
        raise internal(f'strconv.ParseInt: parsing "{raw}": invalid syntax') from None


def balance(account: Account) -> dict[str, Any]:
    """``Balance``: ``name`` (left out when empty), ``expiresAt`` (null: never), ``priority``."""
    name = (account.get("metadata") or {}).get(keys.BALANCE_NAME, "")
    expires = expiry(account)
    shown: dict[str, Any] = {"name": name} if name else {}
    shown["expiresAt"] = rfc3339(expires) if expires is not None else None
    shown["priority"] = priority(account)
    return shown


def expanded_balance(account: Account) -> dict[str, Any]:
    """``ExpandedBalance`` (``BalanceWithAssets``): the balance and its assets."""
    return {**balance(account), "assets": assets(account)}


def spending_order(account: Account) -> tuple[Any, ...]:
    """``Balances.Less`` as a sort key (sorted stably, as ``sort.Stable``): ``main`` last; balances
    that expire before those that do not; the earliest expiry first; then the lowest priority."""
    name = (account.get("metadata") or {}).get(keys.BALANCE_NAME, "")
    if name == MAIN:
        return (1,)
    expires = expiry(account)
    if expires is not None:
        return (0, 0, expires)
    return (0, 1, priority(account))


def subject(raw: str) -> dict[str, str]:
    """A hold's destination, from ``wallets/holds/subject`` (``Subject``: ``balance`` left out
    when empty). The release panics on a value that is no JSON object of strings."""
    try:
        found = json.loads(raw)
        if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
            raise ValueError(raw)
    except ValueError:
        raise internal("unexpected end of JSON input") from None
    shown = {"type": found.get("type", ""), "identifier": found.get("identifier", "")}
    if found.get("balance"):
        shown["balance"] = found["balance"]
    return shown


def hold(account: Account) -> dict[str, Any]:
    """``DebitHold``: id, walletID, destination, asset, metadata, description."""
    metadata = account.get("metadata") or {}
    return {
        "id": metadata.get(keys.HOLD_ID, ""),
        "walletID": metadata.get(keys.HOLD_WALLET_ID, ""),
        "destination": subject(metadata.get(keys.HOLD_SUBJECT, "")),
        "asset": metadata.get(keys.HOLD_ASSET, ""),
        "metadata": keys.extract_custom(metadata),
        "description": metadata.get(keys.HOLD_DESCRIPTION, ""),
    }


def expanded_hold(account: Account) -> dict[str, Any]:
    """``ExpandedDebitHold``: the hold, ``originalAmount`` (what entered the hold account in its
    asset) and ``remaining`` (what is still on it); null when that asset never moved there."""
    shown = hold(account)
    volume = (account.get("volumes") or {}).get(shown["asset"])
    shown["originalAmount"] = volume["input"] if volume is not None else None
    shown["remaining"] = volume["input"] - volume["output"] if volume is not None else None
    return shown


def is_primary(account: Account | None) -> bool:
    return account is not None and (account.get("metadata") or {}).get(keys.SPEC_TYPE) == keys.PRIMARY


def is_hold(account: Account | None) -> bool:
    return account is not None and (account.get("metadata") or {}).get(keys.SPEC_TYPE) == keys.HOLD


def is_balance(account: Account | None) -> bool:
    return account is not None and (account.get("metadata") or {}).get(keys.IS_BALANCE) == keys.TRUE


def transaction(tx: dict[str, Any], ledger: str) -> dict[str, Any]:
    """A ledger transaction as ``GET /transactions`` lists it (``pkg/transaction.go``): the fields
    formance-sdk-go v3.4.1's ``V2Transaction`` decodes, plus ``ledger``, re-encoded through a Go
    map, so every object's keys come out sorted."""
    kept = {key: value for key, value in tx.items() if key in _SDK_TRANSACTION_FIELDS}
    kept["ledger"] = ledger
    return _sorted(kept)


_SDK_TRANSACTION_FIELDS = frozenset(
    {
        *("id", "insertedAt", "metadata", "postCommitEffectiveVolumes", "postCommitVolumes", "postings"),
        *("preCommitEffectiveVolumes", "preCommitVolumes", "reference", "reverted", "revertedAt", "timestamp"),
    }
)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
