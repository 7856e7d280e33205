"""Whatever arrives, the default mode never answers 5xx, and errors keep the Error shape."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import RunningMock

ENDPOINTS = [
    ("POST", "/workflows"),
    ("POST", "/workflows/{wf}/instances"),
    ("POST", "/instances/{inst}/events"),
    ("POST", "/triggers"),
    ("PUT", "/instances/{inst}/abort"),
    ("GET", "/instances/{inst}/stages/{n}/history"),
    ("POST", "/_mock/events"),
    ("POST", "/_mock/clock/advance"),
    ("POST", "/_mock/fixtures"),
]

BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"text"',
    b"\xff\xfe\xfd",
    b'{"stages": [\x00]}',
    b'{"name": "\\u0000", "stages": []}',
    b'{"stages": [], "stages": 1}',
    b'{"stages": [{"send": {"amount": {"amount": 1e400, "asset": "X"}}}]}',
    b'{"stages": [{"send": {"amount": {"amount": 99999999999999999999999999, "asset": "X"}}}]}',
    b'{"event": "E", "workflowID": "x", "vars": {"a": [1]}}',
    b'{"name": ' + b'"' + b"x" * 200_000 + b'"}',
    b"[" * 1000 + b"]" * 1000,
    b'{"a":' * 1000 + b"1" + b"}" * 1000,
    json.dumps({"stages": [{"delay": {"duration": "9999999999h"}}]}).encode(),
    b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
    json.dumps({"seconds": -1}).encode(),
    json.dumps({"seconds": 1e308}).encode(),
    json.dumps({"type": "", "payload": []}).encode(),
]
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "text/vnd.yaml", None]


@pytest.fixture
def ids(mock_server: RunningMock, write_token: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {write_token}"}
    httpx.post(mock_server.url + "/_mock/reset")
    wf = httpx.post(
        mock_server.api + "/workflows", headers=headers, json={"stages": [{"wait_event": {"event": "go"}}]}
    ).json()["data"]["id"]
    inst = httpx.post(mock_server.api + f"/workflows/{wf}/instances", headers=headers, json={}).json()["data"]["id"]
    return {"wf": wf, "inst": inst, "n": "0"}


def send(server: RunningMock, token: str, method: str, path: str, body: bytes, ctype: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    base = server.url if path.startswith("/_mock") else server.api
    return httpx.request(method, base + path, content=body, headers=headers, timeout=10)


def assert_client_error(reply: httpx.Response) -> None:
    assert reply.status_code < 500, f"{reply.status_code}: {reply.text[:300]}"
    if reply.status_code >= 400:
        assert reply.headers["content-type"].startswith("application/json")
        body = reply.json()
        assert set(body) >= {"errorCode", "errorMessage"}, body


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
@pytest.mark.parametrize("ctype", CONTENT_TYPES)
def test_corpus_never_gives_5xx(mock_server, write_token, ids, method: str, template: str, ctype) -> None:
    path = template.format(**ids)
    for body in BODIES:
        assert_client_error(send(mock_server, write_token, method, path, body, ctype))


@pytest.mark.parametrize(
    "path",
    [
        "/workflows/..%2F..%2Fetc%2Fpasswd",
        "/workflows/%00",
        "/workflows/" + "a" * 10_000,
        "/instances/%ff%fe",
        "/instances?running=maybe&running=true",
        "/instances?workflowID=a&workflowID=b",
        "/triggers?name=%00",
        "/instances/x/stages/99999999999999999999999/history",
        "/instances/x/stages/-1/history",
    ],
)
def test_odd_paths_and_queries_never_give_5xx(mock_server, write_token, path: str) -> None:
    reply = httpx.get(mock_server.api + path, headers={"Authorization": f"Bearer {write_token}"})
    assert_client_error(reply)


def test_method_not_allowed_is_405_in_error_shape(mock_server, write_token) -> None:
    reply = httpx.patch(mock_server.api + "/workflows", headers={"Authorization": f"Bearer {write_token}"})
    assert reply.status_code == 405
    assert reply.json()["errorCode"] == "METHOD_NOT_ALLOWED"


def test_body_over_the_limit_is_413(mock_server, write_token) -> None:
    reply = httpx.post(
        mock_server.api + "/workflows",
        content=b" " * (1024 * 1024 + 1),
        headers={"Authorization": f"Bearer {write_token}", "Content-Type": "application/json"},
    )
    assert reply.status_code == 413
    assert reply.json()["errorCode"] == "PAYLOAD_TOO_LARGE"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
stage_like = st.dictionaries(
    st.sampled_from(["send", "delay", "wait_event", "update", "noop", "x"]), json_values, max_size=2
)


@settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    target=st.sampled_from(ENDPOINTS),
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"stages": st.lists(stage_like, max_size=3)}, optional={"name": json_values}),
        st.fixed_dictionaries(
            {"event": json_values, "workflowID": json_values},
            optional={"filter": st.text(max_size=30), "vars": json_values},
        ),
    ),
)
def test_generated_json_never_gives_5xx(mock_server, write_token, ids, target, body) -> None:
    method, template = target
    reply = send(
        mock_server, write_token, method, template.format(**ids), json.dumps(body).encode(), "application/json"
    )
    assert_client_error(reply)


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/workflows", "GET, POST, HEAD"),
        ("/workflows/00000000-0000-4000-8000-000000000000", "DELETE, GET, HEAD"),
        ("/instances/x/abort", "PUT"),
    ],
)
def test_405_names_every_method_the_path_serves(mock_server, write_token, path: str, allow: str) -> None:
    reply = httpx.patch(mock_server.api + path, headers={"Authorization": f"Bearer {write_token}"})
    assert reply.status_code == 405
    assert set(reply.headers["allow"].split(", ")) == set(allow.split(", "))
