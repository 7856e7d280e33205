"""Instances over HTTP: run, read, list filters, events, abort and histories."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api

WAIT = {"wait_event": {"event": "go"}}
SEND = {
    "send": {
        "source": {"account": {"id": "world"}},
        "destination": {"account": {"id": "${user}"}},
        "amount": {"amount": "${amount}", "asset": "EUR/2"},
    }
}


def workflow(api: Api, *stages: dict) -> str:
    reply = api.post("/workflows", json={"name": "t", "stages": list(stages)})
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]["id"]


def run(api: Api, workflow_id: str, variables: dict | None = None, **params: str) -> dict:
    reply = api.post(f"/workflows/{workflow_id}/instances", json=variables or {}, params=params)
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]


def test_run_returns_the_fresh_instance_then_it_terminates(api: Api) -> None:
    wf = workflow(api, SEND)
    started = run(api, wf, {"user": "users:1", "amount": "250"})
    assert started["workflowID"] == wf
    assert started["terminated"] is False
    assert "status" not in started
    read = api.get(f"/instances/{started['id']}").json()["data"]
    assert read["terminated"] is True
    assert "error" not in read
    assert [s["stage"] for s in read["status"]] == [0]
    history = api.get(f"/instances/{started['id']}/history").json()["data"]
    assert history[0]["name"] == "RunSend"
    assert history[0]["input"]["amount"]["amount"] == 250
    assert history[0]["input"]["destination"]["account"]["id"] == "users:1"


def test_wait_true_returns_the_settled_instance_with_status(api: Api) -> None:
    wf = workflow(api, SEND)
    done = run(api, wf, {"user": "users:2", "amount": "1"}, wait="true")
    assert done["terminated"] is True
    assert done["status"][0]["stage"] == 0


def test_run_unknown_or_deleted_workflow_is_404(api: Api) -> None:
    reply = api.post(f"/workflows/{uuid.uuid4()}/instances", json={})
    assert reply.status_code == 404
    wf = workflow(api, WAIT)
    api.delete(f"/workflows/{wf}")
    assert api.post(f"/workflows/{wf}/instances", json={}).json()["errorCode"] == "NOT_FOUND"


def test_run_variables_must_be_strings(api: Api) -> None:
    wf = workflow(api, WAIT)
    reply = api.post(f"/workflows/{wf}/instances", json={"amount": 3})
    assert reply.status_code == 400
    assert reply.json()["errorCode"] == "VALIDATION"


def test_list_filters_by_workflow_and_running(api: Api) -> None:
    waiting_wf = workflow(api, WAIT)
    done_wf = workflow(api)
    waiting = run(api, waiting_wf)
    done = run(api, done_wf)
    everything = {i["id"] for i in api.get("/instances").json()["data"]}
    assert {waiting["id"], done["id"]} <= everything
    running = api.get("/instances", params={"running": "true"}).json()["data"]
    assert [i["id"] for i in running] == [waiting["id"]]
    assert all(not i["terminated"] and "status" not in i for i in running)
    of_done = api.get("/instances", params={"workflowID": done_wf}).json()["data"]
    assert [i["id"] for i in of_done] == [done["id"]]
    assert {i["id"] for i in api.get("/instances", params={"running": "false"}).json()["data"]} == everything


def test_instances_of_a_deleted_workflow_leave_lists_but_stay_readable(api: Api) -> None:
    wf = workflow(api, WAIT)
    started = run(api, wf)
    api.delete(f"/workflows/{wf}")
    assert api.get("/instances").json()["data"] == []
    assert api.get("/instances", params={"workflowID": wf}).json()["data"] == []
    assert api.get(f"/instances/{started['id']}").status_code == 200


def test_wait_event_completes_on_the_matching_event_only(api: Api) -> None:
    started = run(api, workflow(api, WAIT))
    assert api.post(f"/instances/{started['id']}/events", json={"name": "other"}).status_code == 204
    assert api.get(f"/instances/{started['id']}").json()["data"]["terminated"] is False
    assert api.get(f"/instances/{started['id']}/history").json()["data"][0]["terminated"] is False
    assert api.post(f"/instances/{started['id']}/events", json={"name": "go"}).status_code == 204
    done = api.get(f"/instances/{started['id']}").json()["data"]
    assert done["terminated"] is True
    assert "error" not in done


def test_event_to_a_terminated_instance_is_rejected(api: Api) -> None:
    started = run(api, workflow(api))
    reply = api.post(f"/instances/{started['id']}/events", json={"name": "go"})
    assert reply.status_code == 400
    assert reply.json()["errorCode"] == "VALIDATION"


def test_event_body_needs_a_name(api: Api) -> None:
    started = run(api, workflow(api, WAIT))
    assert api.post(f"/instances/{started['id']}/events", json={}).status_code == 400


def test_abort_stops_a_running_instance(api: Api) -> None:
    started = run(api, workflow(api, WAIT))
    assert api.put(f"/instances/{started['id']}/abort").status_code == 204
    stopped = api.get(f"/instances/{started['id']}").json()["data"]
    assert stopped["terminated"] is True
    assert stopped["error"] == "canceled"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", "/events"), ("PUT", "/abort"), ("GET", "/history"), ("GET", "/stages/0/history")],
)
def test_unknown_instance_is_404_everywhere(api: Api, method: str, suffix: str) -> None:
    kwargs = {"json": {"name": "x"}} if method == "POST" else {}
    reply = api.request(method, f"/instances/{uuid.uuid4()}{suffix}", **kwargs)
    assert reply.status_code == 404
    assert reply.json()["errorCode"] == "NOT_FOUND"


def test_stage_history(api: Api) -> None:
    started = run(api, workflow(api, SEND), {"user": "bank", "amount": "100"})
    entries = api.get(f"/instances/{started['id']}/stages/0/history").json()["data"]
    assert [e["name"] for e in entries] == ["CreateTransaction"]
    assert entries[0]["attempt"] == 1 and entries[0]["terminated"] is True
    assert entries[0]["output"]["CreateTransaction"]["data"]["id"] == 1  # the ledger's first transaction
    assert api.get(f"/instances/{started['id']}/stages/1/history").status_code == 404
    assert api.get(f"/instances/{started['id']}/stages/-1/history").status_code == 404
    bad = api.get(f"/instances/{started['id']}/stages/abc/history")
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == "VALIDATION"
