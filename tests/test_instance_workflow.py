"""The ``workflow`` embedded in an instance (flows v2.6.0): where it is shown, and that it is the workflow it ran.

The release loads the relation in ``GetInstance`` and ``ListInstances`` (and so in a run's answer with
``wait``, which re-reads the instance), never in a run's answer without wait nor in occurrences
(``internal/workflow/manager.go``, ``internal/triggers/manager.go``).
"""

from __future__ import annotations

import httpx
import pytest

from tests.support import Api

DEFINITION = {"name": "embedded", "stages": [{"noop": {}}, {"wait_event": {"event": "go"}}]}


def _items(body: dict, prefix: str) -> list[dict]:
    return body["cursor"]["data"] if prefix else body["data"]


@pytest.mark.parametrize("prefix", ["", "/v2"])
def test_reads_and_lists_embed_the_workflow_the_instance_ran(api: Api, prefix: str) -> None:
    workflow = api.post(f"{prefix}/workflows", json=DEFINITION).json()["data"]
    run = api.post(f"{prefix}/workflows/{workflow['id']}/instances", json={}).json()["data"]
    assert "workflow" not in run  # the instance the run inserted, without the relation
    read = api.get(f"{prefix}/instances/{run['id']}").json()["data"]
    assert read["workflow"] == workflow == api.get(f"{prefix}/workflows/{workflow['id']}").json()["data"]
    for query in ({}, {"workflowID": workflow["id"]}, {"running": "true"}):
        (listed,) = _items(api.get(f"{prefix}/instances", params=query).json(), prefix)
        assert listed["workflow"] == workflow and "status" not in listed
    waited = api.post(f"{prefix}/workflows/{workflow['id']}/instances?wait=true", json={}).json()["data"]
    assert waited["workflow"] == workflow


def test_occurrences_embed_the_instance_without_its_workflow(api: Api, control: httpx.Client) -> None:
    workflow = api.post("/workflows", json=DEFINITION).json()["data"]
    trigger = api.post("/triggers", json={"event": "CUSTOM", "workflowID": workflow["id"]}).json()["data"]
    published = control.post("/events", json={"type": "CUSTOM", "payload": {}}).json()["data"]
    assert "workflow" not in published["occurrences"][0]["workflowInstance"]
    (occurrence,) = api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"]
    assert "workflow" not in occurrence["workflowInstance"]
    assert api.get(f"/instances/{occurrence['workflowInstanceID']}").json()["data"]["workflow"] == workflow


@pytest.mark.parametrize("mode", ["spec", "real"])
def test_a_deleted_workflow_is_embedded_with_its_deletion(mode: str, api: Api, real_api: Api) -> None:
    client = api if mode == "spec" else real_api
    workflow = client.post("/workflows", json=DEFINITION).json()["data"]
    run = client.post(f"/workflows/{workflow['id']}/instances", json={}).json()["data"]
    assert client.delete(f"/workflows/{workflow['id']}").status_code == 204
    shown = client.get(f"/instances/{run['id']}").json()["data"]["workflow"]
    assert shown["deletedAt"] is not None
    assert {k: v for k, v in shown.items() if k != "deletedAt"} == {
        k: v for k, v in workflow.items() if k != "deletedAt"
    }
    assert client.get("/instances").json()["data"] == []  # lists leave runs of deleted workflows out
