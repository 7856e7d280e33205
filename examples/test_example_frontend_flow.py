"""A frontend's flow against the mock: create a workflow, run it, wait for an event, send it,
check the history. Run with ``pytest examples/``.

``orchestration_mock`` (from ``mockserver.testing``, loaded in ``conftest.py``) is one mock per
session, reset before each test, on a manual clock: time moves only when the test says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from mockserver.testing import OrchestrationMock

PAYOUT = {
    "name": "payout-after-approval",
    "stages": [
        {"wait_event": {"event": "approved"}},
        {
            "send": {
                "source": {"account": {"id": "world", "ledger": "default"}},
                "destination": {"account": {"id": "users:${user}", "ledger": "default"}},
                "amount": {"amount": "${amount}", "asset": "EUR/2"},
            }
        },
    ],
}


@pytest.fixture
def api(orchestration_mock: OrchestrationMock) -> Iterator[httpx.Client]:
    """What a frontend does: plain HTTP with a bearer token. As on a real stack, the ledger a
    workflow books on must exist first: the same token creates it through the ledger API."""
    headers = {"Authorization": f"Bearer {orchestration_mock.token}"}
    httpx.post(f"{orchestration_mock.ledger_url}/v2/default", headers=headers, json={}).raise_for_status()
    with httpx.Client(base_url=orchestration_mock.base_url, headers=headers) as client:
        yield client


def test_a_payout_waits_for_approval_then_books_the_transfer(
    api: httpx.Client, orchestration_mock: OrchestrationMock
) -> None:
    workflow = api.post("/workflows", json=PAYOUT).json()["data"]
    run = api.post(f"/workflows/{workflow['id']}/instances", json={"user": "alice", "amount": "1500"})
    assert run.status_code == 201
    instance_id = run.json()["data"]["id"]

    # The instance now blocks on its first stage: running, not terminated.
    waiting = api.get(f"/instances/{instance_id}").json()["data"]
    assert waiting["terminated"] is False
    assert [(s["stage"], "terminatedAt" in s) for s in waiting["status"]] == [(0, False)]

    assert api.post(f"/instances/{instance_id}/events", json={"name": "approved"}).status_code == 204

    done = api.get(f"/instances/{instance_id}").json()["data"]
    assert done["terminated"] is True
    assert "error" not in done
    history = api.get(f"/instances/{instance_id}/history").json()["data"]
    assert [entry["name"] for entry in history] == ["RunWaitEvent", "RunSend"]
    activities = api.get(f"/instances/{instance_id}/stages/1/history").json()["data"]
    assert [a["name"] for a in activities] == ["CreateTransaction"]
    posting = activities[0]["output"]["CreateTransaction"]["data"]["postings"][0]
    assert (posting["destination"], posting["amount"]) == ("users:alice", 1500)

    # The control API shows what a backend consumer of the orchestration topic would receive.
    events = [e["type"] for e in orchestration_mock.control.events(instance_id=instance_id)]
    assert events[0] == "STARTED_WORKFLOW"
    assert events[-1] == "SUCCEEDED_WORKFLOW"


def test_the_official_sdk_and_the_mock_clock(orchestration_mock: OrchestrationMock) -> None:
    """The official SDK fetches its own token from the mock with any client id and secret."""
    security = shared.Security(client_id="my-frontend", client_secret="anything")
    with SDK(server_url=orchestration_mock.url, security=security) as sdk:
        v1 = sdk.orchestration.v1
        config = {"name": "cool-down", "stages": [{"delay": {"duration": "10m"}}, {"wait_event": {"event": "go"}}]}
        workflow = v1.create_workflow(request=config).create_workflow_response.data
        run = v1.run_workflow(request={"workflow_id": workflow.id, "request_body": {}})
        instance_id = run.run_workflow_response.data.id

        def stages_done() -> list[bool]:
            read = v1.get_instance(request={"instance_id": instance_id}).get_workflow_instance_response.data
            return [s.terminated_at is not None for s in read.status]

        assert stages_done() == [False]  # the delay holds until the mock's clock moves
        orchestration_mock.control.advance(600)
        assert stages_done() == [True, False]  # now waiting for "go"

        v1.send_event(request={"instance_id": instance_id, "request_body": {"name": "go"}})
        history = v1.get_instance_history(request={"instance_id": instance_id})
        assert [h.name for h in history.get_workflow_instance_history_response.data] == ["RunDelay", "RunWaitEvent"]
        assert all(h.terminated for h in history.get_workflow_instance_history_response.data)


def test_a_read_only_token_cannot_write(orchestration_mock: OrchestrationMock) -> None:
    headers = {"Authorization": f"Bearer {orchestration_mock.read_token}"}
    with httpx.Client(base_url=orchestration_mock.base_url, headers=headers) as client:
        assert client.get("/workflows").status_code == 200
        refused = client.post("/workflows", json={"stages": []})
    assert refused.status_code == 403
    assert refused.json()["errorCode"] == "FORBIDDEN"


def test_each_test_starts_from_an_empty_mock(api: httpx.Client) -> None:
    assert api.get("/workflows").json()["data"] == []
