"""Path-only GETs skip Connexion (gateway fast path); they must answer exactly as Connexion does.

A query string sends the same request through Connexion, so each pair is compared byte for byte.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api


@pytest.fixture
def ids(api: Api) -> dict[str, str]:
    wf = api.post("/workflows", json={"name": "f", "stages": [{"wait_event": {"event": "go"}}]}).json()["data"]["id"]
    inst = api.post(f"/workflows/{wf}/instances", json={}).json()["data"]["id"]
    trigger = api.post("/triggers", json={"event": "E", "workflowID": wf}).json()["data"]["id"]
    return {"wf": wf, "inst": inst, "trigger": trigger, "missing": str(uuid.uuid4())}


@pytest.mark.parametrize(
    "template",
    [
        "/_info",
        "/workflows",
        "/workflows/{wf}",
        "/workflows/{missing}",
        "/instances",
        "/instances/{inst}",
        "/instances/{missing}",
        "/instances/{inst}/history",
        "/triggers",
        "/triggers/{trigger}",
        "/triggers/{missing}",
        "/triggers/{trigger}/occurrences",
    ],
)
def test_fast_path_answers_as_connexion_does(api: Api, ids: dict[str, str], template: str) -> None:
    path = template.format(**ids)
    fast = api.get(path)
    through_connexion = api.get(path, params={"unused": "1"})
    assert (fast.status_code, fast.headers["content-type"]) == (
        through_connexion.status_code,
        through_connexion.headers["content-type"],
    )
    assert fast.content == through_connexion.content
