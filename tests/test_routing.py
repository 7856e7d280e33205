"""Routing edges as the real router has them: trailing slashes, unknown routes, wrong methods."""

from __future__ import annotations

import httpx
import pytest

from tests.support import Api, RunningMock

FLOW = {"stages": [{"wait_event": {"event": "go"}}]}


def test_collections_and_id_roots_take_a_trailing_slash(api: Api) -> None:
    created = api.post("/workflows/", json=FLOW)
    assert created.status_code == 201
    flow = created.json()["data"]["id"]
    assert [w["id"] for w in api.get("/workflows/").json()["data"]] == [flow]
    assert api.get(f"/workflows/{flow}/").json()["data"]["id"] == flow
    run = api.post(f"/workflows/{flow}/instances", json={}).json()["data"]["id"]
    assert api.get(f"/instances/{run}/").status_code == 200
    assert api.get("/instances/", params={"running": "true"}).json()["data"][0]["id"] == run
    trigger = api.post("/triggers/", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
    assert api.delete(f"/triggers/{trigger}/").status_code == 204
    assert api.client.get(f"{api.base}/workflows/", follow_redirects=False).status_code == 200  # no 307


@pytest.mark.parametrize("leaf", ["/instances/{run}/history/", "/workflows/{flow}/instances/", "/workflows//"])
def test_leaves_with_a_trailing_slash_are_unknown_routes(api: Api, leaf: str) -> None:
    flow = api.post("/workflows", json=FLOW).json()["data"]["id"]
    run = api.post(f"/workflows/{flow}/instances", json={}).json()["data"]["id"]
    answer = api.request("GET", leaf.format(flow=flow, run=run), check=False)
    assert answer.status_code == 404
    assert answer.json() == {"errorCode": "NOT_FOUND", "errorMessage": "no such route"}


def test_a_trailing_slash_does_not_skip_auth(mock_server: RunningMock) -> None:
    assert httpx.get(mock_server.api + "/instances/x/history/").status_code == 401
    assert httpx.get(mock_server.api + "/workflows/").status_code == 401


def test_real_mode_unknown_routes_answer_as_go_http_not_found(real_api: Api) -> None:
    for path in ["/nothing", "/instances/x/history/", "/workflows/x/nothing"]:
        answer = real_api.request("GET", path, check=False)
        assert (answer.status_code, answer.headers["content-type"], answer.text) == (
            404,
            "text/plain; charset=utf-8",
            "404 page not found\n",
        ), path


def test_real_mode_wrong_method_is_an_empty_405_with_allow(real_api: Api) -> None:
    answer = real_api.request("PATCH", "/workflows", check=False)
    assert (answer.status_code, answer.content) == (405, b"")
    assert set(answer.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_spec_mode_keeps_the_error_shape_for_routing_errors(api: Api) -> None:
    unknown = api.request("GET", "/nothing", check=False)
    assert (unknown.status_code, unknown.json()["errorCode"]) == (404, "NOT_FOUND")
    wrong = api.request("PATCH", "/workflows", check=False)
    assert (wrong.status_code, wrong.json()["errorCode"]) == (405, "METHOD_NOT_ALLOWED")
    assert set(wrong.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_the_control_api_keeps_json_errors_in_real_mode(real_server: RunningMock) -> None:
    answer = httpx.get(real_server.url + "/_mock/nothing")
    assert (answer.status_code, answer.headers["content-type"]) == (404, "application/json")


# `%0A` in a path parameter: an id the suite's generators draw, which the real router routes like any other.
NEWLINE_ID = "x%0Ay"
# Requests the fast path leaves to Connexion (each body is invalid for its operation).
TO_CONNEXION = [
    ("/v2/triggers/{id}/test", b"\x00"),
    ("/workflows/{id}/instances", b"[1]"),
    ("/instances/{id}/events", b"{}"),
]


@pytest.mark.parametrize(("path", "body"), TO_CONNEXION)
def test_an_encoded_newline_in_an_id_is_routed_to_its_operation(api: Api, path: str, body: bytes) -> None:
    """The operation's own validation answers, as for any other unknown id, not 'no such route'."""
    headers = {"content-type": "application/json"}
    answer = api.post(path.format(id=NEWLINE_ID), content=body, headers=headers, check=False)
    assert (answer.status_code, answer.json()["errorCode"]) == (400, "VALIDATION"), answer.text


@pytest.mark.parametrize(("path", "body"), TO_CONNEXION)
def test_real_mode_routes_an_encoded_newline_too(real_api: Api, path: str, body: bytes) -> None:
    headers = {"content-type": "application/json"}
    answer = real_api.post(path.format(id=NEWLINE_ID), content=body, headers=headers, check=False)
    assert answer.headers["content-type"] == "application/json", answer.text
