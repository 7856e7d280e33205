"""The engine through the HTTP API of a running mock: every stage type, every send combination.

Every orchestration response is validated against the spec (``tests.support.Api``), and the
official SDK must read every history shape without raising.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from tests.support import Api, RunningMock

WALLET_A = "6a2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
WALLET_B = "7b3c2d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"
WALLET_OTHER_LEDGER = "8c4d3e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f"
BANK = {
    "ledgers": {
        "default": {
            "accounts": {
                "users:alice": {"balances": {"EUR/2": 10_000}, "metadata": {"formanceAccountID": "acct_alice"}},
                "users:empty": {"balances": {}},
            }
        },
        "other": {"accounts": {"users:carol": {"balances": {"EUR/2": 500}}}},
    },
    "wallets": [
        {
            "id": WALLET_A,
            "name": "alice",
            "ledger": "default",
            "metadata": {"formanceAccountID": "acct_w"},
            "balances": {"main": {"EUR/2": 5_000}},
        },
        {"id": WALLET_B, "name": "bob", "ledger": "default", "balances": {"main": {"EUR/2": 0}}},
        {"id": WALLET_OTHER_LEDGER, "name": "carol", "ledger": "other", "balances": {"main": {"EUR/2": 0}}},
    ],
    "payments": [
        {
            "id": "pay-1",
            "initialAmount": 700,
            "asset": "EUR/2",
            "reference": "ord_1",
            "type": "PAY-IN",
            "status": "SUCCEEDED",
            "scheme": "visa",
            "connectorID": "stripe",
        }
    ],
}

ACCOUNT = {"account": {"id": "users:alice", "ledger": "default"}}
COMBINATIONS = {
    "account-account": (ACCOUNT, {"account": {"id": "users:bob", "ledger": "default"}}, ["CreateTransaction"]),
    "account-account-cross-ledger": (
        ACCOUNT,
        {"account": {"id": "users:dave", "ledger": "other"}},
        ["CreateTransaction", "CreateTransaction"],
    ),
    "account-wallet": (ACCOUNT, {"wallet": {"id": WALLET_B}}, ["GetWallet", "CreditWallet"]),
    "account-wallet-by-name": (ACCOUNT, {"wallet": {"name": "bob"}}, ["ListWallets", "CreditWallet"]),
    "wallet-account": (
        {"wallet": {"id": WALLET_A}},
        {"account": {"id": "users:bob", "ledger": "default"}},
        ["GetWallet", "DebitWallet"],
    ),
    "wallet-wallet": (
        {"wallet": {"id": WALLET_A}},
        {"wallet": {"id": WALLET_B}},
        ["GetWallet", "GetWallet", "CreditWallet"],
    ),
    "wallet-wallet-cross-ledger": (
        {"wallet": {"id": WALLET_A}},
        {"wallet": {"id": WALLET_OTHER_LEDGER}},
        ["GetWallet", "GetWallet", "DebitWallet", "CreditWallet"],
    ),
    "account-payment": (ACCOUNT, {"payment": {"psp": "stripe"}}, ["GetAccount", "StripeTransfer", "CreateTransaction"]),
    "wallet-payment": (
        {"wallet": {"id": WALLET_A}},
        {"payment": {"psp": "stripe"}},
        ["GetWallet", "StripeTransfer", "DebitWallet"],
    ),
    "payment-account": (
        {"payment": {"id": "pay-1"}},
        {"account": {"id": "users:bob", "ledger": "default"}},
        # world -> payment:<id> on the internal ledger, then a cross-ledger move
        ["GetPayment", "CreateTransaction", "CreateTransaction", "CreateTransaction"],
    ),
    "payment-wallet": (
        {"payment": {"id": "pay-1"}},
        {"wallet": {"id": WALLET_B}},
        ["GetPayment", "CreateTransaction", "GetWallet", "CreateTransaction", "CreditWallet"],
    ),
}


@pytest.fixture
def bank(api: Api, control: httpx.Client) -> Api:
    control.post("/fixtures", json=BANK).raise_for_status()
    return api


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    with SDK(server_url=mock_server.url, security=shared.Security(client_id="sdk", client_secret="s")) as client:
        yield client


def start(api: Api, *stages: dict, variables: dict | None = None) -> str:
    wf = api.post("/workflows", json={"name": "t", "stages": list(stages)}).json()["data"]["id"]
    reply = api.post(f"/workflows/{wf}/instances", json=variables or {})
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]["id"]


def instance(api: Api, instance_id: str) -> dict:
    return api.get(f"/instances/{instance_id}").json()["data"]


def read_histories_with_sdk(sdk: SDK, instance_id: str, stages: int) -> None:
    v1 = sdk.orchestration.v1
    v1.get_instance(request={"instance_id": instance_id})
    v1.get_instance_history(request={"instance_id": instance_id})
    for number in range(stages):
        v1.get_instance_stage_history(request={"instance_id": instance_id, "number": number})


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_every_send_combination(bank: Api, sdk: SDK, combination: str) -> None:
    source, destination, activities = COMBINATIONS[combination]
    send = {"send": {"source": source, "destination": destination, "amount": {"amount": 100, "asset": "EUR/2"}}}
    instance_id = start(bank, send)
    done = instance(bank, instance_id)
    assert done["terminated"] is True
    assert "error" not in done, done
    history = bank.get(f"/instances/{instance_id}/history").json()["data"]
    assert history[0]["name"] == "RunSend" and history[0]["terminated"] is True
    entries = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"]
    assert [e["name"] for e in entries] == activities
    assert all(e["terminated"] and e["attempt"] == 1 and "nextExecution" not in e for e in entries)
    for entry in entries:
        assert set(entry["input"]) == {entry["name"]}
        if "output" in entry:
            assert set(entry["output"]) == {entry["name"]}
    read_histories_with_sdk(sdk, instance_id, 1)


def test_send_moves_balances_in_the_simulated_ledger(bank: Api, control: httpx.Client) -> None:
    start(
        bank,
        {
            "send": {
                "source": ACCOUNT,
                "destination": {"account": {"id": "users:bob"}},
                "amount": {"amount": "${amount}", "asset": "EUR/2"},
            }
        },
        variables={"amount": "250"},
    )
    alice = control.get("/ledgers/default/accounts/users:alice").json()["data"]
    bob = control.get("/ledgers/default/accounts/users:bob").json()["data"]
    assert alice["balances"]["EUR/2"] == 9_750 and bob["balances"]["EUR/2"] == 250


def test_payment_to_payment_fails_the_stage(bank: Api) -> None:
    send = {"send": {"source": {"payment": {"id": "pay-1"}}, "destination": {"payment": {"psp": "stripe"}}}}
    failed = instance(bank, start(bank, send))
    assert failed["terminated"] is True
    assert failed["error"] == "send from payment to payment is not supported"
    assert failed["status"][0]["error"] == failed["error"]


def test_negative_amount_fails_without_retry(bank: Api) -> None:
    send = {
        "send": {
            "source": ACCOUNT,
            "destination": {"account": {"id": "bank"}},
            "amount": {"amount": -5, "asset": "EUR/2"},
        }
    }
    failed = instance(bank, start(bank, send))
    assert failed["terminated"] is True and failed["error"]


def retrying_send(api: Api) -> str:
    send = {
        "send": {
            "source": {"account": {"id": "users:empty"}},
            "destination": {"account": {"id": "bank"}},
            "amount": {"amount": 100, "asset": "EUR/2"},
        }
    }
    return start(api, send)


def test_insufficient_funds_retries_on_the_clock_until_funded(bank: Api, control: httpx.Client, sdk: SDK) -> None:
    instance_id = retrying_send(bank)
    pending = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]
    # The first attempt failed at once: the pending entry announces attempt 2.
    assert pending["terminated"] is False and pending["attempt"] == 2
    assert "insufficient funds" in pending["lastFailure"]
    for _ in range(8):
        control.post("/clock/advance", json={"seconds": 200})
    attempts = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]["attempt"]
    assert attempts == 10
    read_histories_with_sdk(sdk, instance_id, 1)
    assert instance(bank, instance_id)["terminated"] is False

    control.post("/ledgers/default/accounts/users:empty/fund", json={"asset": "EUR/2", "amount": 100})
    control.post("/clock/advance", json={"seconds": 100})
    done = instance(bank, instance_id)
    assert done["terminated"] is True and "error" not in done
    entry = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]
    assert entry["terminated"] is True and entry["attempt"] == 1 and "lastFailure" not in entry


def test_retry_backoff_doubles_and_caps_at_100_seconds(bank: Api, control: httpx.Client) -> None:
    from datetime import datetime

    instance_id = retrying_send(bank)
    gaps = []
    for _ in range(10):
        now = datetime.fromisoformat(control.get("/clock").json()["data"]["now"].replace("Z", "+00:00"))
        entry = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]
        due = datetime.fromisoformat(entry["nextExecution"].replace("Z", "+00:00"))
        gaps.append(round((due - now).total_seconds()))
        control.post("/clock/advance", json={"seconds": (due - now).total_seconds()})
    assert gaps == [1, 2, 4, 8, 16, 32, 64, 100, 100, 100]


def test_abort_stops_a_retrying_instance(bank: Api, control: httpx.Client) -> None:
    instance_id = retrying_send(bank)
    assert bank.put(f"/instances/{instance_id}/abort").status_code == 204
    stopped = instance(bank, instance_id)
    assert stopped["terminated"] is True and stopped["error"] == "canceled"
    assert stopped["status"][0]["error"] == "canceled"
    control.post("/ledgers/default/accounts/users:empty/fund", json={"asset": "EUR/2", "amount": 100})
    control.post("/clock/advance", json={"seconds": 500})
    assert control.get("/ledgers/default/accounts/bank").json()["data"]["balances"].get("EUR/2", 0) == 0


def test_delay_until_and_duration(api: Api, control: httpx.Client) -> None:
    # The manual clock starts at its epoch after the reset: ten minutes later is a fixed instant.
    assert control.get("/clock").json()["data"]["now"] == "2025-01-01T00:00:00Z"
    later = "2025-01-01T00:10:00Z"
    by_duration = start(api, {"delay": {"duration": "90s"}})
    by_date = start(api, {"delay": {"until": later}})
    history = api.get(f"/instances/{by_duration}/history").json()["data"]
    assert history[0]["name"] == "RunDelay" and history[0]["input"]["duration"] == "1m30s"
    control.post("/clock/advance", json={"seconds": 90})
    assert instance(api, by_duration)["terminated"] is True
    assert api.get(f"/instances/{by_duration}/stages/0/history").json()["data"] == []
    control.post("/clock/advance", json={"seconds": 600})
    assert instance(api, by_date)["terminated"] is True


def test_update_records_add_account_metadata(bank: Api, control: httpx.Client, sdk: SDK) -> None:
    stage = {"update": {"account": {"id": "users:alice", "ledger": "default", "metadata": {"vip": "${flag}"}}}}
    instance_id = start(bank, stage, variables={"flag": "yes"})
    assert instance(bank, instance_id)["terminated"] is True
    entries = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"]
    assert [e["name"] for e in entries] == ["AddAccountMetadata"]
    assert entries[0]["input"]["AddAccountMetadata"]["metadata"] == {"vip": "yes"}
    assert control.get("/ledgers/default/accounts/users:alice").json()["data"]["metadata"]["vip"] == "yes"
    read_histories_with_sdk(sdk, instance_id, 1)


def test_noop_and_wait_event_history(api: Api, sdk: SDK) -> None:
    instance_id = start(api, {"noop": {}}, {"wait_event": {"event": "go"}})
    history = api.get(f"/instances/{instance_id}/history").json()["data"]
    assert [h["name"] for h in history] == ["RunNoop", "RunWaitEvent"]
    assert history[0]["input"] == {} and history[1] == {**history[1], "terminated": False}
    assert "terminatedAt" not in history[1]
    read_histories_with_sdk(sdk, instance_id, 2)
    api.post(f"/instances/{instance_id}/events", json={"name": "go"})
    assert api.get(f"/instances/{instance_id}/history").json()["data"][1]["terminated"] is True


def test_run_time_requirement_failure_has_a_status_record_but_no_history(api: Api) -> None:
    # The spec refuses an event-less wait_event at creation; an empty variable reaches run time.
    failed = instance(api, start(api, {"wait_event": {"event": "${missing}"}}))
    assert failed["terminated"] is True and "WaitEvent.Event" in failed["error"]
    assert failed["status"][0]["error"] == failed["error"]
    assert api.get(f"/instances/{failed['id']}/history").json()["data"] == []
    assert api.get(f"/instances/{failed['id']}/stages/0/history").status_code == 404


def test_orchestration_events_are_published_in_order(api: Api, control: httpx.Client) -> None:
    instance_id = start(api, {"noop": {}}, {"wait_event": {"event": "${missing}"}})
    events = control.get("/events", params={"instance_id": instance_id}).json()["data"]
    assert [e["type"] for e in events] == [
        "STARTED_WORKFLOW",
        "STARTED_WORKFLOW_STAGE",
        "SUCCEEDED_WORKFLOW_STAGE",
        "STARTED_WORKFLOW_STAGE",
        "FAILED_WORKFLOW_STAGE",
        "FAILED_WORKFLOW",
    ]
    assert all(e["app"] == "orchestration" for e in events)
