"""orchestration v2 on a real mock: every operation, its declared errors, one state with v1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support import Api, RunningMock, running_mock, token_for

WAIT = {"name": "wait", "stages": [{"wait_event": {"event": "go"}}]}
MISSING = "5a0e7c1d-0000-4000-8000-000000000000"


def _workflow(api: Api, body: dict | None = None, *, version: str = "/v2") -> str:
    return api.post(f"{version}/workflows", json=body or WAIT).json()["data"]["id"]


def test_workflows_create_read_list_run_delete(api: Api) -> None:
    created = api.post("/v2/workflows", json=WAIT)
    assert created.status_code == 201
    flow = created.json()["data"]
    assert api.get(f"/v2/workflows/{flow['id']}").json() == {"data": flow}
    page = api.get("/v2/workflows").json()["cursor"]
    assert page["data"] == [flow] and page["pageSize"] == 15 and page["hasMore"] is False
    assert "next" not in page and "previous" not in page
    run = api.post(f"/v2/workflows/{flow['id']}/instances", json={"unused": "x"})
    assert run.status_code == 201 and run.json()["data"]["workflowID"] == flow["id"]
    assert api.delete(f"/v2/workflows/{flow['id']}").status_code == 204
    assert api.get(f"/v2/workflows/{flow['id']}").status_code == 404
    assert api.get("/v2/workflows").json()["cursor"]["data"] == []


def test_instances_read_list_event_abort_histories(api: Api) -> None:
    flow = _workflow(api)
    first = api.post(f"/v2/workflows/{flow}/instances", json={}).json()["data"]["id"]
    second = api.post(f"/v2/workflows/{flow}/instances", json={}).json()["data"]["id"]
    assert api.get(f"/v2/instances/{first}").json()["data"]["status"][0]["stage"] == 0
    listed = api.get("/v2/instances", params={"workflowID": flow, "running": "true"}).json()["cursor"]["data"]
    assert [i["id"] for i in listed] == [first, second] and all("status" not in i for i in listed)
    assert api.post(f"/v2/instances/{first}/events", json={"name": "go"}).status_code == 204
    assert api.get(f"/v2/instances/{first}").json()["data"]["terminated"] is True
    assert api.put(f"/v2/instances/{second}/abort").status_code == 204
    running = api.get("/v2/instances", params={"running": "true"}).json()["cursor"]["data"]
    assert running == []
    history = api.get(f"/v2/instances/{first}/history").json()["data"]
    assert [h["name"] for h in history] == ["RunWaitEvent"] and history[0]["terminated"] is True
    assert api.get(f"/v2/instances/{first}/stages/0/history").json() == {"data": []}


def test_v2_shows_a_created_transaction_as_an_array_with_txid(api: Api, ledger: httpx.Client) -> None:
    flow = _workflow(
        api,
        {
            "stages": [
                {
                    "send": {
                        "source": {"account": {"id": "world", "ledger": "default"}},
                        "destination": {"account": {"id": "users:1", "ledger": "default"}},
                        "amount": {"amount": 100, "asset": "USD"},
                    }
                }
            ]
        },
    )
    instance = api.post(f"/v2/workflows/{flow}/instances", params={"wait": "true"}, json={}).json()["data"]["id"]
    v2 = api.get(f"/v2/instances/{instance}/stages/0/history").json()["data"]
    v1 = api.get(f"/instances/{instance}/stages/0/history").json()["data"]
    v2_output = v2[0]["output"]["CreateTransaction"]["data"]
    v1_output = v1[0]["output"]["CreateTransaction"]["data"]
    # v1 (spec mode) shows the ledger's V2Transaction; v2 the real service's one-element array with txid.
    both = [("expand", "volumes"), ("expand", "effectiveVolumes")]  # a single read takes each value whole
    booked = ledger.get("/v2/default/transactions/1", params=both).json()["data"]
    assert v1_output == booked
    assert v2_output == [{"txid": 1, **booked}]


def test_triggers_create_read_list_test_occurrences_delete(api: Api, control: httpx.Client) -> None:
    flow = _workflow(api, {"stages": [{"wait_event": {"event": "${next}"}}]})
    body = {"name": "big", "event": "SAVED_PAYMENT", "workflowID": flow, "filter": "event.amount > 100"}
    trigger = api.post("/v2/triggers", json={**body, "vars": {"next": "event.id"}}).json()["data"]
    assert api.get(f"/v2/triggers/{trigger['id']}").json() == {"data": trigger}
    assert api.get("/v2/triggers", params={"name": "BI"}).json()["cursor"]["data"] == [trigger]
    assert api.get("/v2/triggers", params={"name": "nope"}).json()["cursor"]["data"] == []
    tested = api.post(f"/v2/triggers/{trigger['id']}/test", json={"id": "p1", "amount": 500}).json()
    assert tested == {"data": {"filter": {"match": True}, "variables": {"next": {"value": "p1"}}}}
    control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p1", "amount": 500}})
    occurrences = api.get(f"/v2/triggers/{trigger['id']}/occurrences").json()["cursor"]["data"]
    assert len(occurrences) == 1 and occurrences[0]["workflowInstance"]["workflowID"] == flow
    assert api.delete(f"/v2/triggers/{trigger['id']}").status_code == 204
    assert api.get(f"/v2/triggers/{trigger['id']}").status_code == 404
    assert api.get("/v2/triggers").json()["cursor"]["data"] == []


def test_trigger_test_reports_errors_with_the_position_excerpt(api: Api) -> None:
    flow = _workflow(api)
    trigger = api.post(
        "/v2/triggers",
        json={"event": "E", "workflowID": flow, "filter": "event.a > 1", "vars": {"sum": "a + b", "a": "event.a"}},
    ).json()["data"]["id"]
    matched = api.post(f"/v2/triggers/{trigger}/test", json={"a": 2}).json()["data"]
    assert matched["filter"] == {"match": True}
    assert matched["variables"] == {
        "sum": {"error": "invalid operation: <nil> + <nil> (1:3)\n | a + b\n | ..^"},
        "a": {"value": "2"},
    }
    failed = api.post(f"/v2/triggers/{trigger}/test", json={"a": "x"}).json()["data"]
    assert failed == {  # what was not evaluated is left out (SDKs generated from upstream reject null)
        "filter": {"match": False, "error": "invalid operation: string > int (1:9)\n | event.a > 1\n | ........^"}
    }
    no_filter = api.post("/v2/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
    assert api.post(f"/v2/triggers/{no_filter}/test", json={}).json() == {"data": {}}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/v2/workflows/{MISSING}", None),
        ("DELETE", f"/v2/workflows/{MISSING}", None),
        ("POST", f"/v2/workflows/{MISSING}/instances", {}),
        ("GET", f"/v2/instances/{MISSING}", None),
        ("POST", f"/v2/instances/{MISSING}/events", {"name": "go"}),
        ("PUT", f"/v2/instances/{MISSING}/abort", None),
        ("GET", f"/v2/instances/{MISSING}/history", None),
        ("GET", f"/v2/instances/{MISSING}/stages/0/history", None),
        ("GET", f"/v2/triggers/{MISSING}", None),
        ("DELETE", f"/v2/triggers/{MISSING}", None),
        ("POST", f"/v2/triggers/{MISSING}/test", {"a": 1}),
    ],
)
def test_unknown_resources_are_404_not_found(api: Api, method: str, path: str, body: dict | None) -> None:
    reply = api.request(method, path, json=body)
    assert reply.status_code == 404 and reply.json()["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/v2/workflows", {"json": {"stages": [{"nope": {}}]}}),
        ("POST", "/v2/triggers", {"json": {"event": "E"}}),
        ("GET", "/v2/workflows", {"params": {"pageSize": "x"}}),
        ("GET", "/v2/workflows", {"params": {"pageSize": "-1"}}),
        ("GET", "/v2/workflows", {"params": {"pageSize": "1001"}}),
        ("GET", "/v2/instances", {"params": {"cursor": "not-a-cursor"}}),
        ("GET", "/v2/triggers", {"params": {"cursor": "e30"}}),
        ("GET", f"/v2/triggers/{MISSING}/occurrences", {"params": {"pageSize": "1.5"}}),
        ("GET", "/v2/instances/x/stages/one/history", {}),
    ],
)
def test_bad_input_is_400_validation(api: Api, method: str, path: str, kwargs: dict) -> None:
    reply = api.request(method, path, **kwargs)
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"


def test_a_trigger_test_body_must_be_an_object(api: Api) -> None:
    flow = _workflow(api)
    trigger = api.post("/v2/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
    for content in (b"[1]", b'"text"'):
        reply = api.post(f"/v2/triggers/{trigger}/test", content=content, headers={"content-type": "application/json"})
        assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"


def test_a_cursor_of_one_list_is_refused_by_another(api: Api) -> None:
    for _ in range(3):
        _workflow(api)
    cursor = api.get("/v2/workflows", params={"pageSize": 1}).json()["cursor"]["next"]
    reply = api.get("/v2/triggers", params={"cursor": cursor})
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"


def test_auth_and_scopes_are_those_of_v1(mock_server: RunningMock, api: Api) -> None:
    anonymous = Api(mock_server.api, None)
    assert anonymous.get("/v2/workflows").status_code == 401
    assert anonymous.get("/v2/_info").status_code == 200  # /v2/_info needs no token, as /_info
    reader = Api(mock_server.api, token_for(mock_server.url, "orchestration:read"))
    assert reader.get("/v2/workflows").status_code == 200
    assert reader.post("/v2/workflows", json=WAIT).status_code == 403
    assert api.get("/v2/workflows").status_code == 200


def test_v2_is_served_at_the_root_and_under_the_gateway_prefix(mock_server: RunningMock, write_token: str) -> None:
    headers = {"Authorization": f"Bearer {write_token}"}
    flow = httpx.post(mock_server.url + "/v2/workflows", json=WAIT, headers=headers).json()["data"]["id"]
    prefixed = httpx.get(f"{mock_server.api}/v2/workflows/{flow}", headers=headers)
    assert prefixed.status_code == 200 and prefixed.json()["data"]["id"] == flow
    assert httpx.get(mock_server.url + "/v2/_info").json()["version"]
    ui = httpx.get(mock_server.api + "/v2/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
    served = httpx.get(mock_server.api + "/v2/openapi.json").json()
    assert served["servers"] == [{"url": "/api/orchestration/v2"}] and "/triggers/{triggerID}/test" in served["paths"]


def test_one_state_two_views(api: Api) -> None:
    """A workflow created through v1 is read, listed, run and deleted through v2, and back."""
    from_v1 = _workflow(api, version="")
    assert api.get(f"/v2/workflows/{from_v1}").content == api.get(f"/workflows/{from_v1}").content
    instance = api.post(f"/v2/workflows/{from_v1}/instances", json={}).json()["data"]["id"]
    assert api.get(f"/instances/{instance}").content == api.get(f"/v2/instances/{instance}").content
    assert api.get(f"/instances/{instance}/history").content == api.get(f"/v2/instances/{instance}/history").content
    assert api.get("/v2/instances").json()["cursor"]["data"] == api.get("/instances").json()["data"]
    from_v2 = _workflow(api)
    assert [w["id"] for w in api.get("/workflows").json()["data"]] == [from_v1, from_v2]
    assert api.post(f"/instances/{instance}/events", json={"name": "go"}).status_code == 204
    assert api.get(f"/v2/instances/{instance}").json()["data"]["terminated"] is True
    assert api.delete(f"/workflows/{from_v2}").status_code == 204
    assert api.get(f"/v2/workflows/{from_v2}").status_code == 404
    assert api.delete(f"/v2/workflows/{from_v1}").status_code == 204
    assert api.get("/workflows").json()["data"] == []


def test_resources_created_through_v2_show_in_the_control_state(api: Api, control: httpx.Client) -> None:
    flow = _workflow(api)
    assert flow in control.get("/ui/state.json").text  # what the inspector page shows


class TestRealQuirks:
    def test_v2_info_is_unserved(self, real_server: RunningMock) -> None:
        reply = httpx.get(real_server.api + "/v2/_info")
        assert reply.status_code == 404 and reply.text == "404 page not found\n"

    @pytest.mark.parametrize("size", [500, 5000])
    def test_page_size_is_capped_at_100(self, real_api: Api, size: int) -> None:
        page = real_api.get("/v2/workflows", params={"pageSize": size}, check=False).json()["cursor"]
        assert page["pageSize"] == 100

    def test_trigger_test_of_a_body_that_is_not_an_object_is_500(self, real_api: Api) -> None:
        flow = _workflow(real_api)
        trigger = real_api.post("/v2/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
        reply = real_api.post(f"/v2/triggers/{trigger}/test", json=[1], check=False)
        assert reply.status_code == 500 and reply.json()["errorCode"] == "INTERNAL"

    def test_trigger_test_sends_nulls_for_what_it_did_not_evaluate(self, real_api: Api) -> None:
        flow = _workflow(real_api)
        trigger = real_api.post("/v2/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
        said = real_api.post(f"/v2/triggers/{trigger}/test", json={}, check=False).json()
        assert said == {"data": {"filter": None, "variables": None}}

    def test_trigger_test_of_an_unknown_trigger_is_500(self, real_api: Api) -> None:
        reply = real_api.post(f"/v2/triggers/{MISSING}/test", json={}, check=False)
        assert reply.status_code == 500


def test_state_file_keeps_what_v2_made(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with running_mock("--clock", "manual", "--state-file", str(state)) as first:
        api = Api(first.api, token_for(first.url))
        flow = _workflow(api)
        instance = api.post(f"/v2/workflows/{flow}/instances", json={}).json()["data"]
        before = api.get("/v2/instances").content
    with running_mock("--clock", "manual", "--state-file", str(state)) as second:
        api = Api(second.api, token_for(second.url))
        assert api.get("/v2/instances").content == before
        assert api.get(f"/instances/{instance['id']}").json()["data"]["workflowID"] == flow
