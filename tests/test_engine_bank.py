"""The bank over the stack's ledger service: seeding, control-API reads, funding, and the ledger's
rules as the activities meet them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.core.ids import IdSource
from mockserver.errors import ValidationError
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.engine.activities import ACTIVITY_TYPES, ActivityContext
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.failures import ActivityError, as_activity_error
from mockserver.wallets.service import WalletsService
from tests.test_engine_harness import check_schema

WALLET = "5f1e2d3c-0000-4000-8000-000000000001"
WALLET_MAIN = "wallets:5f1e2d3c000040008000000000000001:main"
SEED = {
    "ledgers": {"default": {"accounts": {"users:1": {"balances": {"USD/2": 1000}, "metadata": {"tier": "gold"}}}}},
    "wallets": [{"id": WALLET, "name": "main", "ledger": "default", "balances": {"main": {"USD/2": 100}}}],
    "payments": [{"id": "p1", "initialAmount": 1000, "asset": "USD/2", "scheme": "visa"}],
}
NOW = "2025-01-01T00:00:00Z"


def _bank() -> Bank:
    clock = ManualClock()
    ids, ledger = IdSource(1), LedgerService(clock=clock, bus=EventBus())
    wallets = WalletsService(ledger=ledger, clock=clock, ids=ids, ledger_name="default")
    bank = Bank(clock=clock, ids=ids, ledger=ledger, wallets=wallets)
    bank.load(copy.deepcopy(SEED))
    return bank


def _tx(tx_id: int, *postings: tuple[str, str, int], metadata: dict[str, str] | None = None) -> dict[str, Any]:
    """A transaction as the ledger lists it (no volumes), booked now."""
    return {
        "postings": [{"source": s, "destination": d, "amount": a, "asset": "USD/2"} for s, d, a in postings],
        "metadata": metadata or {},
        "timestamp": NOW,
        "id": tx_id,
        "insertedAt": NOW,
        "updatedAt": NOW,
        "reverted": False,
    }


def test_seeding_books_one_opening_transaction_per_ledger_without_events() -> None:
    bank = _bank()
    assert bank.account("default", "users:1") == {
        "address": "users:1",
        "metadata": {"tier": "gold"},
        "balances": {"USD/2": 1000},
    }
    assert bank.account("default", "world")["balances"] == {"USD/2": -1100}
    # The ledgers' opening balances, then the wallet's, credited from world as the wallets API would.
    assert bank.transactions("default") == [
        _tx(1, ("world", "users:1", 1000)),
        _tx(2, ("world", WALLET_MAIN, 100), metadata={"wallets/transaction": "true"}),
    ]
    assert bank.ledger.bus.recent() == []  # a fixture declares a state: no event, no trigger
    assert bank.account("nowhere", "nobody") == {"address": "nobody", "metadata": {}, "balances": {}}
    assert bank.transactions("nowhere") == []


def test_wallet_and_payment_views() -> None:
    bank = _bank()
    (shown,) = bank.wallets()
    assert shown["balances"] == {"main": {"USD/2": 100}} and shown["ledger"] == "default"
    assert bank.account("default", WALLET_MAIN)["balances"] == {"USD/2": 100}
    (payment,) = bank.payments()
    check_schema("Payment", payment)
    assert payment["reference"] == "p1" and payment["type"] == "PAY-IN" and payment["status"] == "SUCCEEDED"
    check_schema("WalletWithBalances", bank.wallet_service.get_wallet(WALLET))


def test_fund_books_a_transaction_from_world() -> None:
    bank = _bank()
    tx = bank.fund("default", "users:2", "USD/2", 250)
    assert tx == bank.ledger.get_transaction("default", 3, expand=("volumes", "effectiveVolumes"))
    assert tx["id"] == 3 and tx["postings"] == [
        {"source": "world", "destination": "users:2", "amount": 250, "asset": "USD/2"}
    ]
    check_schema("Transaction", tx)
    assert bank.account("default", "users:2")["balances"] == {"USD/2": 250}
    for bad in (
        ("default", "users:2", "USD/2", -1),
        ("default", "bad address!", "USD/2", 1),
        ("default", "users:2", "usd", 1),
        ("default", "world", "USD/2", 1),
        ("bad ledger!", "users:2", "USD/2", 1),
    ):
        with pytest.raises(ValidationError):
            bank.fund(*bad)
    assert [t["id"] for t in bank.transactions("default")] == [1, 2, 3]
    # A top-up creates a missing ledger, as the ledger's v1 API would.
    assert bank.fund("fresh", "users:2", "USD/2", 5)["id"] == 1
    assert bank.ledger.get_ledger("fresh")["bucket"] == "fresh"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"ledgers": {"default": {"accounts": {"users:1": {"balances": {"USD/2": -1}}}}}},
            "ledgers.default.accounts.users:1.balances.USD/2: expected a non-negative integer",
        ),
        (
            {"ledgers": {"default": {"accounts": {"users:1": {"balances": {"not an asset": 1}}}}}},
            "ledgers.default.accounts.users:1.balances: invalid asset 'not an asset'",
        ),
        (
            {"ledgers": {"default": {"accounts": {"bad address!": {}}}}},
            "ledgers.default.accounts.bad address!: invalid account address",
        ),
        (
            {"ledgers": {"default": {"accounts": {"world": {"balances": {"USD/2": 1}}}}}},
            "ledgers.default.accounts.world: world cannot be seeded, it funds the other accounts",
        ),
        (
            {"ledgers": {"default": {"accounts": {"users:1": {"metadata": {"k": 1}}}}}},
            "ledgers.default.accounts.users:1.metadata: expected a map of strings",
        ),
        ({"ledgers": []}, "ledgers: expected an object of ledger name -> ledger"),
        # Refused by the ledger's own rules once the opening balances are booked: all or nothing.
        (
            {
                "ledgers": {
                    "default": {
                        "accounts": {"users:3": {"balances": {"USD/2": 5}}},
                        "transactions": [
                            {"postings": [{"source": "users:3", "destination": "x", "amount": 6, "asset": "USD/2"}]}
                        ],
                    }
                }
            },
            "ledgers: default: transactions[0]: INSUFFICIENT_FUND: ",
        ),
        ({"ledgers": {"bad name!": {}}}, "ledgers: invalid ledger configuration: invalid ledger name 'bad name!'"),
        ({"wallets": [{"balances": {}}]}, "wallets[0].name: a non-empty string is required"),
        (
            {"wallets": [{"name": "x", "balances": {"main": {"USD/2": 1.5}}}]},
            "wallets[0].balances.main.USD/2: expected an integer",
        ),
        ({"wallets": [{"id": WALLET, "name": "again"}]}, f"wallet {WALLET}: duplicate id"),
        (
            {"wallets": [{"name": "x", "ledger": "bad name!", "balances": {"main": {"USD/2": 1}}}]},
            "wallets[0].ledger: invalid ledger configuration: invalid ledger name 'bad name!'",
        ),
        (
            {"wallets": [{"name": "x", "ledger": "other", "balances": {"main": {"USD/2": 1}}}]},
            "wallets[0].ledger: the wallets service keeps every wallet in its ledger 'default'",
        ),
        (
            {"wallets": [{"name": "x", "balances": {"bad balance!": {"USD/2": 1}}}]},
            "wallets[0].balances.bad balance!: invalid ledger account 'wallets:",
        ),
        ({"payments": [{"id": "p2", "asset": "USD/2"}]}, "payments[0].initialAmount is required"),
        (
            {"payments": [{"id": "p2", "initialAmount": -3, "asset": "USD/2"}]},
            "payments[0].initialAmount: expected a non-negative integer",
        ),
        (
            {"payments": [{"id": "p2", "initialAmount": 3, "asset": "USD/2", "type": "GIFT"}]},
            "payments[0].type: one of PAY-IN, PAYOUT, TRANSFER, OTHER",
        ),
        ({"payments": [{"initialAmount": 3, "asset": "USD/2"}]}, "payments[0].id: a non-empty string is required"),
    ],
)
def test_bad_fixtures_are_rejected_and_change_nothing(doc: dict, message: str) -> None:
    bank = _bank()
    doc = {"ledgers": {"default": {"accounts": {"users:3": {"balances": {"USD/2": 5}}}}}, **doc}
    with pytest.raises(ValidationError) as exc:
        bank.load(doc)
    assert exc.value.message.startswith(message)
    assert bank.account("default", "users:3")["balances"] == {}
    assert [t["id"] for t in bank.transactions("default")] == [1, 2]
    assert [b.info.name for b in bank.ledger.ledgers.visible()] == ["default"]
    assert len(bank.wallets()) == 1 and len(bank.payments()) == 1


def _create(bank: Bank, body: dict[str, Any], *, ledger: str = "default", key: str = "") -> dict[str, Any]:
    """One CreateTransaction activity, its service errors turned into the activity's errors."""
    context = ActivityContext(bank, ManualClock().now(), IdSource(1), key)
    return as_activity_error(ACTIVITY_TYPES["CreateTransaction"].execute, context, {"ledger": ledger, "data": body})


def test_ledger_rules_as_the_activities_meet_them() -> None:
    bank = _bank()

    def refused(body: dict[str, Any], **kwargs: Any) -> ActivityError:
        with pytest.raises(ActivityError) as exc:
            _create(bank, body, **kwargs)
        return exc.value

    overdraft = refused({"postings": [{"amount": 5000, "asset": "USD/2", "source": "users:1", "destination": "x"}]})
    assert (overdraft.code, overdraft.retryable) == ("INSUFFICIENT_FUND", True)
    assert overdraft.message == (
        "unexpected error while forging log: failed to execute program: failed to execute machine: "
        "account(s) @users:1 had/have insufficient funds"
    )
    negative = refused({"postings": [{"amount": -1, "asset": "USD/2", "source": "world", "destination": "x"}]})
    assert (negative.code, negative.retryable, negative.message) == ("VALIDATION", False, "negative amount")
    unknown = refused(
        {"postings": [{"amount": 1, "asset": "USD/2", "source": "world", "destination": "x"}]}, ledger="nowhere"
    )
    assert (unknown.code, unknown.retryable, unknown.message) == ("LEDGER_NOT_FOUND", True, "not found")
    # Postings apply in order: money received by the first can be spent by the second.
    chained = [
        {"amount": 10, "asset": "USD/2", "source": "world", "destination": "a"},
        {"amount": 10, "asset": "USD/2", "source": "a", "destination": "b"},
    ]
    booked = _create(bank, {"postings": chained, "reference": "r1"}, key="k1")
    assert booked["id"] == 3 and booked["reference"] == "r1"
    reused = refused(
        {"postings": [{"amount": 1, "asset": "USD/2", "source": "world", "destination": "a"}], "reference": "r1"}
    )
    assert (reused.code, reused.retryable) == ("CONFLICT", False)
    assert (
        reused.message == 'unexpected error while forging log: failed to insert transaction: duplicate reference "r1"'
    )
    # The same idempotency key and input: the ledger replays the first answer and books nothing.
    assert _create(bank, {"postings": chained, "reference": "r1"}, key="k1") == booked
    mismatch = refused({"postings": chained[:1]}, key="k1")
    assert (mismatch.code, mismatch.retryable) == ("VALIDATION", False)
    assert mismatch.message.startswith("invalid idempotency hash when using idempotency key 'k1'")
    assert [t["id"] for t in bank.transactions("default")] == [1, 2, 3]
    assert bank.ledger.account_v1("default", "b")["volumes"] == {"USD/2": {"input": 10, "output": 0, "balance": 10}}


def test_reset_forgets_payments_but_not_the_ledger_nor_its_wallets() -> None:
    bank = _bank()
    bank.reset()
    assert bank.payments() == []
    # The ledger service belongs to the stack (its owner resets it): the money stays booked, and the
    # wallets with it (they are the ledger's accounts).
    assert [w["id"] for w in bank.wallets()] == [WALLET]
    assert [t["id"] for t in bank.transactions("default")] == [1, 2]
    assert bank.account("default", WALLET_MAIN)["balances"] == {"USD/2": 100}
