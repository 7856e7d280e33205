"""One stack through the official formance-sdk-python: orchestration v2 books on a ledger made with
ledger v2, what the run's history shows is what the ledger serves, and a ledger write fires an
orchestration trigger whose run books in turn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from formance_sdk_python import SDK

from tests.ledger_sdk import advance, balances, ledger_sdk, moves
from tests.support import RunningMock


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    with ledger_sdk(mock_server, "sdk-stack") as client:  # with the ledger "shop"
        yield client


def send(source: str, destination: str, amount: str, asset: str, ledger: str, **extra: Any) -> dict[str, Any]:
    """A workflow `send` stage between two accounts of one ledger."""
    return {
        "send": {
            "source": {"account": {"id": source, "ledger": ledger}},
            "destination": {"account": {"id": destination, "ledger": ledger}},
            "amount": {"amount": amount, "asset": asset},
            **extra,
        }
    }


def booked(sdk: SDK, instance_id: str, stage: int = 0) -> Any:
    """The transaction a send stage booked, as the instance's stage history shows it (v2: an array of one)."""
    history = sdk.orchestration.v2.get_instance_stage_history(request={"instance_id": instance_id, "number": stage})
    [activity] = history.v2_get_workflow_instance_history_stage_response.data
    assert activity.name == "CreateTransaction" and activity.terminated and activity.error is None
    [transaction] = activity.output.create_transaction.data
    return transaction


def test_a_workflow_books_on_a_ledger_the_sdk_created(sdk: SDK, mock_server: RunningMock) -> None:
    orchestration, ledger = sdk.orchestration.v2, sdk.ledger.v2
    funding = {"postings": [{"source": "world", "destination": "users:alice", "amount": 900, "asset": "EUR/2"}]}
    deposit = ledger.create_transaction(
        request={"ledger": "shop", "v2_post_transaction": {**funding, "metadata": {}}}
    ).v2_create_transaction_response.data
    advance(mock_server, 30)
    stage = send("users:alice", "merchants:42", "${amount}", "EUR/2", "shop", metadata={"order": "${order}"})
    flow = orchestration.create_workflow(request={"name": "pay", "stages": [stage]}).v2_create_workflow_response.data
    run = orchestration.run_workflow(
        request={"workflow_id": flow.id, "wait": True, "request_body": {"amount": "250", "order": "o-7"}}
    ).v2_run_workflow_response.data
    instance = orchestration.get_instance(request={"instance_id": run.id}).v2_get_workflow_instance_response.data
    assert instance.terminated and instance.error is None

    shown = booked(sdk, run.id)
    assert shown.txid == 2  # after the deposit, transaction 1
    read = ledger.get_transaction(request={"ledger": "shop", "id": shown.txid}).v2_get_transaction_response.data
    assert read.id == shown.txid
    assert moves(read) == [(p.source, p.destination, p.amount, p.asset) for p in shown.postings]
    assert moves(read) == [("users:alice", "merchants:42", 250, "EUR/2")]
    assert read.metadata == shown.metadata == {"order": "o-7"}
    assert read.timestamp == shown.timestamp > deposit.timestamp  # booked when the run sent it
    alice = ledger.get_account(request={"ledger": "shop", "address": "users:alice", "expand": "volumes"})
    assert balances(alice.v2_account_response.data.volumes) == {"EUR/2": (900, 250, 650)}
    listed = ledger.list_transactions(request={"ledger": "shop", "request_body": {}})
    assert [tx.id for tx in listed.v2_transactions_cursor_response.cursor.data] == [2, 1]


def test_a_ledger_write_fires_a_trigger_whose_run_books_in_turn(sdk: SDK) -> None:
    orchestration, ledger = sdk.orchestration.v2, sdk.ledger.v2
    ledger.create_ledger(request={"ledger": "rewards", "v2_create_ledger_request": {}})
    bonus = send("world", "${user}", "${points}", "POINTS", "rewards", metadata={"cause": "${cause}"})
    flow = orchestration.create_workflow(request={"name": "bonus", "stages": [bonus]}).v2_create_workflow_response.data
    first = "event.transactions[0]"
    trigger = orchestration.create_trigger(
        request={
            "name": "reward-deposits",
            "event": "COMMITTED_TRANSACTIONS",
            "workflow_id": flow.id,
            # Only the shop's writes: the bonus booked on rewards commits a transaction too.
            "filter_": 'event.ledger == "shop"',
            "vars": {
                "user": f"{first}.postings[0].destination",
                "points": f"{first}.postings[0].amount",
                "cause": f"string({first}.id)",
            },
        }
    ).v2_create_trigger_response.data

    posting = {"source": "world", "destination": "users:bob", "amount": 1200, "asset": "EUR/2"}
    deposit = ledger.create_transaction(
        request={"ledger": "shop", "v2_post_transaction": {"postings": [posting], "metadata": {}}}
    ).v2_create_transaction_response.data

    page = orchestration.list_triggers_occurrences(request={"trigger_id": trigger.id})
    [occurrence] = page.v2_list_triggers_occurrences_response.cursor.data  # one: the shop's write
    assert occurrence.error is None and occurrence.event["type"] == "COMMITTED_TRANSACTIONS"
    assert occurrence.event["payload"]["ledger"] == "shop"
    assert occurrence.event["payload"]["transactions"][0]["id"] == deposit.id
    run = orchestration.get_instance(request={"instance_id": occurrence.workflow_instance_id})
    instance = run.v2_get_workflow_instance_response.data
    assert instance.workflow_id == flow.id and instance.terminated and instance.error is None

    shown = booked(sdk, instance.id)
    reward = ledger.get_transaction(request={"ledger": "rewards", "id": shown.txid}).v2_get_transaction_response.data
    assert (reward.id, moves(reward)) == (1, [("world", "users:bob", 1200, "POINTS")])
    assert reward.metadata == shown.metadata == {"cause": str(deposit.id)}
    shop = ledger.list_transactions(request={"ledger": "shop", "request_body": {}})
    assert [tx.id for tx in shop.v2_transactions_cursor_response.cursor.data] == [deposit.id]  # nothing else
