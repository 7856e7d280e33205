"""Workflows over HTTP: create, read, list, delete, with every documented error."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api

SEND = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "default"}},
        "destination": {"account": {"id": "bank", "ledger": "default"}},
        "amount": {"amount": 100, "asset": "EUR/2"},
    }
}


def create(api: Api, body: dict) -> dict:
    reply = api.post("/workflows", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]


def test_create_read_list_delete_round_trip(api: Api) -> None:
    created = create(api, {"name": "pay", "stages": [SEND]})
    uuid.UUID(created["id"], version=4)
    assert created["config"] == {"name": "pay", "stages": [SEND]}
    assert created["createdAt"] == created["updatedAt"]

    read = api.get(f"/workflows/{created['id']}")
    assert read.status_code == 200
    assert read.json()["data"]["config"] == created["config"]

    listed = [w["id"] for w in api.get("/workflows").json()["data"]]
    assert listed.count(created["id"]) == 1

    assert api.delete(f"/workflows/{created['id']}").status_code == 204
    assert created["id"] not in [w["id"] for w in api.get("/workflows").json()["data"]]
    gone = api.get(f"/workflows/{created['id']}")
    assert gone.status_code == 404
    assert gone.json()["errorCode"] == "NOT_FOUND"


def test_name_defaults_to_empty_and_config_keeps_placeholders(api: Api) -> None:
    stage = {"wait_event": {"event": "${name}"}}
    created = create(api, {"stages": [stage]})
    assert created["config"] == {"name": "", "stages": [stage]}


def test_zero_stage_workflow_is_accepted(api: Api) -> None:
    assert create(api, {"name": "empty", "stages": []})["config"]["stages"] == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"stages": "nope"},
        {"stages": [1]},
        {"stages": [{}]},
        {"stages": [{"send": {}, "delay": {}}]},
        {"stages": [{"teleport": {}}]},
        {"stages": [{"delay": {"duration": 5}}]},
        {"stages": [{"send": {"source": {}, "destination": {}, "amount": {"amount": "abc", "asset": "X"}}}]},
    ],
    ids=[
        "no-stages",
        "stages-not-array",
        "stage-not-object",
        "empty-stage",
        "two-keys",
        "unknown-stage",
        "duration-number",
        "amount-not-int",
    ],
)
def test_invalid_definitions_are_400_validation_and_store_nothing(api: Api, body: dict) -> None:
    reply = api.post("/workflows", json=body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == "VALIDATION"
    assert api.get("/workflows").json()["data"] == []


def test_malformed_json_is_400_in_error_shape(api: Api) -> None:
    reply = api.post("/workflows", content=b"{not json", headers={"content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["errorCode"] == "VALIDATION"


def test_unknown_workflow_is_404(api: Api) -> None:
    reply = api.get(f"/workflows/{uuid.uuid4()}")
    assert reply.status_code == 404
    assert reply.json()["errorCode"] == "NOT_FOUND"


def test_delete_unknown_uuid_is_404_and_non_uuid_is_400(api: Api) -> None:
    assert api.delete(f"/workflows/{uuid.uuid4()}").json()["errorCode"] == "NOT_FOUND"
    reply = api.delete("/workflows/not-a-uuid")
    assert reply.status_code == 400
    assert reply.json()["errorCode"] == "VALIDATION"


def test_second_delete_is_404(api: Api) -> None:
    created = create(api, {"stages": []})
    assert api.delete(f"/workflows/{created['id']}").status_code == 204
    assert api.delete(f"/workflows/{created['id']}").status_code == 404


def test_same_api_at_the_root_and_under_the_gateway_prefix(api: Api, mock_server, write_token) -> None:
    root = Api(mock_server.url, write_token)
    created = create(root, {"name": "rooted", "stages": []})
    assert api.get(f"/workflows/{created['id']}").json()["data"]["id"] == created["id"]
