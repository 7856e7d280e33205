"""Model checks of the wallets: an answer compared with the suite's model (``oracle/wallets_model.py``) and
with the ledger the wallets live in.

* ``wallet_matches_model``: a wallet's (or one balance's) assets are what the credits and debits left;
* ``wallet_matches_ledger``: every balance of a wallet is its ledger account's balance, asset by asset;
* ``hold_matches_model``: a hold's ``originalAmount`` and ``remaining`` are the model's;
* ``hold_remaining_never_grows``: a hold's ``remaining`` is never above what it was, nor above ``originalAmount``;
* ``hold_settlement_bounded``: what confirmations paid plus what came back to the wallet plus what remains is
  exactly what was held, never more;
* the refusals the contract names (status and errorCode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["WALLET_REFUSALS"]


def _refusal_check(name: str, promise: str) -> None:
    def refused(ex: Exchange, *, status: int, code: str, why: str = "") -> None:
        body = ex.json()
        got = body.get("errorCode") if isinstance(body, dict) else None
        if ex.status != status or got != code:
            raise Violation(
                f"{why or promise}: got {ex.status} {got or ''}".strip(),
                expected=f"{status} {code} ({why or promise})",
                actual=ex.describe(),
                kind=f"status {ex.status} {got}: {why}",
            )

    refused.__doc__ = promise
    check(kind="model", name=name, service="wallets")(refused)


WALLET_REFUSALS: dict[str, str] = {
    "wallet_overdraft_refused": "a debit its balances cannot cover is refused (400 INSUFFICIENT_FUND), nothing moves",
    "hold_overconfirm_refused": "confirming more than remains on a hold is 400 INSUFFICIENT_FUND",
    "closed_hold_refused": "confirming or voiding a hold with nothing left is 400 HOLD_CLOSED",
    "invalid_balances_refused": "a debit naming `*` with other balances, or an unknown balance, is 400 VALIDATION",
}
for _name, _promise in WALLET_REFUSALS.items():
    _refusal_check(_name, _promise)


def _assets_of(ex: Exchange) -> dict[str, Any] | None:
    data = ex.data if isinstance(ex.data, dict) else {}
    if ex.operation.name == "getWallet":
        return ((data.get("balances") or {}).get("main") or {}).get("assets")
    return data.get("assets")


@check(kind="model", service="wallets")
def wallet_matches_model(ex: Exchange, *, expected: dict[str, int]) -> None:
    """A wallet's main balance (getWallet) or one balance (getBalance) holds what the calls left, per asset."""
    shown = _assets_of(ex)
    if not isinstance(shown, dict):
        return  # the schema checks report a missing or malformed `assets`
    nonzero = {asset: amount for asset, amount in shown.items() if amount != 0}
    wanted = {asset: amount for asset, amount in expected.items() if amount != 0}
    if nonzero != wanted:
        raise Violation(
            "balance differs from the model",
            expected=f"assets {wanted}",
            actual=f"assets {shown}\n{ex.describe()}",
            kind="assets",
        )


@check(kind="model", service="wallets")
def wallet_matches_ledger(ex: Exchange, *, ledger: dict[str, dict[str, int]]) -> None:
    """The summary's balances are the wallet's ledger accounts (balance name -> asset -> ledger balance)."""
    balances = (ex.data or {}).get("balances") if isinstance(ex.data, dict) else None
    if not isinstance(balances, list):
        return
    shown = {
        str(b.get("name")): {a: n for a, n in (b.get("assets") or {}).items() if n != 0}
        for b in balances
        if isinstance(b, dict)
    }
    accounts = {name: {a: n for a, n in assets.items() if n != 0} for name, assets in ledger.items()}
    if shown != accounts:
        raise Violation(
            "a wallet's balances are not its ledger accounts",
            expected=f"balances {accounts} (the ledger's accounts)",
            actual=f"balances {shown}",
            kind="ledger",
        )


def _hold(ex: Exchange) -> dict[str, Any]:
    return ex.data if isinstance(ex.data, dict) else {}


@check(kind="model", service="wallets")
def hold_matches_model(ex: Exchange, *, original: int, remaining: int) -> None:
    """A hold's `originalAmount` is what the pending debit moved, its `remaining` what the model left."""
    hold = _hold(ex)
    shown = (hold.get("originalAmount"), hold.get("remaining"))
    if shown != (original, remaining):
        raise Violation(
            "hold differs from the model",
            expected=f"originalAmount {original}, remaining {remaining}",
            actual=f"originalAmount {shown[0]}, remaining {shown[1]}",
            kind="hold",
        )


@check(kind="model", service="wallets")
def hold_remaining_never_grows(ex: Exchange, *, before: int | None) -> None:
    """A hold's `remaining` never grows, and never exceeds its `originalAmount`."""
    hold = _hold(ex)
    remaining, original = hold.get("remaining"), hold.get("originalAmount")
    if not isinstance(remaining, int) or not isinstance(original, int):
        return
    if remaining > original or remaining < 0 or (before is not None and remaining > before):
        raise Violation(
            "a hold's remaining grew",
            expected=f"0 <= remaining <= {before if before is not None else original} (originalAmount {original})",
            actual=f"remaining {remaining}",
            kind="grew",
        )


@check(kind="model", service="wallets")
def hold_settlement_bounded(ex: Exchange, *, paid: int, returned: int) -> None:
    """Confirmations (`paid`, read at the destination) plus what came back to the wallet (`returned`, read on
    its balances) plus what remains is exactly `originalAmount`: confirm and void never move more than held."""
    hold = _hold(ex)
    remaining, original = hold.get("remaining"), hold.get("originalAmount")
    if not isinstance(remaining, int) or not isinstance(original, int):
        return
    if paid + returned + remaining != original:
        raise Violation(
            "confirm and void moved other than was held",
            expected=f"paid + returned + remaining = originalAmount {original}",
            actual=f"paid {paid} + returned {returned} + remaining {remaining}",
            kind="settlement",
        )
