"""The engine through the HTTP API of a running mock: every stage type, every send combination.

Every orchestration response is validated against the spec (``tests.support.Api``), and the
official SDK must read every history shape without raising.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from tests.support import Api, RunningMock, create_ledger

WALLET_A = "6a2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
WALLET_B = "7b3c2d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"
# The wallets live where the stack's wallets service keeps them all: its ledger, wallets-002. A
# send between a wallet and an account of wallets-002 takes the same-ledger path, one of `default`
# the cross-ledger one.
WALLETS_LEDGER = "wallets-002"
BANK = {
    "ledgers": {
        "default": {
            "accounts": {
                "users:alice": {"balances": {"EUR/2": 10_000}, "metadata": {"formanceAccountID": "acct_alice"}},
                "users:empty": {"balances": {}},
            }
        },
        "other": {"accounts": {"users:carol": {"balances": {"EUR/2": 500}}}},
        WALLETS_LEDGER: {"accounts": {"users:walt": {"balances": {"EUR/2": 1_000}}}},
    },
    "wallets": [
        {
            "id": WALLET_A,
            "name": "alice",
            "metadata": {"formanceAccountID": "acct_w"},
            "balances": {"main": {"EUR/2": 5_000}},
        },
        {"id": WALLET_B, "name": "bob", "ledger": WALLETS_LEDGER, "balances": {"main": {"EUR/2": 0}}},
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
WALLETS_ACCOUNT = {"account": {"id": "users:walt", "ledger": WALLETS_LEDGER}}
COMBINATIONS = {
    "account-account": (ACCOUNT, {"account": {"id": "users:bob", "ledger": "default"}}, ["CreateTransaction"]),
    "account-account-cross-ledger": (
        ACCOUNT,
        {"account": {"id": "users:dave", "ledger": "other"}},
        ["CreateTransaction", "CreateTransaction"],
    ),
    "account-wallet": (WALLETS_ACCOUNT, {"wallet": {"id": WALLET_B}}, ["GetWallet", "CreditWallet"]),
    "account-wallet-by-name": (WALLETS_ACCOUNT, {"wallet": {"name": "bob"}}, ["ListWallets", "CreditWallet"]),
    "account-wallet-cross-ledger": (
        ACCOUNT,
        {"wallet": {"id": WALLET_B}},
        ["GetWallet", "CreateTransaction", "CreditWallet"],
    ),
    "wallet-account": (
        {"wallet": {"id": WALLET_A}},
        {"account": {"id": "users:bob", "ledger": WALLETS_LEDGER}},
        ["GetWallet", "DebitWallet"],
    ),
    "wallet-account-cross-ledger": (
        {"wallet": {"id": WALLET_A}},
        {"account": {"id": "users:bob", "ledger": "default"}},
        ["GetWallet", "DebitWallet", "CreateTransaction"],
    ),
    "wallet-wallet": (
        {"wallet": {"id": WALLET_A}},
        {"wallet": {"id": WALLET_B}},
        ["GetWallet", "GetWallet", "CreditWallet"],
    ),
    "account-payment": (
        ACCOUNT,
        {"payment": {"psp": "stripe"}},
        ["GetAccount", "CreateTransaction", "CreateTransferInitiation"],
    ),
    "wallet-payment": (
        {"wallet": {"id": WALLET_A}},
        {"payment": {"psp": "stripe"}},
        ["GetWallet", "DebitWallet", "CreateTransferInitiation"],
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


def test_send_moves_balances_in_the_ledger(bank: Api, control: httpx.Client, ledger: httpx.Client) -> None:
    instance_id = start(
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
    # The control API lists the ledger's own V2Transactions: the fixture's opening balances (1),
    # then the send (2), each as GET /api/ledger/v2/default/transactions/{id}.
    listed = control.get("/ledgers/default/transactions").json()["data"]
    assert listed == [ledger.get(f"/v2/default/transactions/{i}").json()["data"] for i in (1, 2)]
    assert listed[1]["postings"] == [
        {"source": "users:alice", "destination": "users:bob", "amount": 250, "asset": "EUR/2"}
    ]
    entry = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"][0]
    assert entry["output"]["CreateTransaction"]["data"]["id"] == 2
    volumes = ledger.get("/v2/default/accounts/users:bob", params={"expand": "volumes"}).json()["data"]["volumes"]
    assert volumes == {"EUR/2": {"input": 250, "output": 0, "balance": 250}}


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
    assert failed["terminated"] is True and failed["error"] == "negative amount"


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
    assert pending["lastFailure"] == (
        "unexpected error while forging log: failed to execute program: failed to execute machine: "
        "account(s) @users:empty had/have insufficient funds"
    )
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


def _advance_to(control: httpx.Client, entry: dict) -> None:
    """Move the manual clock to a pending entry's next execution (the mock pumps on the way)."""
    now = datetime.fromisoformat(control.get("/clock").json()["data"]["now"].replace("Z", "+00:00"))
    due = datetime.fromisoformat(entry["nextExecution"].replace("Z", "+00:00"))
    control.post("/clock/advance", json={"seconds": (due - now).total_seconds()})


def test_a_send_to_a_ledger_never_created_retries_until_the_ledger_api_creates_it(
    api: Api, control: httpx.Client, ledger: httpx.Client, sdk: SDK
) -> None:
    later = {"id": "world", "ledger": "later"}
    send = {
        "send": {
            "source": {"account": later},
            "destination": {"account": {"id": "bank", "ledger": "later"}},
            "amount": {"amount": 100, "asset": "EUR/2"},
        }
    }
    instance_id = start(api, send)
    for attempt in (2, 3, 4, 5):
        pending = api.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]
        assert pending["terminated"] is False and pending["attempt"] == attempt
        assert pending["lastFailure"] == "not found"  # the ledger's 404 LEDGER_NOT_FOUND, retried
        _advance_to(control, pending)
    read_histories_with_sdk(sdk, instance_id, 1)
    assert instance(api, instance_id)["terminated"] is False
    # Orchestration never creates a ledger: the v2 API still does not know it.
    missing = ledger.get("/v2/later/transactions/1")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "LEDGER_NOT_FOUND"
    create_ledger(ledger, "later")
    pending = api.get(f"/instances/{instance_id}/stages/0/history").json()["data"][-1]
    assert pending["attempt"] == 6 and pending["terminated"] is False  # the next retry is not due yet
    _advance_to(control, pending)
    done = instance(api, instance_id)
    assert done["terminated"] is True and "error" not in done
    (entry,) = api.get(f"/instances/{instance_id}/stages/0/history").json()["data"]
    assert entry["terminated"] is True and entry["attempt"] == 1 and "lastFailure" not in entry
    both = [("expand", "volumes"), ("expand", "effectiveVolumes")]  # a single read takes each value whole
    booked = ledger.get("/v2/later/transactions/1", params=both).json()["data"]
    assert entry["output"]["CreateTransaction"]["data"] == booked
    assert booked["postings"] == [{"source": "world", "destination": "bank", "amount": 100, "asset": "EUR/2"}]


def test_the_transaction_a_send_books_is_the_one_the_ledger_api_returns(bank: Api, ledger: httpx.Client) -> None:
    send = {
        "send": {
            "source": ACCOUNT,
            "destination": {"account": {"id": "users:dave", "ledger": "other"}},
            "amount": {"amount": 120, "asset": "EUR/2"},
            "metadata": {"order": "o-1"},
        }
    }
    instance_id = start(bank, send)
    entries = bank.get(f"/instances/{instance_id}/stages/0/history").json()["data"]
    moved_out, moved_in = (e["output"]["CreateTransaction"]["data"] for e in entries)
    expand = [("expand", "volumes"), ("expand", "effectiveVolumes")]  # a single read takes each value whole
    # default: the fixture's opening balances (1) came first; other: its opening (1).
    assert moved_out == ledger.get("/v2/default/transactions/2", params=expand).json()["data"]
    assert moved_in == ledger.get("/v2/other/transactions/2", params=expand).json()["data"]
    assert moved_out["postings"] == [{"source": "users:alice", "destination": "world", "amount": 120, "asset": "EUR/2"}]
    assert moved_out["metadata"] == {"order": "o-1", "orchestration/move-to-ledger": "other"}
    assert moved_in["postings"] == [{"source": "world", "destination": "users:dave", "amount": 120, "asset": "EUR/2"}]
    assert moved_in["metadata"] == {"order": "o-1", "orchestration/move-from-ledger": "default"}
    assert moved_out["postCommitVolumes"]["users:alice"] == {
        "EUR/2": {"input": 10_000, "output": 120, "balance": 9_880}
    }


def test_a_committed_transactions_event_fires_a_listening_trigger(
    api: Api, control: httpx.Client, ledger: httpx.Client
) -> None:
    create_ledger(ledger, "mirror")  # default is one the test servers start with
    mirror = {
        "send": {
            "source": {"account": {"id": "world", "ledger": "mirror"}},
            "destination": {"account": {"id": "${dest}", "ledger": "mirror"}},
            "amount": {"amount": "${amount}", "asset": "EUR/2"},
        }
    }
    workflow_id = api.post("/workflows", json={"name": "mirror", "stages": [mirror]}).json()["data"]["id"]
    first = "event.transactions[0].postings[0]"
    body = {
        "event": "COMMITTED_TRANSACTIONS",
        "workflowID": workflow_id,
        "filter": 'event.ledger == "default"',  # the run's own booking on mirror does not match
        "vars": {"dest": f"{first}.destination", "amount": f"{first}.amount"},
    }
    trigger_id = api.post("/triggers", json=body).json()["data"]["id"]
    posting = {"source": "world", "destination": "users:1", "amount": 42, "asset": "EUR/2"}
    written = ledger.post("/v2/default/transactions", json={"postings": [posting], "metadata": {}})
    assert written.status_code == 200 and written.json()["data"]["id"] == 1
    (occurrence,) = api.get(f"/triggers/{trigger_id}/occurrences").json()["data"]
    assert "error" not in occurrence
    run = instance(api, occurrence["workflowInstanceID"])
    assert run["workflowID"] == workflow_id and run["terminated"] is True and "error" not in run
    history = api.get(f"/instances/{run['id']}/history").json()["data"]
    assert history[0]["input"]["destination"]["account"]["id"] == "users:1"
    assert history[0]["input"]["amount"] == {"amount": 42, "asset": "EUR/2"}
    (mirrored,) = control.get("/ledgers/mirror/transactions").json()["data"]
    assert mirrored["postings"] == [posting]


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
