"""Pending debits, their holds (confirm, partial, final, void, closed) and the wallet summary, in spec mode,
checked against what the ledger shows."""

from __future__ import annotations

from typing import Any

from tests.wallets.support import USD, Wallets, address

SHOP = {"type": "ACCOUNT", "identifier": "shop:42"}


def _hold(wallets: Wallets, wallet_id: str, amount: int, **extra: Any) -> dict[str, Any]:
    reply = wallets.debit(wallet_id, amount, pending=True, **extra)
    assert reply.status_code == 201, reply.text
    return dict(reply.json()["data"])


def _read(wallets: Wallets, hold_id: str) -> dict[str, Any]:
    reply = wallets.get(f"/holds/{hold_id}")
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["data"])


def test_a_pending_debit_moves_the_money_to_a_typed_hold_account(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 1_000)
    hold = _hold(wallets, wallet_id, 250, destination=SHOP, description="order o-42", metadata={"order": "o-42"})
    assert hold == {
        "id": hold["id"],
        "walletID": wallet_id,
        "destination": SHOP,
        "asset": USD,
        "metadata": {"order": "o-42"},
        "description": "order o-42",
    }
    account = wallets.account(address("holds", hold["id"]))  # wallets:holds:<id without dashes>
    assert account["address"] == f"wallets:holds:{hold['id'].replace('-', '')}"
    assert account["metadata"] == {
        "wallets/spec/type": "wallets.hold",
        "wallets/holds/wallet_id": wallet_id,
        "wallets/holds/id": hold["id"],
        "wallets/holds/asset": USD,
        "wallets/holds/description": "order o-42",
        "wallets/holds/subject": '{"balance":"","identifier":"shop:42","type":"ACCOUNT"}',
        "destination": '{"type":"account","value":"shop:42"}',
        "void_destination": f'{{"type":"account","value":"{address(wallet_id)}"}}',
        "wallets/custom_data_order": "o-42",
    }
    assert account["volumes"] == {USD: {"input": 250, "output": 0, "balance": 250}}
    assert wallets.balance(wallet_id) == 750
    assert _read(wallets, hold["id"]) == {**hold, "originalAmount": 250, "remaining": 250}
    (tx, _) = wallets.ledger_transactions()
    assert tx["metadata"] == {"wallets/transaction": "true", "wallets/custom_data_order": "o-42"}


def test_confirm_partially_then_finally(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 1_000)
    hold = _hold(wallets, wallet_id, 300, destination=SHOP)
    assert wallets.post(f"/holds/{hold['id']}/confirm", json={"amount": 100}).status_code == 204
    assert _read(wallets, hold["id"])["remaining"] == 200
    too_much = wallets.post(f"/holds/{hold['id']}/confirm", json={"amount": 201})
    assert too_much.json() == {"errorCode": "INSUFFICIENT_FUND", "errorMessage": "insufficient fund"}
    # Final: 50 more to the shop, the 150 left back to the wallet's main balance.
    assert wallets.post(f"/holds/{hold['id']}/confirm", json={"amount": 50, "final": True}).status_code == 204
    assert _read(wallets, hold["id"]) == {**hold, "originalAmount": 300, "remaining": 0}
    assert wallets.account("shop:42")["volumes"][USD]["balance"] == 150
    assert wallets.balance(wallet_id) == 850
    closed = wallets.post(f"/holds/{hold['id']}/confirm")
    assert closed.json() == {"errorCode": "HOLD_CLOSED", "errorMessage": "closed hold"}
    confirm = wallets.ledger_transactions()[0]
    assert confirm["metadata"] == {"wallets/transaction": "true"}
    assert confirm["postings"] == [
        {
            "source": f"wallets:holds:{hold['id'].replace('-', '')}",
            "destination": "shop:42",
            "amount": 50,
            "asset": USD,
        },
        {
            "source": f"wallets:holds:{hold['id'].replace('-', '')}",
            "destination": address(wallet_id),
            "amount": 150,
            "asset": USD,
        },
    ]


def test_confirm_without_amount_takes_what_remains_and_a_negative_amount_counts_as_positive(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 100)
    first, second = _hold(wallets, wallet_id, 40), _hold(wallets, wallet_id, 60)
    assert wallets.post(f"/holds/{first['id']}/confirm").status_code == 204
    assert _read(wallets, first["id"])["remaining"] == 0
    assert wallets.post(f"/holds/{second['id']}/confirm", json={"amount": -10}).status_code == 204
    assert _read(wallets, second["id"])["remaining"] == 50
    assert wallets.account("world")["volumes"][USD]["input"] == 50  # both confirmations went to world


def test_void_gives_back_to_the_balances_the_debit_took_from(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.new_balance(wallet_id, "secondary")
    wallets.credit(wallet_id, 100, balance="secondary")
    wallets.credit(wallet_id, 100)
    hold = _hold(wallets, wallet_id, 150, balances=["secondary", "main"])
    assert (wallets.balance(wallet_id, "secondary"), wallets.balance(wallet_id)) == (0, 50)
    assert wallets.post(f"/holds/{hold['id']}/confirm", json={"amount": 20}).status_code == 204
    assert wallets.post(f"/holds/{hold['id']}/void").status_code == 204
    # 130 remained: at most 100 back to secondary (first posting), the 30 left to main.
    assert (wallets.balance(wallet_id, "secondary"), wallets.balance(wallet_id)) == (100, 80)
    again = wallets.post(f"/holds/{hold['id']}/void")
    assert again.json() == {"errorCode": "HOLD_CLOSED", "errorMessage": "closed hold"}
    unknown = wallets.post("/holds/nope/void")
    assert unknown.status_code == 404 and unknown.content == b""


def test_holds_are_listed_by_wallet_and_metadata_closed_ones_too(wallets: Wallets) -> None:
    alice, bob = wallets.create("alice"), wallets.create("bob")
    for wallet_id in (alice, bob):
        wallets.credit(wallet_id, 100)
    first = _hold(wallets, alice, 10, metadata={"order": "1"})
    second = _hold(wallets, alice, 10, metadata={"order": "2"})
    _hold(wallets, bob, 10)
    wallets.post(f"/holds/{first['id']}/void").raise_for_status()
    listed = wallets.get("/holds", params={"walletID": alice}).json()["cursor"]["data"]
    assert sorted(h["id"] for h in listed) == sorted([first["id"], second["id"]])
    assert all("remaining" not in h for h in listed)
    by_order = wallets.get("/holds", params={"metadata[order]": "2"}).json()["cursor"]["data"]
    assert [h["id"] for h in by_order] == [second["id"]]
    assert len(wallets.get("/holds").json()["cursor"]["data"]) == 3


def test_unknown_holds_are_404_without_a_body(wallets: Wallets) -> None:
    for reply in (wallets.get("/holds/nope"), wallets.post("/holds/nope/confirm"), wallets.post("/holds/nope/void")):
        assert reply.status_code == 404 and reply.content == b""
    # An account at a hold's address that the wallets service did not type is no hold either.
    wallets.create()  # the wallets' ledger exists once a wallet does
    wallets.ledger.post("/v2/wallets-002/accounts/wallets:holds:fake/metadata", json={"k": "v"}).raise_for_status()
    for reply in (wallets.get("/holds/fake"), wallets.post("/holds/fake/confirm")):
        assert reply.status_code == 404 and reply.content == b""


def test_summary_adds_available_expired_expirable_and_held_funds(wallets: Wallets) -> None:
    """As formancehq/wallets ``test/e2e/summary_test.go``: main 0, balance1 0 (priority 10), balance2
    300 (expires in a minute), balance3 1000 (expired), balance4 no assets, and holds of 2700."""
    wallet_id = wallets.create()
    wallets.new_balance(wallet_id, "balance1", priority=10)
    wallets.new_balance(wallet_id, "balance2", expiresAt="2025-01-01T00:01:00Z")
    wallets.new_balance(wallet_id, "balance3", expiresAt="2025-01-01T00:00:30Z")
    wallets.new_balance(wallet_id, "balance4")
    wallets.credit(wallet_id, 3_000)
    wallets.credit(wallet_id, 300, balance="balance2")
    wallets.credit(wallet_id, 1_000, balance="balance3")
    wallets.credit(wallet_id, 100, balance="balance1")
    _hold(wallets, wallet_id, 2_000, balances=["main"])
    _hold(wallets, wallet_id, 700, balances=["main"])
    _hold(wallets, wallet_id, 100, balances=["balance1"])
    closed = _hold(wallets, wallet_id, 300, balances=["main"])
    wallets.post(f"/holds/{closed['id']}/void").raise_for_status()
    wallets.advance(31)  # balance3 expires
    summary = wallets.get(f"/wallets/{wallet_id}/summary").json()["data"]
    assert summary["balances"] == [
        {"name": "balance1", "expiresAt": None, "priority": 10, "assets": {USD: 0}},
        {"name": "balance2", "expiresAt": "2025-01-01T00:01:00Z", "priority": 0, "assets": {USD: 300}},
        {"name": "balance3", "expiresAt": "2025-01-01T00:00:30Z", "priority": 0, "assets": {USD: 1_000}},
        {"name": "balance4", "expiresAt": None, "priority": 0, "assets": {}},
        {"name": "main", "expiresAt": None, "priority": 0, "assets": {USD: 300}},
    ]
    assert (summary["availableFunds"], summary["expiredFunds"], summary["expirableFunds"]) == (
        {USD: 600},
        {USD: 1_000},
        {USD: 300},
    )
    assert summary["holdFunds"] == {USD: 2_800}
    unknown = wallets.get("/wallets/nobody/summary")
    assert unknown.status_code == 200 and unknown.json()["data"] == {
        "balances": [],
        "availableFunds": {},
        "expiredFunds": {},
        "expirableFunds": {},
        "holdFunds": {},
    }


def test_a_hold_from_a_wallet_balance_to_another_wallet(wallets: Wallets) -> None:
    alice, bob = wallets.create("alice"), wallets.create("bob")
    wallets.new_balance(bob, "gifts")
    wallets.credit(alice, 100)
    target = {"type": "WALLET", "identifier": bob, "balance": "gifts"}
    hold = _hold(wallets, alice, 60, destination=target)
    assert hold["destination"] == target
    wallets.post(f"/holds/{hold['id']}/confirm", json={"final": True}).raise_for_status()
    assert (wallets.balance(alice), wallets.balance(bob, "gifts")) == (40, 60)
