"""The simulated bank: seeding, control-API reads, funding and the ledger's rules."""

from __future__ import annotations

import copy

import pytest

from mockserver.core.clock import ManualClock
from mockserver.core.ids import IdSource
from mockserver.errors import ValidationError
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.failures import ActivityError
from tests.test_engine_harness import check_schema

SEED = {
    "ledgers": {"default": {"accounts": {"users:1": {"balances": {"USD/2": 1000}, "metadata": {"tier": "gold"}}}}},
    "wallets": [
        {
            "id": "5f1e2d3c-0000-4000-8000-000000000001",
            "name": "main",
            "ledger": "default",
            "balances": {"main": {"USD/2": 100}},
        }
    ],
    "payments": [{"id": "p1", "initialAmount": 1000, "asset": "USD/2", "scheme": "visa"}],
}


def _bank() -> Bank:
    bank = Bank(clock=ManualClock(), ids=IdSource(1))
    bank.load(copy.deepcopy(SEED))
    return bank


def test_seeding_moves_money_from_world_without_transactions() -> None:
    bank = _bank()
    assert bank.account("default", "users:1") == {
        "address": "users:1",
        "metadata": {"tier": "gold"},
        "balances": {"USD/2": 1000},
    }
    assert bank.account("default", "world")["balances"] == {"USD/2": -1100}
    assert bank.transactions("default") == []
    assert bank.account("nowhere", "nobody") == {"address": "nobody", "metadata": {}, "balances": {}}


def test_wallet_and_payment_views() -> None:
    bank = _bank()
    (shown,) = bank.wallets()
    assert shown["balances"] == {"main": {"USD/2": 100}} and shown["ledger"] == "default"
    assert bank.account("default", "wallets:5f1e2d3c000040008000000000000001:main")["balances"] == {"USD/2": 100}
    (payment,) = bank.payments()
    check_schema("Payment", payment)
    assert payment["reference"] == "p1" and payment["type"] == "PAY-IN" and payment["status"] == "SUCCEEDED"
    book = bank.wallet_book
    check_schema("WalletWithBalances", book.view_with_balances(next(iter(book.items.values()))))


def test_fund_books_a_transaction_from_world() -> None:
    bank = _bank()
    tx = bank.fund("default", "users:2", "USD/2", 250)
    assert tx["id"] == 0 and tx["postings"] == [
        {"amount": 250, "asset": "USD/2", "destination": "users:2", "source": "world"}
    ]
    check_schema("Transaction", tx)
    assert bank.account("default", "users:2")["balances"] == {"USD/2": 250}
    for bad in (
        ("users:2", "USD/2", -1),
        ("bad address!", "USD/2", 1),
        ("users:2", "usd", 1),
        ("world", "USD/2", 1),
    ):
        with pytest.raises(ValidationError):
            bank.fund("default", *bad)


@pytest.mark.parametrize(
    "doc",
    [
        {"ledgers": {"default": {"accounts": {"users:1": {"balances": {"USD/2": -1}}}}}},
        {"ledgers": {"default": {"accounts": {"users:1": {"balances": {"not an asset": 1}}}}}},
        {"ledgers": {"default": {"accounts": {"bad address!": {}}}}},
        {"ledgers": {"default": {"accounts": {"world": {"balances": {"USD/2": 1}}}}}},
        {"ledgers": {"default": {"accounts": {"users:1": {"metadata": {"k": 1}}}}}},
        {"ledgers": []},
        {"wallets": [{"balances": {}}]},
        {"wallets": [{"name": "x", "balances": {"main": {"USD/2": 1.5}}}]},
        {"wallets": [{"id": "5f1e2d3c-0000-4000-8000-000000000001", "name": "again"}]},
        {"payments": [{"id": "p2", "asset": "USD/2"}]},
        {"payments": [{"id": "p2", "initialAmount": -3, "asset": "USD/2"}]},
        {"payments": [{"id": "p2", "initialAmount": 3, "asset": "USD/2", "type": "GIFT"}]},
        {"payments": [{"initialAmount": 3, "asset": "USD/2"}]},
    ],
)
def test_bad_fixtures_are_rejected_and_change_nothing(doc: dict) -> None:
    bank = _bank()
    doc = {"ledgers": {"default": {"accounts": {"users:3": {"balances": {"USD/2": 5}}}}}, **doc}
    with pytest.raises(ValidationError):
        bank.load(doc)
    assert bank.account("default", "users:3")["balances"] == {}
    assert len(bank.wallets()) == 1 and len(bank.payments()) == 1


def test_ledger_rules() -> None:
    ledger = _bank().ledger("default")
    with pytest.raises(ActivityError) as exc:
        ledger.commit(
            [{"amount": 5000, "asset": "USD/2", "source": "users:1", "destination": "x"}],
            metadata=None,
            timestamp=ManualClock().now(),
        )
    assert exc.value.retryable and "@users:1 had/have insufficient funds" in exc.value.message
    with pytest.raises(ActivityError) as exc:
        ledger.commit(
            [{"amount": -1, "asset": "USD/2", "source": "world", "destination": "x"}],
            metadata=None,
            timestamp=ManualClock().now(),
        )
    assert not exc.value.retryable and exc.value.code == "VALIDATION"
    # Postings apply in order: money received by the first can be spent by the second.
    ledger.commit(
        [
            {"amount": 10, "asset": "USD/2", "source": "world", "destination": "a"},
            {"amount": 10, "asset": "USD/2", "source": "a", "destination": "b"},
        ],
        metadata=None,
        timestamp=ManualClock().now(),
        reference="r1",
    )
    with pytest.raises(ActivityError) as exc:
        ledger.commit(
            [{"amount": 1, "asset": "USD/2", "source": "world", "destination": "a"}],
            metadata=None,
            timestamp=ManualClock().now(),
            reference="r1",
        )
    assert exc.value.code == "CONFLICT" and not exc.value.retryable
    assert ledger.account_view("b")["volumes"] == {"USD/2": {"input": 10, "output": 0, "balance": 10}}


def test_reset_empties_the_bank() -> None:
    bank = _bank()
    bank.reset()
    assert bank.wallets() == [] and bank.payments() == [] and bank.ledgers == {}
