"""The official formance-sdk-python 9.x, unchanged, reads and writes every field flows v2.6.0 adds, v1 and v2.

A trigger's ``version`` (written, read back, listed), the ``workflow`` an instance embeds, the send
shapes (``throughAccount``, ``allowOverdraft``, a payment source's ``ledger`` and ``holdingAccount``, a
payment destination's ``type`` and ``sourceAccount``) in definitions and resolved history inputs, and
the ``CreateTransferInitiation`` activity.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from tests.support import RunningMock

BANK = {
    "ledgers": {
        "main": {"accounts": {"users:1": {"balances": {"USD": 100}, "metadata": {"stripeConnectID": "acct_1"}}}}
    },
    "payments": [{"id": "pay-1", "initialAmount": 70, "asset": "USD"}],
}
PAYOUT = {
    "send": {
        "source": {
            "account": {
                "id": "users:1",
                "ledger": "main",
                "throughAccount": "liabilities:payouts",
                "allowOverdraft": True,
            }
        },
        "destination": {
            "payment": {
                "psp": "stripe",
                "type": "PAYOUT",
                "sourceAccount": "acct_platform",
                "metadata": "stripeConnectID",
            }
        },
        "amount": {"amount": 500, "asset": "USD"},
    }
}
INGEST = {
    "send": {
        "source": {
            "payment": {"id": "pay-1", "ledger": "main", "holdingAccount": "assets:held", "allowOverdraft": True}
        },
        "destination": {"account": {"id": "users:2", "ledger": "main"}},
    }
}


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    httpx.post(mock_server.url + "/_mock/fixtures", json=BANK).raise_for_status()
    with SDK(server_url=mock_server.url, security=shared.Security(client_id="sdk", client_secret="s")) as client:
        yield client


def _call(api: Any, name: str, **request: Any) -> Any:
    """``api.<name>`` (v1 or v2): the answer's ``data``, or its cursor's."""
    response = getattr(api, name)(request=request)
    (payload,) = [v for k, v in vars(response).items() if k.endswith("_response") and k != "raw_response" and v]
    return payload.cursor.data if hasattr(payload, "cursor") else payload.data


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_trigger_versions_are_written_and_read(sdk: SDK, version: str) -> None:
    api = getattr(sdk.orchestration, version)
    flow = _call(api, "create_workflow", stages=[{"noop": {}}]).id
    made = _call(api, "create_trigger", event="COMMITTED_TRANSACTIONS", workflow_id=flow, version="v2")
    plain = _call(api, "create_trigger", event="COMMITTED_TRANSACTIONS", workflow_id=flow)
    assert made.version == "v2" and plain.version is None
    assert _call(api, "read_trigger", trigger_id=made.id).version == "v2"
    listed = {t.id: t.version for t in _call(api, "list_triggers")}
    assert listed == {made.id: "v2", plain.id: None}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_send_shapes_histories_and_the_embedded_workflow_decode(sdk: SDK, version: str) -> None:
    api = getattr(sdk.orchestration, version)
    flow = _call(api, "create_workflow", stages=[PAYOUT])
    assert flow.config.stages == [PAYOUT]
    run = _call(api, "run_workflow", workflow_id=flow.id, wait=True, request_body={})
    assert run.terminated is True and run.error is None and run.workflow.id == flow.id
    read = _call(api, "get_instance", instance_id=run.id)
    assert read.workflow.id == flow.id and read.workflow.config.stages == [PAYOUT]
    assert [i.workflow.id for i in _call(api, "list_instances")] == [flow.id]

    (entry,) = _call(api, "get_instance_history", instance_id=run.id)
    source, destination = entry.input.source.account, entry.input.destination.payment
    assert (source.through_account, source.allow_overdraft) == ("liabilities:payouts", True)
    assert (destination.type.value, destination.source_account, destination.psp) == (
        "PAYOUT",
        "acct_platform",
        "stripe",
    )

    get, booked, initiated = _call(api, "get_instance_stage_history", instance_id=run.id, number=0)
    assert (get.name, booked.name, initiated.name) == ("GetAccount", "CreateTransaction", "CreateTransferInitiation")
    assert "allowing unbounded overdraft" in booked.input.create_transaction.data.script.plain
    transfer = initiated.input.create_transfer_initiation
    assert (transfer.provider, transfer.type.value, transfer.source, transfer.destination) == (
        "stripe",
        "PAYOUT",
        "acct_platform",
        "acct_1",
    )
    assert transfer.amount == 500 and transfer.waiting_validation is False and initiated.output is None


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_payment_source_with_its_ingestion_fields_decodes(sdk: SDK, version: str) -> None:
    api = getattr(sdk.orchestration, version)
    flow = _call(api, "create_workflow", stages=[INGEST])
    run = _call(api, "run_workflow", workflow_id=flow.id, wait=True, request_body={})
    assert run.terminated is True and run.error is None
    (entry,) = _call(api, "get_instance_history", instance_id=run.id)
    payment = entry.input.source.payment
    assert (payment.id, payment.ledger, payment.holding_account) == ("pay-1", "main", "assets:held")
    assert (payment.through_account, payment.allow_overdraft) == ("world", True)
