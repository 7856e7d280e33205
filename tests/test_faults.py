"""Fault rules (POST /_mock/faults) and --latency: errors, slow answers and drops on demand."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support import Api, RunningMock, running_mock, token_for

WAIT = {"name": "w", "stages": [{"wait_event": {"event": "go"}}]}


def _add(control: httpx.Client, rule: dict) -> dict:
    reply = control.post("/faults", json=rule)
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]


def test_a_status_rule_answers_before_the_handler_and_changes_nothing(api: Api, control: httpx.Client) -> None:
    rule = _add(control, {"operationId": "createWorkflow", "status": 503, "times": 1})
    assert rule["id"] and rule["fired"] == 0
    failed = api.post("/workflows", json=WAIT)  # the spec checks it: default covers 503
    assert failed.status_code == 503 and failed.json()["errorCode"] == "INTERNAL"
    assert api.get("/workflows").json() == {"data": []}
    assert api.post("/workflows", json=WAIT).status_code == 201  # times: 1, so it expired
    listed = control.get("/faults").json()["data"]
    assert listed == [{**rule, "fired": 1, "expired": True}]
    journal = control.get("/requests").json()["data"]
    assert [e.get("fault") for e in journal if e["method"] == "POST"] == [rule["id"], None]


def test_a_rule_on_a_declared_status_answers_its_example(api: Api, control: httpx.Client) -> None:
    _add(control, {"method": "GET", "path": "/workflows/[^/]+$", "status": 404})
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    for prefix in ("", "/v2"):
        reply = api.get(f"{prefix}/workflows/{flow}")
        assert reply.status_code == 404 and reply.json()["errorCode"] == "NOT_FOUND"


def test_a_delay_rule_delays_the_real_answer(api: Api, control: httpx.Client) -> None:
    _add(control, {"operationId": "v2CreateWorkflow", "delayMs": 300})
    started = time.monotonic()
    created = api.post("/v2/workflows", json=WAIT)
    assert time.monotonic() - started >= 0.29
    assert created.status_code == 201  # the change happened
    assert api.get("/v2/workflows").json()["cursor"]["data"] == [created.json()["data"]]


def test_a_dropped_connection_is_a_transport_error_and_the_next_request_is_served(
    mock_server: RunningMock, api: Api, control: httpx.Client, write_token: str
) -> None:
    _add(control, {"operationId": "runWorkflow", "drop": True, "times": 1})
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    with httpx.Client(base_url=mock_server.api, headers={"Authorization": f"Bearer {write_token}"}) as client:
        with pytest.raises(httpx.TransportError):
            client.post(f"/workflows/{flow}/instances", json={})
        assert client.get("/instances").json() == {"data": []}  # dropped before the handler: no run
        assert client.post(f"/workflows/{flow}/instances", json={}).status_code == 201
    dropped = [e for e in control.get("/requests").json()["data"] if e.get("dropped")]
    assert len(dropped) == 1 and dropped[0]["status"] == 0


def test_probability_draws_follow_the_seed() -> None:
    def firings() -> list[int]:
        with running_mock("--clock", "manual", "--seed", "11") as mock:
            httpx.post(
                mock.url + "/_mock/faults", json={"operationId": "getServerInfo", "status": 500, "probability": 0.5}
            )
            return [httpx.get(mock.api + "/_info").status_code for _ in range(40)]

    first, second = firings(), firings()
    assert first == second  # same seed, same requests: the same rules fire
    assert 5 < first.count(500) < 35  # and about half of them do


def test_rules_can_be_removed_one_by_one_or_all_and_reset_clears_them(
    mock_server: RunningMock, api: Api, control: httpx.Client
) -> None:
    one = _add(control, {"operationId": "listWorkflows", "status": 500})
    two = _add(control, {"operationId": "listTriggers", "status": 500})
    assert control.delete(f"/faults/{one['id']}").status_code == 204
    assert control.delete(f"/faults/{one['id']}").status_code == 404
    assert api.get("/workflows").status_code == 200 and api.get("/triggers").status_code == 500
    assert control.delete("/faults").status_code == 204
    assert control.get("/faults").json() == {"data": []}
    three = _add(control, {"operationId": "listTriggers", "status": 500})
    assert three["id"] not in (one["id"], two["id"])  # ids are never reused
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    assert control.get("/faults").json() == {"data": []}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ([1], "object"),
        ({}, "at least one of status, delayMs or drop"),
        ({"status": 503, "bogus": 1}, "unknown fault rule field(s) bogus"),
        ({"status": 99}, "status"),
        ({"status": "503"}, "status"),
        ({"delayMs": -1}, "delayMs"),
        ({"delayMs": 600_000}, "delayMs"),
        ({"drop": "yes"}, "drop"),
        ({"drop": True, "status": 500}, "not both"),
        ({"status": 500, "times": 0}, "times"),
        ({"status": 500, "probability": 0}, "probability"),
        ({"status": 500, "probability": 1.5}, "probability"),
        ({"status": 500, "path": "("}, "regular expression"),
        ({"status": 500, "method": "FETCH"}, "method"),
        ({"status": 500, "operationId": ""}, "operationId"),
    ],
)
def test_bad_rules_are_400_in_the_error_shape(api: Api, control: httpx.Client, rule: object, message: str) -> None:
    reply = control.post("/faults", json=rule)
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"
    assert message in reply.json()["errorMessage"]
    assert control.get("/faults").json() == {"data": []}


def test_the_inspector_lists_active_rules(api: Api, control: httpx.Client) -> None:
    rule = _add(control, {"operationId": "createWorkflow", "status": 503})
    page = control.get("/ui/state.json").json()
    assert page["data"]["faults"][0]["id"] == rule["id"] and rule["id"] in page["html"]["faults"]


def test_latency_delays_every_api_answer_but_not_the_control_api() -> None:
    # A latency far above any scheduling hiccup: the control call's bound holds on a loaded machine too.
    with running_mock("--clock", "manual", "--latency", "1500..1600", "--seed", "1") as mock:
        api = Api(mock.api, token_for(mock.url))
        started = time.monotonic()
        assert api.get("/workflows").status_code == 200
        assert time.monotonic() - started >= 1.49
        started = time.monotonic()
        httpx.get(mock.url + "/_mock/clock").raise_for_status()
        assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("value", ["x", "5..1", "-3", "100..70000"])
def test_a_bad_latency_flag_is_refused(value: str) -> None:
    with pytest.raises(RuntimeError, match="latency"), running_mock("--latency", value, ready_timeout=5):
        pass
