"""Triggers over HTTP: creation checks in order, read, list filter, delete, occurrences."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api


def workflow(api: Api) -> str:
    return api.post("/workflows", json={"name": "w", "stages": []}).json()["data"]["id"]


def test_create_read_list_delete_round_trip(api: Api) -> None:
    wf = workflow(api)
    body = {
        "name": "payins",
        "event": "SAVED_PAYMENT",
        "workflowID": wf,
        "filter": 'event.type == "PAY-IN"',
        "vars": {"amount": "event.amount"},
    }
    created = api.post("/triggers", json=body)
    assert created.status_code == 201, created.text
    trigger = created.json()["data"]
    for key, value in body.items():
        assert trigger[key] == value
    read = api.get(f"/triggers/{trigger['id']}").json()["data"]
    assert read == trigger
    assert [t["id"] for t in api.get("/triggers").json()["data"]] == [trigger["id"]]
    assert api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"] == []

    assert api.delete(f"/triggers/{trigger['id']}").status_code == 204
    assert api.get(f"/triggers/{trigger['id']}").status_code == 404
    assert api.get("/triggers").json()["data"] == []
    second = api.delete(f"/triggers/{trigger['id']}")
    assert second.status_code == 404
    assert second.json()["errorCode"] == "NOT_FOUND"


def test_name_filter_is_a_case_insensitive_substring(api: Api) -> None:
    wf = workflow(api)
    for name in ("Pay-ins EUR", "refunds", "payouts"):
        api.post("/triggers", json={"name": name, "event": "E", "workflowID": wf})
    names = sorted(t["name"] for t in api.get("/triggers", params={"name": "PAY"}).json()["data"])
    assert names == ["Pay-ins EUR", "payouts"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"workflowID": "x"}, "event"),
        ({"event": "", "workflowID": "x"}, None),
        ({"event": "E"}, "workflowID"),
        ({"event": "E", "workflowID": ""}, None),
        ({"event": "E", "workflowID": "WF", "filter": "event.amount >"}, "error compiling expression"),
        ({"event": "E", "workflowID": "WF", "vars": {"a": "1 +"}}, "error compiling expression"),
        ({"event": "E", "workflowID": "WF", "vars": {"a": 1}}, None),
        ({"event": 3, "workflowID": "WF"}, None),
    ],
)
def test_invalid_triggers_are_400_validation(api: Api, body: dict, message: str | None) -> None:
    wf = workflow(api)
    body = {k: (wf if v == "WF" else v) for k, v in body.items()}
    reply = api.post("/triggers", json=body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == "VALIDATION"
    if message:
        assert message in reply.json()["errorMessage"]
    assert api.get("/triggers").json()["data"] == []


def test_unknown_or_deleted_workflow_is_404(api: Api) -> None:
    reply = api.post("/triggers", json={"event": "E", "workflowID": str(uuid.uuid4())})
    assert reply.status_code == 404
    wf = workflow(api)
    api.delete(f"/workflows/{wf}")
    assert api.post("/triggers", json={"event": "E", "workflowID": wf}).json()["errorCode"] == "NOT_FOUND"


def test_unknown_ids_are_404_and_occurrences_of_unknown_trigger_are_empty(api: Api) -> None:
    missing = str(uuid.uuid4())
    assert api.get(f"/triggers/{missing}").status_code == 404
    assert api.delete(f"/triggers/{missing}").status_code == 404
    assert api.get(f"/triggers/{missing}/occurrences").json() == {"data": []}


def test_a_published_event_fires_the_trigger_and_records_an_occurrence(api: Api, control) -> None:
    wf = api.post("/workflows", json={"stages": [{"wait_event": {"event": "${next}"}}]}).json()["data"]["id"]
    trigger = api.post(
        "/triggers",
        json={"event": "SAVED_PAYMENT", "workflowID": wf, "filter": "event.amount > 100", "vars": {"next": "event.id"}},
    ).json()["data"]
    control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p1", "amount": 50}})
    assert api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"] == []
    published = control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p2", "amount": 500}})
    assert published.status_code == 202
    occurrences = api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"]
    assert len(occurrences) == 1
    occurrence = occurrences[0]
    assert occurrence["triggerID"] == trigger["id"] and "error" not in occurrence
    assert occurrence["workflowInstance"]["workflowID"] == wf
    assert occurrence["event"]["payload"]["id"] == "p2"
    history = api.get(f"/instances/{occurrence['workflowInstanceID']}/history").json()["data"]
    assert history[0]["input"] == {"event": "p2"}
