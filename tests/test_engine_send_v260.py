"""The send stage's flows v2.6.0 shapes: through accounts, overdrafts, custom ingestion, transfer initiations.

Each case is one of the release's ``internal/workflow/stages/send/run_test.go`` (named in its test), run
against the mock's ledger, wallets and payments: the activities in run.go's order, their inputs as the
release builds them, and what lands in the ledger.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.orchestration.domain.model import Instance
from tests.test_engine_harness import LEDGERS, Harness, send

WALLET = "0c0c0c0c-0000-4000-8000-00000000000a"
WALLETS_LEDGER = "wallets-002"  # where the wallets service keeps every wallet (v2.1.5's default)
BANK = {
    "ledgers": {
        "main": {
            "accounts": {
                "users:123": {"balances": {"USD": 5000}, "metadata": {"stripeConnectID": "acct_payout_123"}},
                "foo": {"balances": {"EUR": 5000}, "metadata": {"wiseRecipientID": "recipient-789"}},
            }
        },
        "ledger1": {"accounts": {"users:sender": {"balances": {"GBP": 100}}}},
    },
    "wallets": [
        {
            "id": WALLET,
            "name": "w",
            "ledger": WALLETS_LEDGER,
            "metadata": {"stripeConnectID": "acct_w", "wiseRecipientID": "recipient-w"},
            "balances": {"main": {"USD": 1000}},
        }
    ],
    "payments": [
        {"id": "payment-custom", "initialAmount": 1500, "asset": "USD", "provider": "STRIPE"},
        {"id": "pay-1", "initialAmount": 700, "asset": "EUR", "provider": "STRIPE"},
    ],
}


def _bank(quirks: str = "spec") -> Harness:
    h = Harness(quirks, ledgers=(*LEDGERS, "ledger1", "ledger2", WALLETS_LEDGER))
    h.bank.load(BANK)
    return h


def _run(h: Harness, source: dict[str, Any], destination: dict[str, Any], **kwargs: Any) -> Instance:
    instance = h.run(send(source, destination, **kwargs))
    assert instance.terminated and instance.error is None, instance.error
    h.history(instance)
    h.activities(instance, 0)  # spec mode: every record validates against the spec
    return instance


def _inputs(instance: Instance) -> list[tuple[str, dict[str, Any]]]:
    return [(a.name, a.input[a.name]) for a in instance.activities[0]]


def _script(source: str, destination: str, money: str) -> str:
    return f"send [{money}] (\n  source = @{source} allowing unbounded overdraft\n  destination = @{destination}\n)"


def _tx(ledger: str, meta: dict[str, str], *, posting: tuple[str, str, int, str] | None = None, **more: Any) -> Any:
    data: dict[str, Any] = {"metadata": meta}
    if posting is not None:
        source, destination, amount, asset = posting
        data["postings"] = [{"amount": amount, "asset": asset, "destination": destination, "source": source}]
    return ("CreateTransaction", {"ledger": ledger, "data": {**data, **more}})


def _acct(address: str, ledger: str, **extra: Any) -> dict[str, Any]:
    return {"account": {"id": address, "ledger": ledger, **extra}}


def _balance(h: Harness, ledger: str, address: str, asset: str) -> int:
    return h.balance(ledger, address, asset)


TO = "orchestration/move-to-ledger"
FROM = "orchestration/move-from-ledger"


def test_cross_ledger_with_custom_bridges_and_no_overdraft() -> None:
    """run_test.go, "account to account mixed ledger with custom throughAccounts"."""
    h = _bank()
    h.bank.fund("ledger2", "bridge:inbound", "GBP", 50)
    src = _acct("users:sender", "ledger1", throughAccount="bridge:outbound")
    dst = _acct("merchants:receiver", "ledger2", throughAccount="bridge:inbound")
    instance = _run(h, src, dst, amount=50, asset="GBP")
    assert _inputs(instance) == [
        _tx("ledger1", {TO: "ledger2"}, posting=("users:sender", "bridge:outbound", 50, "GBP")),
        _tx("ledger2", {FROM: "ledger1"}, posting=("bridge:inbound", "merchants:receiver", 50, "GBP")),
    ]
    assert _balance(h, "ledger1", "bridge:outbound", "GBP") == 50
    assert _balance(h, "ledger2", "merchants:receiver", "GBP") == 50


def test_cross_ledger_with_both_overdrafts_books_the_release_numscript() -> None:
    """run_test.go, "account to account mixed ledger with allowOverdraft": the exact scripts."""
    h = _bank()
    src = _acct("users:sender", "ledger1", throughAccount="bridge:outbound", allowOverdraft=True)
    dst = _acct("merchants:receiver", "ledger2", throughAccount="bridge:inbound", allowOverdraft=True)
    instance = _run(h, src, dst, amount=250, asset="GBP")
    assert _inputs(instance) == [
        _tx("ledger1", {TO: "ledger2"}, script={"plain": _script("users:sender", "bridge:outbound", "GBP 250")}),
        _tx("ledger2", {FROM: "ledger1"}, script={"plain": _script("bridge:inbound", "merchants:receiver", "GBP 250")}),
    ]
    # users:sender had 100: the overdraft let it go to -150; the bridge account went negative too.
    assert _balance(h, "ledger1", "users:sender", "GBP") == -150
    assert _balance(h, "ledger2", "bridge:inbound", "GBP") == -250
    assert _balance(h, "ledger2", "merchants:receiver", "GBP") == 250
    booked = h.bank.transactions("ledger2")[-1]
    assert booked["postings"] == [
        {"source": "bridge:inbound", "destination": "merchants:receiver", "amount": 250, "asset": "GBP"}
    ]
    assert booked["metadata"] == {FROM: "ledger1"}


def test_a_source_overdraft_applies_even_through_world_a_destination_one_never_through_world() -> None:
    h = _bank()
    src = _acct("users:broke", "ledger1", allowOverdraft=True)
    dst = _acct("merchants:receiver", "ledger2", allowOverdraft=True)
    instance = _run(h, src, dst, amount=10, asset="GBP")
    assert _inputs(instance) == [
        _tx("ledger1", {TO: "ledger2"}, script={"plain": _script("users:broke", "world", "GBP 10")}),
        _tx("ledger2", {FROM: "ledger1"}, posting=("world", "merchants:receiver", 10, "GBP")),
    ]
    assert _balance(h, "ledger1", "users:broke", "GBP") == -10


def test_one_ledger_ignores_through_accounts_and_overdrafts() -> None:
    h = _bank()
    src = _acct("users:empty", "main", throughAccount="x", allowOverdraft=True)
    dst = _acct("users:2", "main", throughAccount="y", allowOverdraft=True)
    instance = h.run(send(src, dst, amount=5, asset="USD"))
    assert not instance.terminated  # no overdraft: the empty account's send retries on insufficient funds
    assert _inputs(instance) == [_tx("main", {}, posting=("users:empty", "users:2", 5, "USD"))]
    assert "insufficient funds" in instance.activities[0][-1].last_failure


def test_account_to_wallet_across_ledgers_credits_from_the_through_account() -> None:
    h = _bank()
    h.bank.fund(WALLETS_LEDGER, "bridge:in", "USD", 40)  # the wallets service debits it in the wallet's ledger
    src = _acct("users:123", "main", throughAccount="bridge:in", allowOverdraft=True)
    instance = _run(h, src, {"wallet": {"id": WALLET}}, amount=40, asset="USD")
    get, tx, credit = _inputs(instance)
    assert get == ("GetWallet", {"id": WALLET})
    assert tx == _tx("main", {TO: WALLETS_LEDGER}, script={"plain": _script("users:123", "bridge:in", "USD 40")})
    assert credit == (
        "CreditWallet",
        {
            "id": WALLET,
            "data": {
                "amount": {"amount": 40, "asset": "USD"},
                "balance": "main",
                "metadata": {FROM: "main"},
                "sources": [{"identifier": "bridge:in", "type": "ACCOUNT"}],
            },
        },
    )
    assert _balance(h, WALLETS_LEDGER, "bridge:in", "USD") == 0 and _balance(h, "main", "bridge:in", "USD") == 40


def test_wallet_to_account_across_ledgers_enters_through_the_destination_bridge() -> None:
    h = _bank()
    dst = _acct("merchants:1", "main", throughAccount="assets:incoming", allowOverdraft=True)
    instance = _run(h, {"wallet": {"id": WALLET}}, dst, amount=30, asset="USD")
    names = [name for name, _ in _inputs(instance)]
    assert names == ["GetWallet", "DebitWallet", "CreateTransaction"]
    assert _inputs(instance)[2] == _tx(
        "main", {FROM: WALLETS_LEDGER}, script={"plain": _script("assets:incoming", "merchants:1", "USD 30")}
    )
    assert _balance(h, "main", "assets:incoming", "USD") == -30


@pytest.mark.parametrize("quirks", ["spec", "real"])
def test_account_to_payment_through_a_liability_with_overdraft(quirks: str) -> None:
    """run_test.go, "account to payment with throughAccount" and "... with allowOverdraft" (the script text)."""
    h = _bank(quirks)
    src = _acct("users:123", "main", throughAccount="liabilities:payouts-pending", allowOverdraft=True)
    payout = {"payment": {"psp": "stripe", "type": "PAYOUT", "metadata": "stripeConnectID"}}
    instance = _run(h, src, payout, amount=6000, asset="USD")
    assert [a.name for a in instance.activities[0]] == ["GetAccount", "CreateTransaction", "CreateTransferInitiation"]
    script = (
        "send [USD 6000] (\n  source = @users:123 allowing unbounded overdraft\n"
        "  destination = @liabilities:payouts-pending\n)"
    )
    written = instance.activities[0][1].input["CreateTransaction"]
    assert written == (
        {"ledger": "main", "data": {"metadata": {}, "script": {"plain": script}}}
        if quirks == "spec"
        else {"Ledger": "main", "Data": {"script": {"plain": script}}}
    )
    assert instance.activities[0][2].input == {
        "CreateTransferInitiation": {
            "amount": 6000,
            "asset": "USD",
            "provider": "stripe",
            "destination": "acct_payout_123",
            "type": "PAYOUT",
            "metadata": {},
            "waitingValidation": False,
        }
    }
    assert instance.activities[0][2].output is None
    assert _balance(h, "main", "users:123", "USD") == -1000
    assert _balance(h, "main", "liabilities:payouts-pending", "USD") == 6000
    (initiated,) = h.bank.payment_book.transfer_initiations.items
    stage_workflow = f"{instance.id}-0"
    assert initiated == {
        "id": initiated["id"],
        "createdAt": "2025-01-01T00:00:00Z",
        "status": "PROCESSING",
        "amount": 6000,
        "asset": "USD",
        "description": "stripe PAYOUT",
        "destinationAccountID": "acct_payout_123",
        "provider": "STRIPE",
        "reference": f"{stage_workflow}3",
        "scheduledAt": "0001-01-01T00:00:00Z",
        "sourceAccountID": "",
        "type": "PAYOUT",
        "validated": True,
    }


def test_account_to_payment_with_wise_pays_out_from_a_source_account() -> None:
    """run_test.go, "account to payment with wise"."""
    h = _bank()
    payout = {
        "payment": {
            "psp": "wise",
            "type": "PAYOUT",
            "sourceAccount": "wise-account-456",
            "metadata": "wiseRecipientID",
            "waitingValidation": "TRUE",
            "connectorId": "",
        }
    }
    instance = _run(h, _acct("foo", "main"), payout, amount=500, asset="EUR", metadata={"order": "o-1"})
    assert _inputs(instance)[1:] == [
        _tx("main", {"order": "o-1"}, posting=("foo", "world", 500, "EUR")),
        (
            "CreateTransferInitiation",
            {
                "amount": 500,
                "asset": "EUR",
                "connectorID": "",
                "provider": "wise",
                "destination": "recipient-789",
                "source": "wise-account-456",
                "type": "PAYOUT",
                "metadata": {"order": "o-1"},
                "waitingValidation": True,
            },
        ),
    ]
    (initiated,) = h.bank.payment_book.transfer_initiations.items
    assert initiated["sourceAccountID"] == "wise-account-456" and initiated["provider"] == "WISE"
    assert initiated["connectorID"] == "" and initiated["metadata"] == {"order": "o-1"}
    assert (initiated["validated"], initiated["status"]) == (False, "WAITING_FOR_VALIDATION")
    history = h.history(instance)[0]["input"]["destination"]["payment"]
    assert history["sourceAccount"] == "wise-account-456" and history["connectorId"] == ""


def test_wallet_to_payment_debits_the_wallet_before_the_payout() -> None:
    """run_test.go, "wallet to payment" with PAYOUT and a source account."""
    h = _bank()
    payout = {
        "payment": {"psp": "stripe", "type": "PAYOUT", "sourceAccount": "acct_platform", "metadata": "stripeConnectID"}
    }
    instance = _run(h, {"wallet": {"name": "w"}}, payout, amount=100, asset="USD")
    names = [name for name, _ in _inputs(instance)]
    assert names == ["ListWallets", "DebitWallet", "CreateTransferInitiation"]
    assert _inputs(instance)[1][1]["data"] == {
        "amount": {"amount": 100, "asset": "USD"},
        "balances": ["main"],
        "metadata": {},
    }
    assert _inputs(instance)[2][1]["destination"] == "acct_w" and _inputs(instance)[2][1]["source"] == "acct_platform"
    assert next(w for w in h.bank.wallets() if w["id"] == WALLET)["balances"]["main"] == {"USD": 900}


def test_wallet_to_payment_named_lookup_failure_reads_as_the_release_wraps_it() -> None:
    h = _bank()
    instance = h.run(send({"wallet": {"name": "nobody"}}, {"payment": {"psp": "stripe"}}, amount=1, asset="USD"))
    assert instance.error == "reading account: : wallet not found"


def test_payment_with_custom_ingestion_stays_on_one_ledger() -> None:
    """run_test.go, "payment to account with custom ingestion": two transactions on main."""
    h = _bank()
    h.bank.fund("main", "assets:stripe", "USD", 1500)  # no overdraft: the through account needs the funds
    source = {
        "payment": {
            "id": "payment-custom",
            "ledger": "main",
            "holdingAccount": "transit:payments:pending",
            "throughAccount": "assets:stripe",
        }
    }
    instance = _run(h, source, _acct("revenue:sales", "main"), amount=1500, asset="USD")
    assert _inputs(instance) == [
        ("GetPayment", {"id": "payment-custom"}),
        _tx(
            "main",
            {},
            posting=("assets:stripe", "transit:payments:pending", 1500, "USD"),
            reference="transit:payments:pending",
        ),
        _tx("main", {}, posting=("transit:payments:pending", "revenue:sales", 1500, "USD")),
    ]
    assert h.history(instance)[0]["input"]["source"]["payment"] == {
        "id": "payment-custom",
        "ledger": "main",
        "holdingAccount": "transit:payments:pending",
        "throughAccount": "assets:stripe",
        "allowOverdraft": False,
    }


def test_payment_ingestion_with_overdraft_then_a_cross_ledger_move_into_a_bridge() -> None:
    """run_test.go, "payment to account with allowOverdraft on destination" (and the ingestion one)."""
    h = _bank()
    source = {"payment": {"id": "pay-1", "throughAccount": "assets:stripe:incoming", "allowOverdraft": True}}
    dst = _acct("revenue:merchants:456", "main", throughAccount="assets:bridge", allowOverdraft=True)
    instance = _run(h, source, dst, amount=None, metadata={"k": "v"})
    internal = "orchestration-000-internal"
    assert _inputs(instance)[1:] == [
        _tx(
            internal,
            {"k": "v"},
            script={"plain": _script("assets:stripe:incoming", "payment:pay_1", "EUR 700")},
            reference="payment:pay_1",
        ),
        _tx(internal, {"k": "v", TO: "main"}, posting=("payment:pay_1", "world", 700, "EUR")),
        _tx(
            "main",
            {"k": "v", FROM: internal},
            script={"plain": _script("assets:bridge", "revenue:merchants:456", "EUR 700")},
        ),
    ]
    assert _balance(h, internal, "assets:stripe:incoming", "EUR") == -700


def test_metadata_markers_override_a_user_key_of_the_same_name() -> None:
    h = _bank()
    instance = _run(h, _acct("world", "ledger1"), _acct("a", "ledger2"), amount=1, asset="GBP", metadata={TO: "mine"})
    assert [m[1]["data"]["metadata"] for m in _inputs(instance)] == [{TO: "ledger2"}, {TO: "mine", FROM: "ledger1"}]


# --- transfer initiations the payments service refuses: retried forever, after the debit ----


@pytest.mark.parametrize(
    ("psp", "failure"),
    [
        ("paypal", "transfer initiation refused: no installed connector for provider 'PAYPAL'"),
        ("", "transfer initiation refused: no installed connector for provider none"),
    ],
)
def test_an_unknown_provider_is_retried_forever_after_the_debit(psp: str, failure: str) -> None:
    h = _bank()
    payout = {"payment": {"psp": psp, "metadata": "stripeConnectID"}}
    instance = h.run(send(_acct("users:123", "main"), payout, amount=10, asset="USD"))
    h.advance(1)
    assert not instance.terminated
    pending = instance.activities[0][-1]
    assert (pending.name, pending.attempt, pending.last_failure) == ("CreateTransferInitiation", 3, failure)
    assert _balance(h, "main", "users:123", "USD") == 4990  # debited once, before the payout


def test_real_mode_upper_cases_the_type_and_retries_an_unknown_one() -> None:
    h = _bank("real")
    lower = h.run(
        send(
            _acct("users:123", "main"),
            {"payment": {"psp": "stripe", "type": "payout", "metadata": "stripeConnectID"}},
            amount=1,
            asset="USD",
        )
    )
    assert lower.terminated and lower.error is None
    assert h.bank.payment_book.transfer_initiations.items[0]["type"] == "PAYOUT"
    odd = h.run(
        send(
            _acct("users:123", "main"),
            {"payment": {"psp": "stripe", "type": "${t}x", "metadata": "stripeConnectID"}},
            amount=1,
            asset="USD",
        )
    )
    assert not odd.terminated
    assert odd.activities[0][-1].last_failure == "invalid transfer type: x (must be TRANSFER or PAYOUT)"


@pytest.mark.parametrize("given", ["payout", "REFUND"])
def test_spec_mode_refuses_a_type_outside_the_enum_before_the_stage_starts(given: str) -> None:
    h = _bank()
    instance = h.run(
        send(_acct("users:123", "main"), {"payment": {"psp": "stripe", "type": "${t}"}}, amount=1, asset="USD"),
        variables={"t": given},
    )
    assert (
        instance.error
        == "Key: 'Send.Destination.Payment.Type' Error:Field validation for 'Type' failed on the 'oneof' tag"
    )
    assert instance.history == [] and _balance(h, "main", "users:123", "USD") == 5000


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("${x}", "unable to resolve field 'bool' to bool value"),
        ("yes", "unable to resolve field 'bool' to bool value"),
        (1, "expected uint or interpolated string but was float64"),
    ],
)
def test_allow_overdraft_resolves_as_a_go_bool(value: Any, error: str) -> None:
    h = _bank()
    stage = send(_acct("a", "main", allowOverdraft=value), _acct("b", "ledger1"))
    with pytest.raises(Exception, match="resolving field 'AllowOverdraft': " + error):
        h.workflow(stage)
    instance = _run(h, _acct("a", "main", allowOverdraft="tRuE"), _acct("b", "ledger1"))
    assert "script" in instance.activities[0][0].input["CreateTransaction"]["data"]
