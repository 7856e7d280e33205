"""The official formance-sdk-python, unchanged, against the mock's orchestration v2: all 18 operations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import orchestration, shared

from tests.support import MISSING_ID, SEND_STAGE, WAIT_STAGE, RunningMock


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    with SDK(server_url=mock_server.url, security=shared.Security(client_id="sdk", client_secret="s")) as client:
        yield client


def publish(mock_server: RunningMock, event: str, payload: dict[str, Any]) -> None:
    reply = httpx.post(mock_server.url + "/_mock/events", json={"type": event, "payload": payload})
    assert reply.status_code == 202, reply.text


def test_workflows_create_get_list_run_delete(sdk: SDK) -> None:
    v2 = sdk.orchestration.v2
    created = v2.create_workflow(request={"name": "sdk", "stages": [WAIT_STAGE]}).v2_create_workflow_response.data
    assert created.config.name == "sdk"
    assert v2.get_workflow(request={"flow_id": created.id}).v2_get_workflow_response.data.id == created.id
    page = v2.list_workflows(request={}).v2_list_workflows_response.cursor
    assert [w.id for w in page.data] == [created.id]
    assert page.has_more is False and page.page_size == 15 and page.next is None and page.previous is None

    run = v2.run_workflow(request={"workflow_id": created.id, "request_body": {}}).v2_run_workflow_response.data
    assert run.workflow_id == created.id and run.terminated is False
    v2.delete_workflow(request={"flow_id": created.id})
    assert v2.list_workflows(request={}).v2_list_workflows_response.cursor.data == []


def test_instances_filters_events_abort_and_histories(sdk: SDK) -> None:
    v2 = sdk.orchestration.v2
    flow = v2.create_workflow(request={"stages": [SEND_STAGE, WAIT_STAGE]}).v2_create_workflow_response.data.id
    other = v2.create_workflow(request={"stages": [WAIT_STAGE]}).v2_create_workflow_response.data.id
    body = {"amount": "100", "order": "o-1"}
    first = v2.run_workflow(request={"workflow_id": flow, "request_body": body}).v2_run_workflow_response.data.id
    second = v2.run_workflow(request={"workflow_id": flow, "request_body": body}).v2_run_workflow_response.data.id
    elsewhere = v2.run_workflow(request={"workflow_id": other}).v2_run_workflow_response.data.id

    def listed(**filters: Any) -> set[str]:
        return {i.id for i in v2.list_instances(request=filters).v2_list_runs_response.cursor.data}

    assert listed() == {first, second, elsewhere}
    assert listed(workflow_id=flow) == {first, second}

    instance = v2.get_instance(request={"instance_id": first}).v2_get_workflow_instance_response.data
    assert [s.stage for s in instance.status] == [0, 1] and instance.terminated is False
    history = v2.get_instance_history(request={"instance_id": first}).v2_get_workflow_instance_history_response
    assert [h.name for h in history.data] == ["RunSend", "RunWaitEvent"]

    stage = v2.get_instance_stage_history(request={"instance_id": first, "number": 0})
    [activity] = stage.v2_get_workflow_instance_history_stage_response.data
    assert activity.name == "CreateTransaction" and activity.terminated
    [transaction] = activity.output.create_transaction.data  # v2: an array of transactions, each with txid
    assert isinstance(transaction.txid, int)
    assert transaction.metadata == {"order": "o-1"}
    assert [(p.source, p.destination, p.amount, p.asset) for p in transaction.postings] == [
        ("world", "bank", 100, "EUR/2")
    ]

    v2.send_event(request={"instance_id": first, "request_body": {"name": "go"}})
    assert v2.get_instance(request={"instance_id": first}).v2_get_workflow_instance_response.data.terminated
    v2.cancel_event(request={"instance_id": second})
    aborted = v2.get_instance(request={"instance_id": second}).v2_get_workflow_instance_response.data
    assert aborted.terminated
    assert listed(running=True) == {elsewhere}
    assert listed(workflow_id=flow, running=True) == set()


def test_triggers_create_read_list_test_occurrences_delete(sdk: SDK, mock_server: RunningMock) -> None:
    v2 = sdk.orchestration.v2
    flow = v2.create_workflow(request={"stages": [WAIT_STAGE]}).v2_create_workflow_response.data.id
    trigger = v2.create_trigger(
        request={
            "name": "big-payments",
            "event": "SAVED_PAYMENT",
            "workflow_id": flow,
            "filter_": "event.amount > 100",
            "vars": {"order": "event.id"},
        }
    ).v2_create_trigger_response.data
    plain = v2.create_trigger(request={"event": "OTHER", "workflow_id": flow}).v2_create_trigger_response.data
    assert trigger.workflow_id == flow and trigger.filter_ == "event.amount > 100"
    assert v2.read_trigger(request={"trigger_id": trigger.id}).v2_read_trigger_response.data.id == trigger.id

    def names(name: str | None = None) -> set[str]:
        return {t.id for t in v2.list_triggers(request={"name": name}).v2_list_triggers_response.cursor.data}

    assert names() == {trigger.id, plain.id}
    assert names("BIG") == {trigger.id}  # a case-insensitive substring of the name
    assert names("nothing") == set()

    def tested(trigger_id: str, payload: dict[str, Any]) -> orchestration.V2TriggerTest:
        reply = v2.test_trigger(request={"trigger_id": trigger_id, "request_body": payload})
        return reply.v2_test_trigger_response.data

    matched = tested(trigger.id, {"id": "pay_1", "amount": 500})
    assert matched.filter_.match is True and matched.filter_.error is None
    assert matched.variables["order"].value == "pay_1"
    refused = tested(trigger.id, {"id": "pay_2", "amount": "lots"})
    assert refused.filter_.match is False and "invalid operation" in refused.filter_.error
    assert refused.variables is None
    unfiltered = tested(plain.id, {})
    assert unfiltered.filter_ is None and unfiltered.variables is None

    publish(mock_server, "SAVED_PAYMENT", {"id": "pay_1", "amount": 500})
    publish(mock_server, "SAVED_PAYMENT", {"id": "pay_0", "amount": 5})  # filtered out
    page = v2.list_triggers_occurrences(request={"trigger_id": trigger.id}).v2_list_triggers_occurrences_response
    [occurrence] = page.cursor.data
    assert occurrence.trigger_id == trigger.id
    assert occurrence.event["type"] == "SAVED_PAYMENT" and occurrence.event["payload"] == {"id": "pay_1", "amount": 500}
    assert occurrence.workflow_instance.workflow_id == flow
    assert occurrence.workflow_instance_id == occurrence.workflow_instance.id

    v2.delete_trigger(request={"trigger_id": trigger.id})
    assert names() == {plain.id}


def test_server_info_needs_no_token(sdk: SDK) -> None:
    assert sdk.orchestration.v2.get_server_info().v2_server_info.version


def walk(fetch: Callable[[dict[str, Any]], Any], page_size: int) -> tuple[list[list[str]], Any]:
    """Follow ``next`` from the first page to the last; return the pages' ids and the last page."""
    page = fetch({"page_size": page_size})
    pages = [[item.id for item in page.data]]
    while page.has_more:
        assert page.next, "a page with more after it must give a next cursor"
        page = fetch({"cursor": page.next})
        pages.append([item.id for item in page.data])
    return pages, page


def test_paginated_lists_walk_forward_and_back_by_cursor(sdk: SDK) -> None:
    v2 = sdk.orchestration.v2
    flows = [v2.create_workflow(request={"stages": [WAIT_STAGE]}).v2_create_workflow_response.data.id for _ in range(7)]
    instances = [v2.run_workflow(request={"workflow_id": flows[0]}).v2_run_workflow_response.data.id for _ in range(5)]
    triggers = [
        v2.create_trigger(request={"event": "E", "workflow_id": flows[1]}).v2_create_trigger_response.data.id
        for _ in range(4)
    ]

    def workflows(request: dict[str, Any]) -> Any:
        return v2.list_workflows(request=request).v2_list_workflows_response.cursor

    pages, last = walk(workflows, page_size=3)
    assert [len(p) for p in pages] == [3, 3, 1] and last.next is None
    seen = [i for p in pages for i in p]
    assert sorted(seen) == sorted(flows) and len(set(seen)) == len(flows)  # each exactly once

    back = [[w.id for w in last.data]]
    page = last
    while page.previous:
        page = workflows({"cursor": page.previous})
        back.append([w.id for w in page.data])
    assert back == pages[::-1] and page.previous is None

    def runs(request: dict[str, Any]) -> Any:
        return v2.list_instances(request={**request, "workflow_id": flows[0]}).v2_list_runs_response.cursor

    run_pages, _ = walk(runs, page_size=2)
    assert sorted(i for p in run_pages for i in p) == sorted(instances) and len(run_pages) == 3

    def trigger_pages(request: dict[str, Any]) -> Any:
        return v2.list_triggers(request=request).v2_list_triggers_response.cursor

    seen_triggers, _ = walk(trigger_pages, page_size=1)
    assert sorted(i for p in seen_triggers for i in p) == sorted(triggers) and len(seen_triggers) == 4


def test_unknown_workflow_raises_v2_error_not_found(sdk: SDK) -> None:
    with pytest.raises(orchestration.V2Error) as caught:
        sdk.orchestration.v2.get_workflow(request={"flow_id": MISSING_ID})
    assert caught.value.raw_response.status_code == 404
    assert caught.value.data.error_code == orchestration.V2ErrorErrorCode.NOT_FOUND


def test_bad_cursor_raises_v2_error_validation(sdk: SDK) -> None:
    with pytest.raises(orchestration.V2Error) as caught:
        sdk.orchestration.v2.list_workflows(request={"cursor": "not-a-cursor"})
    assert caught.value.raw_response.status_code == 400
    assert caught.value.data.error_code == orchestration.V2ErrorErrorCode.VALIDATION
