"""``--quirks real`` reproduces the real service's observed deviations (BEHAVIOR.md §2.3)."""

from __future__ import annotations

import uuid

import httpx

from tests.support import Api, RunningMock, token_for


def workflow(api: Api, *stages: dict) -> str:
    return api.post("/workflows", json={"stages": list(stages)}).json()["data"]["id"]


def test_unknown_instance_is_500_internal(real_api: Api) -> None:
    reply = real_api.get(f"/instances/{uuid.uuid4()}", check=False)
    assert reply.status_code == 500
    assert reply.json() == {"errorCode": "INTERNAL", "errorMessage": "Instance not found"}


def test_unknown_workflow_read_and_run_are_500(real_api: Api) -> None:
    missing = uuid.uuid4()
    assert real_api.get(f"/workflows/{missing}", check=False).json()["errorCode"] == "INTERNAL"
    assert real_api.post(f"/workflows/{missing}/instances", json={}, check=False).status_code == 500


def test_non_integer_stage_number_is_a_bare_404(real_api: Api) -> None:
    started = real_api.post(f"/workflows/{workflow(real_api)}/instances", json={}).json()["data"]
    for number in ("abc", "1.5", "99999999999999999999"):
        reply = real_api.get(f"/instances/{started['id']}/stages/{number}/history", check=False)
        assert reply.status_code == 404
        assert reply.content == b""


def test_deleted_workflow_is_still_readable_and_runnable(real_api: Api) -> None:
    wf = workflow(real_api)
    real_api.delete(f"/workflows/{wf}")
    read = real_api.get(f"/workflows/{wf}", check=False).json()["data"]
    assert read["deletedAt"] is not None
    assert real_api.post(f"/workflows/{wf}/instances", json={}, check=False).status_code == 201
    assert real_api.delete(f"/workflows/{wf}", check=False).status_code == 204


def test_abort_is_a_no_op(real_api: Api) -> None:
    started = real_api.post(
        f"/workflows/{workflow(real_api, {'wait_event': {'event': 'go'}})}/instances", json={}
    ).json()["data"]
    assert real_api.put(f"/instances/{started['id']}/abort", check=False).status_code == 204
    assert real_api.get(f"/instances/{started['id']}").json()["data"]["terminated"] is False


def test_name_filter_on_triggers_is_500(real_api: Api) -> None:
    assert real_api.get("/triggers", params={"name": "x"}, check=False).status_code == 500


def test_401_has_an_empty_body(real_server: RunningMock) -> None:
    reply = httpx.get(real_server.api + "/workflows")
    assert reply.status_code == 401
    assert reply.content == b""


def test_a_read_only_token_on_a_write_is_401_with_an_empty_body(real_server: RunningMock) -> None:
    """The real auth middleware never answers 403: missing scopes are a bare 401 (BEHAVIOR.md 1.2)."""
    reader = token_for(real_server.url, "orchestration:read")
    for path in ("/workflows", "/v2/workflows"):
        reply = httpx.post(real_server.api + path, json={"stages": []}, headers={"Authorization": f"Bearer {reader}"})
        assert reply.status_code == 401 and reply.content == b""
