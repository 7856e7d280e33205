"""The orchestration engine's wallet steps go through the wallets service: a workflow's credit is what the
wallets API shows and the ledger holds, a wallet made through the API is the one a workflow debits, and the
activities' refusals are retried (or not) as the real activities' are."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.core.clock import ManualClock
from mockserver.orchestration.engine.activities import ACTIVITY_TYPES, ActivityContext
from mockserver.orchestration.engine.failures import ActivityError, as_activity_error
from tests.test_engine_harness import Harness, account, send, wallet
from tests.wallets.support import USD, WALLETS_LEDGER, Wallets, address


def _orchestration(wallets: Wallets, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=wallets.root + "/api/orchestration", headers=headers, timeout=10)


def _run(api: httpx.Client, stage: dict[str, Any]) -> dict[str, Any]:
    flow = api.post("/workflows", json={"stages": [stage]}).json()["data"]["id"]
    run = api.post(f"/workflows/{flow}/instances", json={}).json()["data"]["id"]
    return dict(api.get(f"/instances/{run}").json()["data"])


def test_workflow_credit_and_debit_round_trip_through_the_wallets_api(wallets: Wallets, write_token: str) -> None:
    wallet_id = wallets.create("alice")
    # An account of the wallets' ledger funds the wallet: the same-ledger path, one CreditWallet.
    wallets.ledger.post(
        f"/v2/{WALLETS_LEDGER}/transactions",
        json={"postings": [{"source": "world", "destination": "bank", "amount": 1_000, "asset": USD}]},
    ).raise_for_status()
    with _orchestration(wallets, write_token) as api:
        done = _run(
            api,
            send(account("bank", WALLETS_LEDGER), wallet(wallet_id), amount=300, asset=USD, metadata={"o": "1"}),
        )
        assert done["terminated"] and "error" not in done, done
        assert wallets.balance(wallet_id) == 300
        (credit,) = wallets.get("/transactions", params={"walletID": wallet_id}).json()["cursor"]["data"]
        assert credit["postings"] == [
            {"amount": 300, "asset": USD, "destination": address(wallet_id), "source": "bank"}
        ]
        assert credit["metadata"] == {"wallets/transaction": "true", "wallets/custom_data_o": "1"}
        # By name, across ledgers: a debit of the wallet, then the deposit on `default`.
        done = _run(api, send(wallet(name="alice"), account("users:1", "default"), amount=120, asset=USD))
        assert done["terminated"] and "error" not in done, done
        history = api.get(f"/instances/{done['id']}/stages/0/history").json()["data"]
        assert [e["name"] for e in history] == ["ListWallets", "DebitWallet", "CreateTransaction"]
        assert history[0]["output"]["ListWallets"]["cursor"]["data"][0]["id"] == wallet_id
    assert wallets.balance(wallet_id) == 180
    assert wallets.account(address(wallet_id))["volumes"][USD] == {"input": 300, "output": 120, "balance": 180}
    moved = wallets.get("/transactions", params={"walletID": wallet_id}).json()["cursor"]["data"][0]
    assert moved["metadata"]["wallets/custom_data_orchestration/move-to-ledger"] == "default"


def test_a_workflow_waits_for_a_wallet_the_api_funds_later(wallets: Wallets, write_token: str) -> None:
    wallet_id = wallets.create("poor")
    with _orchestration(wallets, write_token) as api:
        waiting = _run(api, send(wallet(wallet_id), account("shop", WALLETS_LEDGER), amount=50, asset=USD))
        assert waiting["terminated"] is False
        pending = api.get(f"/instances/{waiting['id']}/stages/0/history").json()["data"][-1]
        assert pending["name"] == "DebitWallet" and pending["lastFailure"] == "insufficient fund"
        wallets.credit(wallet_id, 50)
        wallets.advance(1)
        assert api.get(f"/instances/{waiting['id']}").json()["data"]["terminated"] is True
    assert wallets.balance(wallet_id) == 0 and wallets.account("shop")["volumes"][USD]["balance"] == 50


def _activity(h: Harness, name: str, request: dict[str, Any], key: str = "k") -> Any:
    context = ActivityContext(h.bank, ManualClock().now(), h.ids, key)
    return as_activity_error(ACTIVITY_TYPES[name].execute, context, request)


def test_confirm_and_void_hold_activities_act_on_the_wallets_holds() -> None:
    h = Harness(wallets_ledger="default")
    wallet_id = h.wallets.create_wallet({"name": "w"})["id"]
    h.wallets.credit_wallet(wallet_id, {"amount": {"asset": USD, "amount": 100}})
    first = h.wallets.debit_wallet(wallet_id, {"amount": {"asset": USD, "amount": 30}, "pending": True})
    second = h.wallets.debit_wallet(wallet_id, {"amount": {"asset": USD, "amount": 20}, "pending": True})
    assert first is not None and second is not None
    assert _activity(h, "ConfirmHold", {"id": first["id"]}, "k1") is None
    assert _activity(h, "VoidHold", {"id": second["id"]}, "k2") is None
    assert h.wallets.get_hold(first["id"])["remaining"] == 0 and h.wallets.get_hold(second["id"])["remaining"] == 0
    assert h.wallets.get_balance(wallet_id, "main")["assets"] == {USD: 70}
    assert h.balance("default", "world", USD) == -70  # 100 out of world, 30 back to it
    with pytest.raises(ActivityError) as closed:
        _activity(h, "VoidHold", {"id": second["id"]}, "k3")
    assert closed.value.retryable and closed.value.message == "closed hold"


@pytest.mark.parametrize(
    ("name", "request_", "retryable"),
    [
        # DebitWallet maps the wallets API's errorCode: VALIDATION fails the stage.
        ("DebitWallet", {"amount": {"asset": USD, "amount": -1}}, False),
        ("DebitWallet", {"amount": {"asset": USD, "amount": 5}}, True),  # INSUFFICIENT_FUND: retried
        # CreditWallet returns the SDK's error as it is: retried, even a 400.
        ("CreditWallet", {"amount": {"asset": USD, "amount": -1}}, True),
        ("CreditWallet", {"amount": {"asset": USD, "amount": 1}, "balance": "nope"}, True),
    ],
)
def test_wallet_refusals_are_retried_as_the_real_activities_retry_them(
    name: str, request_: dict[str, Any], retryable: bool
) -> None:
    h = Harness(wallets_ledger="default")
    wallet_id = h.wallets.create_wallet({"name": "w"})["id"]
    with pytest.raises(ActivityError) as refused:
        _activity(h, name, {"id": wallet_id, "data": request_})
    assert refused.value.retryable is retryable


def test_get_wallet_of_an_unknown_id_is_retried_in_both_modes() -> None:
    for quirks in ("spec", "real"):
        h = Harness(quirks, wallets_ledger="default")
        with pytest.raises(ActivityError) as missing:
            _activity(h, "GetWallet", {"id": "nobody"})
        assert missing.value.retryable
        assert missing.value.message.startswith("wallet not found" if quirks == "spec" else "getting account: ")
