"""The official formance-sdk-python, unchanged, against the mock: token flow and all 17 operations."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import orchestration, shared

from tests.support import SEND_STAGE, RunningMock


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    with SDK(server_url=mock_server.url, security=shared.Security(client_id="sdk", client_secret="s")) as client:
        yield client


def test_all_17_operations_through_the_sdk(sdk: SDK, mock_server: RunningMock) -> None:
    v1 = sdk.orchestration.v1
    assert v1.get_server_info_orchestration().server_info.version

    created = v1.create_workflow(request={"name": "sdk", "stages": [SEND_STAGE, {"wait_event": {"event": "go"}}]})
    workflow = created.create_workflow_response.data
    assert v1.get_workflow(request={"flow_id": workflow.id}).get_workflow_response.data.id == workflow.id
    assert [w.id for w in v1.list_workflows().list_workflows_response.data] == [workflow.id]

    run = v1.run_workflow(request={"workflow_id": workflow.id, "request_body": {"amount": "100", "order": "o-1"}})
    instance = run.run_workflow_response.data
    assert instance.workflow_id == workflow.id
    listed = v1.list_instances(request={"workflow_id": workflow.id, "running": True}).list_runs_response.data
    assert [i.id for i in listed] == [instance.id]
    read = v1.get_instance(request={"instance_id": instance.id}).get_workflow_instance_response.data
    assert [s.stage for s in read.status] == [0, 1]

    history = v1.get_instance_history(request={"instance_id": instance.id})
    assert [h.name for h in history.get_workflow_instance_history_response.data] == ["RunSend", "RunWaitEvent"]
    stage = v1.get_instance_stage_history(request={"instance_id": instance.id, "number": 0})
    assert [a.name for a in stage.get_workflow_instance_history_stage_response.data] == ["CreateTransaction"]

    v1.send_event(request={"instance_id": instance.id, "request_body": {"name": "go"}})
    assert v1.get_instance(request={"instance_id": instance.id}).get_workflow_instance_response.data.terminated

    trigger = v1.create_trigger(
        request={
            "event": "SAVED_PAYMENT",
            "workflow_id": workflow.id,
            "vars": {"amount": "event.amount", "order": "event.id"},
        }
    )
    trigger_id = trigger.create_trigger_response.data.id
    assert v1.read_trigger(request={"trigger_id": trigger_id}).read_trigger_response.data.id == trigger_id
    assert [t.id for t in v1.list_triggers(request={}).list_triggers_response.data] == [trigger_id]
    httpx.post(
        mock_server.url + "/_mock/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "pay_1", "amount": 250}}
    ).raise_for_status()
    occurrences = v1.list_triggers_occurrences(request={"trigger_id": trigger_id})
    occurrence = occurrences.list_triggers_occurrences_response.data[0]
    assert occurrence.workflow_instance.workflow_id == workflow.id

    v1.cancel_event(request={"instance_id": occurrence.workflow_instance_id})
    v1.delete_trigger(request={"trigger_id": trigger_id})
    v1.delete_workflow(request={"flow_id": workflow.id})
    assert v1.list_workflows().list_workflows_response.data == []


def test_sdk_receives_typed_errors(sdk: SDK) -> None:
    with pytest.raises(orchestration.Error) as caught:
        sdk.orchestration.v1.get_workflow(request={"flow_id": "00000000-0000-4000-8000-000000000000"})
    assert caught.value.raw_response.status_code == 404
    assert caught.value.data.error_code == orchestration.ErrorErrorCode.NOT_FOUND
    with pytest.raises(orchestration.Error) as invalid:
        sdk.orchestration.v1.create_workflow(request={"name": "bad", "stages": [{"teleport": {}}]})
    assert invalid.value.data.error_code == orchestration.ErrorErrorCode.VALIDATION
