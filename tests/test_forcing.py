"""Prefer: code=NNN / example=NAME (Prism's convention): any declared answer on demand, no state change."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support import SPEC_PATH, V2_SPEC_PATH, Api, RunningMock, load_spec

WAIT = {"name": "w", "stages": [{"wait_event": {"event": "go"}}]}


def _declared() -> list[tuple[str, str, str, list[str]]]:
    """(method, concrete path, operationId, statuses) for every operation of both specs: each declared
    status, and for `default` one status reached only through it (503)."""
    cases = []
    for spec_path in (SPEC_PATH, V2_SPEC_PATH):
        spec = load_spec(spec_path)
        for template, item in spec["paths"].items():
            path = re.sub(r"\{number\}", "0", re.sub(r"\{(?!number)[^}]+\}", "some-id", template))
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                statuses = ["503" if s == "default" else s for s in operation["responses"]]
                cases.append((method.upper(), path, operation["operationId"], statuses))
    return cases


@pytest.mark.parametrize(("method", "path", "operation", "statuses"), _declared(), ids=lambda v: str(v))
def test_every_declared_status_can_be_forced_with_a_valid_body(
    api: Api, method: str, path: str, operation: str, statuses: list[str]
) -> None:
    body = {} if method in ("POST", "PUT") else None
    for status in statuses:
        reply = api.request(method, path, json=body, headers={"Prefer": f"code={status}"})  # the spec checks it
        assert reply.status_code == int(status), f"{operation} {status}: {reply.text}"
        if int(status) >= 400:
            assert reply.json()["errorCode"]


def _state(api: Api, control: httpx.Client) -> tuple:
    return (
        api.get("/workflows").content,
        api.get("/instances").content,
        api.get("/triggers").content,
        control.get("/state").content,
        control.get("/ledgers/default/transactions").content,
    )


@pytest.mark.parametrize("status", ["201", "204", "400", "404", "500"])
def test_a_forced_write_changes_nothing(api: Api, control: httpx.Client, status: str) -> None:
    flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
    instance = api.post(f"/workflows/{flow}/instances", json={}).json()["data"]["id"]
    before = _state(api, control)
    prefer = {"Prefer": f"code={status}"}
    for method, path, body in [
        ("POST", "/workflows", WAIT),
        ("POST", f"/workflows/{flow}/instances", {}),
        ("DELETE", f"/workflows/{flow}", None),
        ("POST", f"/instances/{instance}/events", {"name": "go"}),
        ("PUT", f"/instances/{instance}/abort", None),
        ("POST", "/v2/workflows", WAIT),
        ("DELETE", f"/v2/workflows/{flow}", None),
    ]:
        reply = api.request(method, path, json=body, headers=prefer, check=False)
        assert reply.status_code in (int(status), 400)  # 400: that operation does not declare it
    assert _state(api, control) == before


def test_forced_answers_are_journalled_as_forced(api: Api, control: httpx.Client) -> None:
    api.get("/workflows", headers={"Prefer": "code=500"})
    api.get("/workflows")
    last_two = control.get("/requests").json()["data"][-2:]
    assert last_two[0]["forced"] is True and last_two[0]["status"] == 500
    assert "forced" not in last_two[1]


def test_a_status_the_operation_does_not_declare_is_a_400_naming_what_it_declares(api: Api) -> None:
    reply = api.get("/workflows", headers={"Prefer": "code=201"}, check=False)
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"
    assert "listWorkflows does not declare 201" in reply.json()["errorMessage"]
    assert "200" in reply.json()["errorMessage"]
    bad = api.get("/workflows", headers={"Prefer": "code=abc"}, check=False)
    assert bad.status_code == 400 and "Prefer: code" in bad.json()["errorMessage"]


def test_an_unknown_example_is_a_400_naming_the_examples(api: Api) -> None:
    reply = api.get("/workflows", headers={"Prefer": "example=nope"}, check=False)
    assert reply.status_code == 400 and "no example 'nope'" in reply.json()["errorMessage"]


def test_auth_still_comes_first(mock_server: RunningMock) -> None:
    reply = httpx.get(mock_server.api + "/workflows", headers={"Prefer": "code=200"})
    assert reply.status_code == 401 and reply.json()["errorCode"] == "UNAUTHORIZED"


def test_other_preferences_are_ignored(api: Api) -> None:
    assert api.get("/workflows", headers={"Prefer": "respond-async, wait=5"}).json() == {"data": []}


def test_a_named_example_is_chosen_and_combines_with_a_code(api: Api) -> None:
    spec = load_spec(SPEC_PATH)
    examples = spec["paths"]["/instances/{instanceID}"]["get"]["responses"]["200"]["content"]["application/json"]
    failed = api.get("/instances/any", headers={"Prefer": "example=failed"})
    assert failed.status_code == 200 and failed.json() == examples["examples"]["failed"]["value"]
    waiting = api.get("/v2/instances/any", headers={"Prefer": "code=200, example=waiting"})
    assert waiting.status_code == 200 and waiting.json()["data"]["terminated"] is False
    unknown = api.get("/instances/any", headers={"Prefer": "example=nope"}, check=False)
    assert unknown.status_code == 400 and "failed" in unknown.json()["errorMessage"]  # it names the examples
