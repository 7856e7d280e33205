"""Every status the spec declares for every operation is produced by the mock, with a valid body.

The recipe table below is checked against the spec itself: adding a declared response
without a recipe that produces it fails ``test_every_declared_status_has_a_recipe``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import SPEC_PATH, Api, RunningMock, load_spec, token_for

METHODS = {"get", "post", "put", "delete"}
BIG = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
WAIT = {"wait_event": {"event": "go"}}


@dataclass
class World:
    api: Api
    anonymous: Api
    no_scope: Api
    reader: Api
    workflow: str
    waiting: str
    done: str
    trigger: str


@pytest.fixture
def world(api: Api, mock_server: RunningMock) -> World:
    wf = api.post("/workflows", json={"name": "w", "stages": [WAIT]}).json()["data"]["id"]
    empty = api.post("/workflows", json={"name": "e", "stages": []}).json()["data"]["id"]
    waiting = api.post(f"/workflows/{wf}/instances", json={}).json()["data"]["id"]
    done = api.post(f"/workflows/{empty}/instances", json={}).json()["data"]["id"]
    trigger = api.post("/triggers", json={"event": "E", "workflowID": wf}).json()["data"]["id"]
    return World(
        api=api,
        anonymous=Api(mock_server.api, None),
        no_scope=Api(mock_server.api, token_for(mock_server.url, "ledger:read")),
        reader=Api(mock_server.api, token_for(mock_server.url, "orchestration:read")),
        workflow=wf,
        waiting=waiting,
        done=done,
        trigger=trigger,
    )


Recipe = Callable[[World], httpx.Response]
MISSING = str(uuid.uuid4())


def denied(method: str, path: str, who: str) -> Recipe:
    def recipe(w: World) -> httpx.Response:
        client = {"anonymous": w.anonymous, "no_scope": w.no_scope, "reader": w.reader}[who]
        return client.request(method, path.format(w=w), json={"name": "x"} if method in ("POST", "PUT") else None)

    return recipe


def call(method: str, path: str, **kwargs: object) -> Recipe:
    return lambda w: w.api.request(method, path.format(w=w, missing=MISSING), **kwargs)


RECIPES: dict[tuple[str, str], Recipe] = {
    ("getServerInfo", "200"): call("GET", "/_info"),
    ("listWorkflows", "200"): call("GET", "/workflows"),
    ("createWorkflow", "201"): call("POST", "/workflows", json={"stages": [WAIT]}),
    ("createWorkflow", "400"): call("POST", "/workflows", json={"stages": [{"nope": {}}]}),
    ("createWorkflow", "413"): call("POST", "/workflows", content=BIG, headers={"content-type": "application/json"}),
    ("getWorkflow", "200"): call("GET", "/workflows/{w.workflow}"),
    ("getWorkflow", "404"): call("GET", "/workflows/{missing}"),
    ("deleteWorkflow", "204"): call("DELETE", "/workflows/{w.workflow}"),
    ("deleteWorkflow", "400"): call("DELETE", "/workflows/not-a-uuid"),
    ("deleteWorkflow", "404"): call("DELETE", "/workflows/{missing}"),
    ("runWorkflow", "201"): call("POST", "/workflows/{w.workflow}/instances", json={"a": "b"}),
    ("runWorkflow", "400"): call("POST", "/workflows/{w.workflow}/instances", json={"a": 1}),
    ("runWorkflow", "404"): call("POST", "/workflows/{missing}/instances", json={}),
    ("runWorkflow", "413"): call(
        "POST", "/workflows/{w.workflow}/instances", content=BIG, headers={"content-type": "application/json"}
    ),
    ("listInstances", "200"): call("GET", "/instances", params={"running": "true"}),
    ("getInstance", "200"): call("GET", "/instances/{w.waiting}"),
    ("getInstance", "404"): call("GET", "/instances/{missing}"),
    ("sendEvent", "204"): call("POST", "/instances/{w.waiting}/events", json={"name": "go"}),
    ("sendEvent", "400"): call("POST", "/instances/{w.done}/events", json={"name": "go"}),
    ("sendEvent", "404"): call("POST", "/instances/{missing}/events", json={"name": "go"}),
    ("sendEvent", "413"): call(
        "POST", "/instances/{w.waiting}/events", content=BIG, headers={"content-type": "application/json"}
    ),
    ("cancelEvent", "204"): call("PUT", "/instances/{w.waiting}/abort"),
    ("cancelEvent", "404"): call("PUT", "/instances/{missing}/abort"),
    ("getInstanceHistory", "200"): call("GET", "/instances/{w.waiting}/history"),
    ("getInstanceHistory", "404"): call("GET", "/instances/{missing}/history"),
    ("getInstanceStageHistory", "200"): call("GET", "/instances/{w.waiting}/stages/0/history"),
    ("getInstanceStageHistory", "400"): call("GET", "/instances/{w.waiting}/stages/first/history"),
    ("getInstanceStageHistory", "404"): call("GET", "/instances/{w.waiting}/stages/7/history"),
    ("listTriggers", "200"): call("GET", "/triggers", params={"name": "a"}),
    ("createTrigger", "201"): lambda w: w.api.post("/triggers", json={"event": "E", "workflowID": w.workflow}),
    ("createTrigger", "400"): call("POST", "/triggers", json={"event": "E", "workflowID": "x", "filter": "a b c"}),
    ("createTrigger", "404"): call("POST", "/triggers", json={"event": "E", "workflowID": MISSING}),
    ("createTrigger", "413"): call("POST", "/triggers", content=BIG, headers={"content-type": "application/json"}),
    ("readTrigger", "200"): call("GET", "/triggers/{w.trigger}"),
    ("readTrigger", "404"): call("GET", "/triggers/{missing}"),
    ("deleteTrigger", "204"): call("DELETE", "/triggers/{w.trigger}"),
    ("deleteTrigger", "404"): call("DELETE", "/triggers/{missing}"),
    ("listTriggersOccurrences", "200"): call("GET", "/triggers/{w.trigger}/occurrences"),
}


def operations(spec_path: Path = SPEC_PATH) -> list[tuple[str, str, str, list[str]]]:
    """(operationId, method, path, declared non-default statuses) of every operation of a spec."""
    spec = load_spec(spec_path)
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                found.append((op["operationId"], method.upper(), path, [k for k in op["responses"] if k != "default"]))
    return found


def auth_recipes(spec_path: Path = SPEC_PATH) -> dict[tuple[str, str], Recipe]:
    """401 (no token) and 403 (a token without the operation's scope) for every operation declaring them."""
    recipes: dict[tuple[str, str], Recipe] = {}
    for op_id, method, path, statuses in operations(spec_path):
        template = path.replace("{flowId}", "{w.workflow}").replace("{workflowID}", "{w.workflow}")
        template = template.replace("{instanceID}", "{w.waiting}").replace("{triggerID}", "{w.trigger}")
        template = template.replace("{number}", "0")
        if "401" in statuses:
            recipes[(op_id, "401")] = denied(method, template, "anonymous")
        if "403" in statuses:
            recipes[(op_id, "403")] = denied(method, template, "reader" if method != "GET" else "no_scope")
    return recipes


RECIPES.update(auth_recipes())


def test_every_declared_status_has_a_recipe() -> None:
    declared = {(op_id, status) for op_id, _, _, statuses in operations() for status in statuses}
    assert declared == set(RECIPES)


@pytest.mark.parametrize(("operation", "status"), sorted(RECIPES), ids=[f"{o}-{s}" for o, s in sorted(RECIPES)])
def test_declared_status_is_produced_with_a_valid_body(world: World, operation: str, status: str) -> None:
    reply = RECIPES[(operation, status)](world)
    assert str(reply.status_code) == status, reply.text
