"""Every ``sdk.wallets.v1`` operation of the official Python SDK (formance_sdk_python 9.x, unchanged)
against the mock, each result read back through the SDK and checked against the ledger behind it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import errors, shared
from formance_sdk_python.models.wallets import ErrorResponse

from tests.support import RunningMock
from tests.wallets.support import USD, Wallets, address


@pytest.fixture
def sdk(wallets: Wallets, mock_server: RunningMock) -> Iterator[SDK]:
    """An SDK on the mock ``wallets`` has just reset."""
    with SDK(server_url=mock_server.url, security=shared.Security(client_id="sdk", client_secret="s")) as client:
        yield client


def test_every_wallets_operation_through_the_sdk(sdk: SDK, wallets: Wallets) -> None:
    v1 = sdk.wallets.v1
    assert v1.get_server_info_wallets().server_info.version == "v2.1.5"

    created = v1.create_wallet(request={"create_wallet_request": {"name": "alice", "metadata": {"owner": "alice"}}})
    assert created.status_code == 201
    wallet = created.create_wallet_response.data
    assert (wallet.name, wallet.metadata, wallet.ledger) == ("alice", {"owner": "alice"}, "wallets-002")

    v1.update_wallet(request={"id": wallet.id, "request_body": {"metadata": {"tier": "gold"}}})
    balance = v1.create_balance(
        request={"id": wallet.id, "balance": {"name": "coupons", "expires_at": datetime(2025, 6, 1, tzinfo=UTC)}}
    ).create_balance_response.data
    assert balance.name == "coupons" and balance.expires_at == datetime(2025, 6, 1, tzinfo=UTC)

    credit = {"amount": {"asset": USD, "amount": 10_000}, "metadata": {}, "sources": [], "reference": "topup-1"}
    assert v1.credit_wallet(request={"id": wallet.id, "credit_wallet_request": credit}).status_code == 204
    coupons = {"amount": {"asset": USD, "amount": 500}, "metadata": {}, "balance": "coupons"}
    v1.credit_wallet(request={"id": wallet.id, "credit_wallet_request": coupons, "idempotency_key": "c-1"})

    read = v1.get_wallet(request={"id": wallet.id}).get_wallet_response.data
    assert read.metadata == {"owner": "alice", "tier": "gold"} and read.balances.main.assets == {USD: 10_000}
    listed = v1.list_wallets(request={"name": "alice", "expand": "balances", "page_size": 10})
    assert [w.id for w in listed.list_wallets_response.cursor.data] == [wallet.id]
    assert listed.list_wallets_response.cursor.data[0].balances.main.assets == {USD: 10_000}
    by_metadata = v1.list_wallets(request={"metadata": {"tier": "gold"}}).list_wallets_response.cursor.data
    assert [w.id for w in by_metadata] == [wallet.id]

    coupon = v1.get_balance(request={"id": wallet.id, "balance_name": "coupons"}).get_balance_response.data
    assert coupon.assets == {USD: 500}
    names = [b.name for b in v1.list_balances(request={"id": wallet.id}).list_balances_response.cursor.data]
    assert names == ["coupons", "main"]

    debit = {"amount": {"asset": USD, "amount": 800}, "metadata": {}, "balances": ["*"]}
    immediate = v1.debit_wallet(request={"id": wallet.id, "debit_wallet_request": debit})
    assert immediate.status_code == 204 and immediate.debit_wallet_response is None
    pending = {
        "amount": {"asset": USD, "amount": 2_500},
        "metadata": {"order": "o-42"},
        "pending": True,
        "description": "order o-42",
        "destination": {"type": "ACCOUNT", "identifier": "shop:42"},
    }
    held = v1.debit_wallet(request={"id": wallet.id, "debit_wallet_request": pending})
    assert held.status_code == 201
    hold = held.debit_wallet_response.data
    assert (hold.wallet_id, hold.asset, hold.description, hold.metadata) == (
        wallet.id,
        USD,
        "order o-42",
        {"order": "o-42"},
    )

    holds = v1.get_holds(request={"wallet_id": wallet.id}).get_holds_response.cursor.data
    assert [h.id for h in holds] == [hold.id]
    v1.confirm_hold(request={"hold_id": hold.id, "confirm_hold_request": {"amount": 1_500}})
    expanded = v1.get_hold(request={"hold_id": hold.id}).get_hold_response.data
    assert (expanded.original_amount, expanded.remaining) == (2_500, 1_000)
    v1.void_hold(request={"hold_id": hold.id, "idempotency_key": "void-1"})
    assert v1.get_hold(request={"hold_id": hold.id}).get_hold_response.data.remaining == 0

    summary = v1.get_wallet_summary(request={"id": wallet.id}).get_wallet_summary_response.data
    # 10000 - 300 (main's part of the * debit, after coupons' 500) - 1500 confirmed = 8200
    assert summary.available_funds == {USD: 8_200} and summary.hold_funds == {USD: 0}
    assert summary.expirable_funds == {USD: 0}

    transactions = v1.get_transactions(request={"wallet_id": wallet.id}).get_transactions_response.cursor.data
    assert [t.ledger for t in transactions] == ["wallets-002"] * len(transactions)
    # credit, * debit, pending debit, void: the main account's moves (the confirmation never touches it)
    assert len(transactions) == 4
    assert wallets.account(address(wallet.id))["volumes"][USD]["balance"] == 8_200


def test_refusals_decode_as_the_sdks_error_response(sdk: SDK, wallets: Wallets) -> None:
    v1 = sdk.wallets.v1
    wallet_id = wallets.create()
    with pytest.raises(ErrorResponse) as refused:
        v1.debit_wallet(
            request={"id": wallet_id, "debit_wallet_request": {"amount": {"asset": USD, "amount": 1}, "metadata": {}}}
        )
    assert refused.value.data.error_code.value == "INSUFFICIENT_FUND"
    # A 404 of getWallet is a success status for the SDK, with no body.
    missing = v1.get_wallet(request={"id": "nobody"})
    assert missing.status_code == 404 and missing.get_wallet_response is None
    # Elsewhere a bodiless 404 is no ErrorResponse: the SDK reports it as an API error.
    with pytest.raises(errors.SDKBaseError):
        v1.get_hold(request={"hold_id": "nope"})
