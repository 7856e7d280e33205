"""Each wallets check against tables of good and bad fabricated answers."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.transport.client import Exchange
from tests.contract.fabricate import service_exchange

BASE = "http://127.0.0.1:9/api/wallets"
WALLET = "6a2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
USD = "USD/2"


def wallets_exchange(operation_id: str, status: int, body: Any = None) -> Exchange:
    return service_exchange(BASE, "wallets", WALLET, operation_id, status, body)


def wallet(assets: dict[str, int]) -> dict[str, Any]:
    main = {"assets": assets}
    return {"data": {"id": WALLET, "name": "w", "metadata": {}, "ledger": "wallets-002", "balances": {"main": main}}}


def hold(original: int, remaining: int) -> dict[str, Any]:
    return {"data": {"id": WALLET, "walletID": WALLET, "originalAmount": original, "remaining": remaining}}


def summary(balances: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {"data": {"balances": [{"name": name, "assets": assets} for name, assets in balances.items()]}}


def refusal(code: str) -> dict[str, str]:
    return {"errorCode": code, "errorMessage": "refused"}


REFUSED = {"status": 400, "code": "INSUFFICIENT_FUND", "why": "overdraw"}
# (check, operation, status, body, expectation keywords, holds)
TABLE: list[tuple[str, str, int, Any, dict[str, Any], bool]] = [
    ("wallet_matches_model", "getWallet", 200, wallet({USD: 100}), {"expected": {USD: 100}}, True),
    ("wallet_matches_model", "getWallet", 200, wallet({USD: 100, "EUR/2": 0}), {"expected": {USD: 100}}, True),
    ("wallet_matches_model", "getWallet", 200, wallet({USD: 90}), {"expected": {USD: 100}}, False),
    ("wallet_matches_model", "getBalance", 200, {"data": {"name": "x", "assets": {}}}, {"expected": {USD: 5}}, False),
    (
        "wallet_matches_ledger",
        "getWalletSummary",
        200,
        summary({"main": {USD: 5}}),
        {"ledger": {"main": {USD: 5}}},
        True,
    ),
    (
        "wallet_matches_ledger",
        "getWalletSummary",
        200,
        summary({"main": {USD: 5}, "side": {}}),
        {"ledger": {"main": {USD: 5, "EUR/2": 0}, "side": {}}},
        True,
    ),
    (
        "wallet_matches_ledger",
        "getWalletSummary",
        200,
        summary({"main": {USD: 5}}),
        {"ledger": {"main": {USD: 4}}},
        False,
    ),
    (
        "wallet_matches_ledger",
        "getWalletSummary",
        200,
        summary({"main": {USD: 5}}),
        {"ledger": {"main": {USD: 5}, "side": {USD: 1}}},
        False,
    ),
    ("hold_matches_model", "getHold", 200, hold(100, 40), {"original": 100, "remaining": 40}, True),
    ("hold_matches_model", "getHold", 200, hold(100, 100), {"original": 100, "remaining": 40}, False),
    ("hold_remaining_never_grows", "getHold", 200, hold(100, 40), {"before": 40}, True),
    ("hold_remaining_never_grows", "getHold", 200, hold(100, 50), {"before": 40}, False),
    ("hold_remaining_never_grows", "getHold", 200, hold(100, 150), {"before": None}, False),
    ("hold_settlement_bounded", "getHold", 200, hold(100, 40), {"paid": 50, "returned": 10}, True),
    ("hold_settlement_bounded", "getHold", 200, hold(100, 40), {"paid": 100, "returned": 0}, False),
    ("wallet_overdraft_refused", "debitWallet", 400, refusal("INSUFFICIENT_FUND"), REFUSED, True),
    ("wallet_overdraft_refused", "debitWallet", 204, None, REFUSED, False),
    ("wallet_overdraft_refused", "debitWallet", 400, refusal("VALIDATION"), REFUSED, False),
    ("closed_hold_refused", "voidHold", 400, refusal("HOLD_CLOSED"), {**REFUSED, "code": "HOLD_CLOSED"}, True),
    ("closed_hold_refused", "voidHold", 204, None, {**REFUSED, "code": "HOLD_CLOSED"}, False),
    ("hold_overconfirm_refused", "confirmHold", 204, None, REFUSED, False),
    ("invalid_balances_refused", "debitWallet", 400, refusal("VALIDATION"), {**REFUSED, "code": "VALIDATION"}, True),
    ("invalid_balances_refused", "debitWallet", 204, None, {**REFUSED, "code": "VALIDATION"}, False),
    ("error_body", "getWallet", 404, None, {}, True),  # the release's 404s are bodiless, as the spec declares
    ("error_body", "debitWallet", 400, refusal("HOLD_CLOSED"), {}, True),
    ("error_body", "debitWallet", 400, refusal("NOT_FOUND"), {}, False),
    ("error_body", "debitWallet", 400, None, {}, False),  # a 400 is declared with its Error body
    ("error_body", "getWallet", 500, refusal("INTERNAL_ERROR"), {}, True),
]


@pytest.mark.parametrize(
    ("check", "operation", "status", "body", "expectation", "holds"),
    TABLE,
    ids=[f"{row[0]}-{n}" for n, row in enumerate(TABLE)],
)
def test_wallets_check(
    check: str, operation: str, status: int, body: Any, expectation: dict[str, Any], holds: bool
) -> None:
    ex = wallets_exchange(operation, status, body)
    entry = load_all()[check]
    if holds:
        entry.fn(ex, **expectation)
    else:
        with pytest.raises(Violation):
            entry.fn(ex, **expectation)


def test_every_wallets_check_is_in_the_table() -> None:
    registry = load_all()
    wallets = {name for name, c in registry.items() if c.fn.__module__ == "contract_tests.checks.wallets_model"}
    assert wallets - {row[0] for row in TABLE} == set()
    assert {registry[name].service for name in wallets} == {"wallets"}
