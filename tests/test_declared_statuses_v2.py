"""Every status the v2 spec declares for every v2 operation is produced by the mock, with a valid body.

The recipe table below is checked against ``spec/orchestration.v2.yaml`` itself: a declared
v2 response without a recipe (or a recipe for an undeclared one) fails
``test_every_declared_v2_status_has_a_recipe``. Each recipe runs both under the gateway
prefix (``/api/orchestration/v2/...``) and at the root (``/v2/...``); the ``Api`` client
checks every answer against the v2 spec.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import V2_SPEC_PATH, Api, RunningMock, token_for
from tests.test_declared_statuses import BIG, MISSING, WAIT, Recipe, World, auth_recipes, operations

JSON = {"content-type": "application/json"}
BASES = {"gateway": "api", "root": "url"}


@pytest.fixture(params=sorted(BASES))
def world(request: pytest.FixtureRequest, api: Api, mock_server: RunningMock) -> World:
    """A workflow, a waiting and a finished instance and a trigger, made through v2 (``api`` resets the mock)."""
    base = getattr(mock_server, BASES[request.param])
    client = Api(base, token_for(mock_server.url))
    wf = client.post("/v2/workflows", json={"name": "w", "stages": [WAIT]}).json()["data"]["id"]
    empty = client.post("/v2/workflows", json={"name": "e", "stages": []}).json()["data"]["id"]
    waiting = client.post(f"/v2/workflows/{wf}/instances", json={}).json()["data"]["id"]
    done = client.post(f"/v2/workflows/{empty}/instances", json={}).json()["data"]["id"]
    trigger = client.post("/v2/triggers", json={"event": "E", "workflowID": wf, "filter": "event.a > 1"})
    return World(
        api=client,
        anonymous=Api(base, None),
        no_scope=Api(base, token_for(mock_server.url, "ledger:read")),
        reader=Api(base, token_for(mock_server.url, "orchestration:read")),
        workflow=wf,
        waiting=waiting,
        done=done,
        trigger=trigger.json()["data"]["id"],
    )


def filled(value: Any, w: World) -> Any:
    """``value`` with ``{w.*}`` and ``{missing}`` placeholders of its strings filled in."""
    if isinstance(value, str):
        return value.format(w=w, missing=MISSING)
    if isinstance(value, dict):
        return {k: filled(v, w) for k, v in value.items()}
    return value


def call(method: str, path: str, **kwargs: Any) -> Recipe:
    def recipe(w: World) -> httpx.Response:
        return w.api.request(method, filled(path, w), **{k: filled(v, w) for k, v in kwargs.items()})

    return recipe


BAD_CURSOR = {"params": {"cursor": "not-a-cursor"}}

RECIPES: dict[tuple[str, str], Recipe] = {
    ("v2GetServerInfo", "200"): call("GET", "/v2/_info"),
    ("v2ListWorkflows", "200"): call("GET", "/v2/workflows", params={"pageSize": 1}),
    ("v2ListWorkflows", "400"): call("GET", "/v2/workflows", **BAD_CURSOR),
    ("v2CreateWorkflow", "201"): call("POST", "/v2/workflows", json={"stages": [WAIT]}),
    ("v2CreateWorkflow", "400"): call("POST", "/v2/workflows", json={"stages": [{"nope": {}}]}),
    ("v2CreateWorkflow", "413"): call("POST", "/v2/workflows", content=BIG, headers=JSON),
    ("v2GetWorkflow", "200"): call("GET", "/v2/workflows/{w.workflow}"),
    ("v2GetWorkflow", "404"): call("GET", "/v2/workflows/{missing}"),
    ("v2DeleteWorkflow", "204"): call("DELETE", "/v2/workflows/{w.workflow}"),
    ("v2DeleteWorkflow", "400"): call("DELETE", "/v2/workflows/not-a-uuid"),
    ("v2DeleteWorkflow", "404"): call("DELETE", "/v2/workflows/{missing}"),
    ("v2RunWorkflow", "201"): call("POST", "/v2/workflows/{w.workflow}/instances", json={"a": "b"}),
    ("v2RunWorkflow", "400"): call("POST", "/v2/workflows/{w.workflow}/instances", json={"a": 1}),
    ("v2RunWorkflow", "404"): call("POST", "/v2/workflows/{missing}/instances", json={}),
    ("v2RunWorkflow", "413"): call("POST", "/v2/workflows/{w.workflow}/instances", content=BIG, headers=JSON),
    ("v2ListInstances", "200"): call("GET", "/v2/instances", params={"running": "true", "workflowID": "{w.workflow}"}),
    ("v2ListInstances", "400"): call("GET", "/v2/instances", **BAD_CURSOR),
    ("v2GetInstance", "200"): call("GET", "/v2/instances/{w.waiting}"),
    ("v2GetInstance", "404"): call("GET", "/v2/instances/{missing}"),
    ("v2SendEvent", "204"): call("POST", "/v2/instances/{w.waiting}/events", json={"name": "go"}),
    ("v2SendEvent", "400"): call("POST", "/v2/instances/{w.done}/events", json={"name": "go"}),
    ("v2SendEvent", "404"): call("POST", "/v2/instances/{missing}/events", json={"name": "go"}),
    ("v2SendEvent", "413"): call("POST", "/v2/instances/{w.waiting}/events", content=BIG, headers=JSON),
    ("v2CancelEvent", "204"): call("PUT", "/v2/instances/{w.waiting}/abort"),
    ("v2CancelEvent", "404"): call("PUT", "/v2/instances/{missing}/abort"),
    ("v2GetInstanceHistory", "200"): call("GET", "/v2/instances/{w.waiting}/history"),
    ("v2GetInstanceHistory", "404"): call("GET", "/v2/instances/{missing}/history"),
    ("v2GetInstanceStageHistory", "200"): call("GET", "/v2/instances/{w.waiting}/stages/0/history"),
    ("v2GetInstanceStageHistory", "400"): call("GET", "/v2/instances/{w.waiting}/stages/first/history"),
    ("v2GetInstanceStageHistory", "404"): call("GET", "/v2/instances/{w.waiting}/stages/7/history"),
    ("v2ListTriggers", "200"): call("GET", "/v2/triggers", params={"name": "a"}),
    ("v2ListTriggers", "400"): call("GET", "/v2/triggers", params={"pageSize": 1001}),
    ("v2CreateTrigger", "201"): call("POST", "/v2/triggers", json={"event": "E", "workflowID": "{w.workflow}"}),
    ("v2CreateTrigger", "400"): call("POST", "/v2/triggers", json={"event": "E", "workflowID": "x", "filter": "a b"}),
    ("v2CreateTrigger", "404"): call("POST", "/v2/triggers", json={"event": "E", "workflowID": MISSING}),
    ("v2CreateTrigger", "413"): call("POST", "/v2/triggers", content=BIG, headers=JSON),
    ("v2ReadTrigger", "200"): call("GET", "/v2/triggers/{w.trigger}"),
    ("v2ReadTrigger", "404"): call("GET", "/v2/triggers/{missing}"),
    ("v2DeleteTrigger", "204"): call("DELETE", "/v2/triggers/{w.trigger}"),
    ("v2DeleteTrigger", "404"): call("DELETE", "/v2/triggers/{missing}"),
    ("testTrigger", "200"): call("POST", "/v2/triggers/{w.trigger}/test", json={"a": 2}),
    ("testTrigger", "400"): call("POST", "/v2/triggers/{w.trigger}/test", content=b"[1]", headers=JSON),
    ("testTrigger", "404"): call("POST", "/v2/triggers/{missing}/test", json={"a": 2}),
    ("testTrigger", "413"): call("POST", "/v2/triggers/{w.trigger}/test", content=BIG, headers=JSON),
    ("v2ListTriggersOccurrences", "200"): call("GET", "/v2/triggers/{w.trigger}/occurrences"),
    ("v2ListTriggersOccurrences", "400"): call("GET", "/v2/triggers/{w.trigger}/occurrences", params={"pageSize": -1}),
    **auth_recipes(V2_SPEC_PATH),
}


def test_every_declared_v2_status_has_a_recipe() -> None:
    declared = {(op_id, status) for op_id, _, _, statuses in operations(V2_SPEC_PATH) for status in statuses}
    assert len({op_id for op_id, _ in declared}) == 18
    assert declared == set(RECIPES)


@pytest.mark.parametrize(("operation", "status"), sorted(RECIPES), ids=[f"{o}-{s}" for o, s in sorted(RECIPES)])
def test_declared_v2_status_is_produced_with_a_valid_body(world: World, operation: str, status: str) -> None:
    reply = RECIPES[(operation, status)](world)
    assert str(reply.status_code) == status, reply.text
    if status in {"400", "404"}:
        assert reply.json()["errorCode"] == {"400": "VALIDATION", "404": "NOT_FOUND"}[status]
