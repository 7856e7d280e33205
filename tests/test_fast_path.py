"""The gateway answers valid requests without Connexion (mockserver/http/fastpath.py); the answers
must be exactly the ones Connexion gives.

A query string the operation ignores sends the same request through Connexion. The mock
runs on a manual clock with a fixed seed and a reset replays ids and dates, so one
scenario played twice, once each way, must produce the same bytes at every step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml

from mockserver import stack
from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.http.fastpath import FastRoutes
from tests.support import Api, RunningMock, load_spec

SPEC = load_spec()


def request_examples(operation_id: str) -> list[Any]:
    for item in SPEC["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                media = operation["requestBody"]["content"]["application/json"]
                if "example" in media:
                    return [media["example"]]
                return [example["value"] for example in media["examples"].values()]
    raise LookupError(operation_id)


Step = tuple[str, str, dict[str, Any]]


def scenario(send: Callable[..., httpx.Response]) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    """Every operation, through every spec example body, then the errors its handlers raise."""
    answers: list[httpx.Response] = []

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        answers.append(send(method, path, **kwargs))
        return answers[-1]

    flows = [call("POST", "/workflows", json=body).json()["data"]["id"] for body in request_examples("createWorkflow")]
    yaml_body = yaml.safe_dump({"name": "yaml", "stages": [{"wait_event": {"event": "go"}}]})
    flows.append(
        call("POST", "/workflows", content=yaml_body, headers={"content-type": "text/vnd.yaml"}).json()["data"]["id"]
    )
    instances = []
    for flow in flows:
        for body in [*request_examples("runWorkflow"), {}]:
            answer = call("POST", f"/workflows/{flow}/instances", json=body)
            if answer.status_code == 201:
                instances.append(answer.json()["data"]["id"])
    for trigger in request_examples("createTrigger"):
        call("POST", "/triggers", json={**trigger, "workflowID": flows[0]})
    triggers = [t["id"] for t in send("GET", "/triggers").json()["data"]]
    for instance in instances:
        call("GET", f"/instances/{instance}")
        call("GET", f"/instances/{instance}/history")
        for number in ("0", "1", "7", "00", "-1"):
            call("GET", f"/instances/{instance}/stages/{number}/history")
        for event in request_examples("sendEvent"):
            call("POST", f"/instances/{instance}/events", json=event)
        call("PUT", f"/instances/{instance}/abort")
    for trigger in triggers:
        call("GET", f"/triggers/{trigger}")
        call("GET", f"/triggers/{trigger}/occurrences")
        call("DELETE", f"/triggers/{trigger}")
        call("DELETE", f"/triggers/{trigger}")
    for flow in flows:
        call("GET", f"/workflows/{flow}")
        call("DELETE", f"/workflows/{flow}")
        call("DELETE", f"/workflows/{flow}")
        call("POST", f"/workflows/{flow}/instances", json={})
    call("GET", "/instances", params={"workflowID": flows[0], "running": "true"})
    call("GET", "/instances", params={"running": "false"})
    call("GET", "/instances", params={"running": "TRUE"})  # Connexion's spelling, taken there
    call("GET", "/instances", params={"running": "yes"})
    call("GET", "/triggers", params={"name": "payin-to-wallet"})
    call("POST", f"/workflows/{flows[-1]}/instances", params={"wait": "true"}, json={})
    missing = "5a0e7c1d-0000-4000-8000-000000000000"
    call("POST", f"/instances/{missing}/events", json={"name": "go"})
    call("PUT", f"/instances/{missing}/abort")
    for path in ["/_info", "/workflows", "/instances", "/triggers"]:
        call("GET", path)
    return [(a.status_code, sorted((k, v) for k, v in a.headers.items() if k != "date"), a.content) for a in answers]


Answers = list[tuple[int, list[tuple[str, str]], bytes]]


def both_ways(
    request: pytest.FixtureRequest, mode: str, play: Callable[[Callable[..., httpx.Response]], Answers]
) -> tuple[Answers, Answers]:
    """A scenario played on the fast path, then (after a reset) through Connexion: an ignored query
    parameter is enough to send a request there."""
    api: Api = request.getfixturevalue("api" if mode == "spec" else "real_api")
    server: RunningMock = request.getfixturevalue("mock_server" if mode == "spec" else "real_server")

    def through_connexion(method: str, path: str, params: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        return api.request(method, path, params={**(params or {}), "unused": "1"}, check=mode == "spec", **kw)

    fast = play(lambda method, path, **kw: api.request(method, path, check=mode == "spec", **kw))
    httpx.post(server.url + "/_mock/reset").raise_for_status()
    return fast, play(through_connexion)


@pytest.mark.parametrize("mode", ["spec", "real"])
def test_every_operation_answers_as_connexion_does(request: pytest.FixtureRequest, mode: str) -> None:
    fast, slow = both_ways(request, mode, scenario)
    assert len(fast) > 60
    assert {status for status, _, _ in fast} >= {200, 201, 204, 400, 404}
    for step, (quick, connexion) in enumerate(zip(fast, slow, strict=True)):
        assert quick == connexion, f"step {step}"


def _routes(handler: Any) -> FastRoutes:
    routes = FastRoutes()
    routes.add(SPEC, dict.fromkeys(_operation_ids(), handler))
    return routes


def test_fast_routes_take_exactly_the_operations_connexion_cannot_tell_apart() -> None:
    """Operations with a required query, or another typed path parameter, stay with Connexion; an
    integer path parameter is read on the fast path in its plain decimal spelling only."""

    async def handler(**_: Any) -> tuple[Any, int]:
        return None, 204

    routes = _routes(handler)
    found = routes.match("GET", "/instances/abc/stages/1/history")
    assert found is not None and found[1] == {"instance_id": "abc", "number": 1}
    for number in ("01", "-1", "+1", "1.0", "x", "99999999999999999999"):
        assert routes.match("GET", f"/instances/abc/stages/{number}/history") is None, number
    assert routes.match("GET", "/instances//history") is None
    assert routes.match("PATCH", "/workflows/abc") is None
    operation, arguments = routes.match("POST", "/workflows/abc/instances") or (None, None)
    assert operation is not None and arguments == {"workflow_id": "abc"}
    assert operation.body is not None and operation.body.is_valid({"a": "b"}) and not operation.body.is_valid({"a": 1})
    operation, arguments = routes.match("DELETE", "/triggers/t1") or (None, None)
    assert operation is not None and operation.body is None and arguments == {"trigger_id": "t1"}


def test_every_served_fast_body_validator_compiles() -> None:
    """The fast path compiles a body schema on its operation's first request: every one of every
    service must compile then (how a compiled one judges is tested above and in test_request_verification)."""
    routes = FastRoutes()
    for mount in stack.mounts(Settings(), lambda: None, "t"):
        routes.add(mount.spec, mount.handlers, mount.base)
    bodies = [operation.body for shape in routes._routes.values() for operation in shape if operation.body]
    assert len(bodies) > 20
    for body in bodies:
        assert body.compiled is not None


def test_a_uuid_path_parameter_stays_fast_because_connexion_does_not_check_the_format() -> None:
    """`flowId` is `format: uuid` (so generators send UUIDs), which Connexion's Draft 4 checker ignores: a
    non-UUID still reaches the handler (400 on DELETE, 404 on GET), so the fast path may take it too."""
    from jsonschema import Draft4Validator

    assert "uuid" not in Draft4Validator.FORMAT_CHECKER.checkers
    assert SPEC["paths"]["/workflows/{flowId}"]["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}

    async def handler(**_: Any) -> tuple[Any, int]:
        return None, 204

    routes = _routes(handler)
    for method in ("GET", "DELETE"):
        operation, arguments = routes.match(method, "/workflows/not-a-uuid") or (None, None)
        assert operation is not None and arguments == {"flow_id": "not-a-uuid"}


@pytest.mark.parametrize(
    ("query", "arguments"),
    [
        (b"", {}),
        (b"running=true&workflowID=a%2Fb", {"running": True, "workflow_id": "a/b"}),
        (b"running=false", {"running": False}),
        (b"running=1", None),  # Connexion's conversion and its error message decide
        (b"running=true&running=false", None),
        (b"workflowID=", None),
        (b"workflowid=a", None),
        (b"unused=1", None),
    ],
)
def test_query_strings_the_fast_path_takes(query: bytes, arguments: dict[str, Any] | None) -> None:
    async def handler(**_: Any) -> tuple[Any, int]:
        return None, 200

    operation, _ = _routes(handler).match("GET", "/instances") or (None, None)
    assert operation is not None
    assert operation.query_arguments(query) == arguments


def _operation_ids() -> list[str]:
    return [op["operationId"] for item in SPEC["paths"].values() for op in item.values() if isinstance(op, dict)]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json; charset=utf-8", b'{"stages": []}'),
        ("application/json", b'{"stages": [], "name": 3}'),
        ("application/json", b"null"),
        ("application/json", b""),
        ("application/json", b'{"stages": [], "n": 123456789012345678901234567890}'),
    ],
)
def test_bodies_the_fast_path_declines_still_get_connexions_answer(api: Api, content_type: str, body: bytes) -> None:
    plain = api.post("/workflows", content=body, headers={"content-type": content_type}, check=False)
    slow = api.post(
        "/workflows", params={"unused": "1"}, content=body, headers={"content-type": content_type}, check=False
    )
    assert plain.status_code == slow.status_code
    if plain.status_code == 201:  # two workflows: only their ids differ
        assert {**plain.json()["data"], "id": ""} == {**slow.json()["data"], "id": ""}
    else:
        assert plain.content == slow.content


def test_valid_requests_do_not_reach_connexion_and_the_rest_do() -> None:
    """Guards the comparison above: without a fast path both runs would go through Connexion."""
    mock = create_app(Settings(clock="manual", auth=False, access_log=False))
    gateway = mock.asgi
    connexion = gateway.app
    reached: list[str] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        reached.append(f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}")
        await connexion(scope, receive, send)

    gateway.app = spy

    async def play() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://mock") as client:
            body = {"stages": [{"wait_event": {"event": "go"}}]}
            flow = (await client.post("/api/orchestration/workflows", json=body)).json()["data"]["id"]
            run = (await client.post(f"/workflows/{flow}/instances", json={"k": "v"})).json()["data"]["id"]
            assert (await client.post(f"/instances/{run}/events", json={"name": "go"})).status_code == 204
            assert (await client.put(f"/instances/{run}/abort")).status_code == 204
            assert (await client.get(f"/instances/{run}/history")).status_code == 200
            assert (await client.delete(f"/workflows/{flow}")).status_code == 204
            assert (await client.get(f"/workflows/{flow}")).status_code == 404
            assert (await client.get("/instances", params={"workflowID": flow, "running": "true"})).status_code == 200
            assert (await client.get(f"/instances/{run}/stages/0/history")).status_code == 200
            assert reached == []
            await client.get("/instances", params={"running": "yes"})
            await client.get("/workflows", params={"x": "1"})
            await client.post("/workflows", json={"stages": "no"})
            await client.get(f"/instances/{run}/stages/00/history")
            assert reached == [
                "GET /instances?running=yes",
                "GET /workflows?x=1",
                "POST /workflows?",
                f"GET /instances/{run}/stages/00/history?",
            ]

    asyncio.run(play())
