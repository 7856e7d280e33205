"""Request verification (WireMock's "did my app send this?"): GET /_mock/requests filters and the
pytest fixture's ``requests`` / ``assert_called``."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing import ControlClient
from tests.support import Api, RunningMock

WAIT = {"name": "w", "stages": [{"wait_event": {"event": "go"}}]}


@pytest.fixture
def verify(mock_server: RunningMock, api: Api) -> ControlClient:
    client = ControlClient(mock_server.url)
    yield client
    client.close()


def test_each_request_has_its_operation_status_and_body(api: Api, verify: ControlClient) -> None:
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    api.post(f"/v2/workflows/{flow}/instances", json={"orderID": "ord_1"})
    api.get("/workflows/nope")
    calls = verify.requests()
    assert [c["operationId"] for c in calls] == ["createWorkflow", "v2RunWorkflow", "getWorkflow"]
    assert [c["status"] for c in calls] == [201, 201, 404]
    assert calls[1]["body"] == {"orderID": "ord_1"} and "body" not in calls[2]
    assert [c["seq"] for c in calls] == sorted({c["seq"] for c in calls})


def test_filters_combine(api: Api, verify: ControlClient, control: httpx.Client) -> None:
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    for _ in range(3):
        api.post(f"/workflows/{flow}/instances", json={})
    api.get("/instances")
    mark = verify.requests()[-1]["seq"]
    api.post(f"/workflows/{flow}/instances", json={"later": "yes"})
    assert len(verify.requests(operation_id="runWorkflow")) == 4
    assert len(verify.requests(operation_id="runWorkflow", since=mark)) == 1
    assert [c["method"] for c in verify.requests(method="get")] == ["GET"]
    assert len(verify.requests(path="/instances$")) == 5  # the four runs end in /instances too, and the list
    assert len(verify.requests(status=201)) == 5
    assert control.get("/requests", params={"limit": 2}).json()["data"][-1]["body"] == {"later": "yes"}


def test_forced_and_faulted_requests_say_so(api: Api, verify: ControlClient, control: httpx.Client) -> None:
    api.get("/workflows", headers={"Prefer": "code=500"})
    control.post("/faults", json={"operationId": "listTriggers", "status": 503}).raise_for_status()
    api.get("/triggers")
    forced, faulted = verify.requests()
    assert forced["forced"] is True and forced["operationId"] == "listWorkflows"
    assert faulted["fault"] and faulted["status"] == 503


def test_secret_named_body_keys_are_masked_and_big_bodies_summarised(api: Api, verify: ControlClient) -> None:
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    api.post(f"/workflows/{flow}/instances", json={"apiKey": "k-123", "clientSecret": "s", "order": "o"})
    big = {"name": "x" * 9000, "stages": []}
    api.post("/workflows", json=big)
    run, created = verify.requests()[-2:]
    assert run["body"] == {"apiKey": "***", "clientSecret": "***", "order": "o"}
    assert created["body"]["truncated"] is True and created["body"]["bytes"] > 9000


def test_credentials_in_a_query_string_are_redacted_and_dates_are_rfc3339(
    api: Api, verify: ControlClient, control: httpx.Client
) -> None:
    api.get("/workflows", params={"access_token": "t-123", "pageSize": "2"})
    clock = control.get("/clock").json()["data"]["now"]
    (listed,) = verify.requests()
    assert listed["query"] == "access_token=***&pageSize=2"
    assert listed["date"] == clock  # the manual clock's reading, written as the API writes dates


def test_assert_called(api: Api, verify: ControlClient) -> None:
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    api.post(f"/workflows/{flow}/instances", json={"order": "o-1"})
    assert len(verify.assert_called("createWorkflow", times=1)) == 1
    verify.assert_called("runWorkflow", body={"order": "o-1"})
    with pytest.raises(AssertionError) as caught:
        verify.assert_called("deleteWorkflow")
    message = str(caught.value)
    assert "expected deleteWorkflow at least once, found 0" in message
    assert "POST /api/orchestration/workflows -> 201 (createWorkflow)" in message
    with pytest.raises(AssertionError, match="2 time"):
        verify.assert_called("runWorkflow", times=2)
    with pytest.raises(AssertionError, match="with body"):
        verify.assert_called("runWorkflow", body={"order": "o-2"})


@pytest.mark.parametrize(
    "params", [{"path": "("}, {"status": "x"}, {"since": "-1"}, {"method": "FETCH"}, {"operationId": ""}]
)
def test_bad_filters_are_400_in_the_error_shape(control: httpx.Client, params: dict) -> None:
    reply = control.get("/requests", params=params)
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"
