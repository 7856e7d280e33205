"""The eight operations over HTTP in spec mode, as formancehq/webhooks v2.3.2 answers them
(/work/notes/webhooks.md section 1): statuses, bodies, validation, ordering, the test call."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mockserver.testing import OrchestrationMock
from mockserver.webhooks.receiver import Receiver
from tests.webhooks.support import HTTP, attempts, docs_verify

SECRET = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"
CONFIG_KEYS = ["endpoint", "secret", "eventTypes", "id", "active", "name", "createdAt", "updatedAt"]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Receiver]:
    with Receiver((SECRET,)).running() as receiver:
        yield receiver


def _create(hooks: httpx.Client, url: str = "http://127.0.0.1:9/hook", **body: object) -> dict:
    reply = hooks.post("/configs", json={"endpoint": url, "eventTypes": ["ledger.committed_transactions"], **body})
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def test_insert_answers_200_with_the_config_in_gos_key_order(hooks: httpx.Client) -> None:
    reply = hooks.post("/configs", json={"endpoint": "http://localhost:4000/h", "eventTypes": ["LEDGER.Foo", " B "]})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json" and reply.content.endswith(b"}\n")
    config = reply.json()["data"]
    assert list(config) == CONFIG_KEYS
    assert config["eventTypes"] == ["ledger.foo", " b "] and config["active"] is True and config["name"] == ""
    assert len(config["secret"]) == 32 and config["createdAt"] == config["updatedAt"]
    assert _create(hooks, secret=SECRET)["secret"] == SECRET
    duplicate = hooks.post("/configs", json={"endpoint": "http://localhost:4000/h", "eventTypes": ["a"]})
    assert duplicate.status_code == 200  # no uniqueness
    assert hooks.post("/configs", json={"endpoint": "foo", "eventTypes": ["a"]}).status_code == 200  # no scheme


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b'{"endpoint":"x","eventTypes":["a"],"name":"n"}', "application/json", 'unknown field "name"'),
        (b'{"endpoint":"x",}', "application/json", "badly-formed JSON (at position 17)"),
        (b'{"endpoint":"x","eventTypes":["a"]}', "application/json; charset=utf-8", "Content-Type header should be"),
        (b'{"endpoint":"x","eventTypes":["a"]}', "text/plain", "Content-Type header should be application/json"),
        (b"", "application/json", "Request body must not be empty"),
        (b'{"eventTypes":["a"]}', "application/json", "invalid config: endpoint should be a valid url"),
        (b'{"endpoint":"x","secret":"invalid","eventTypes":["a"]}', "application/json", "input byte 4"),
        (b'{"endpoint":"x","secret":"YWJj","eventTypes":["a"]}', "application/json", "should be of size 24"),
        (b'{"endpoint":"x","eventTypes":[]}', "application/json", "invalid config: eventTypes should be filled"),
        (b'{"endpoint":"x","eventTypes":["a\\u0000"]}', "application/json", "NUL character"),
        (b'{"endpoint":"http://example.com/h","eventTypes":["a"]}', "application/json", "is not allowed"),
    ],
)
def test_insert_refusals_are_400_validation(
    hooks: httpx.Client, content: bytes, content_type: str, message: str
) -> None:
    reply = hooks.post("/configs", content=content, headers={"content-type": content_type})
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == "VALIDATION" and message in reply.json()["errorMessage"]
    assert hooks.get("/configs").json()["cursor"]["data"] == []


def test_the_list_is_newest_updated_first_and_filters_exactly(hooks: httpx.Client, mock: OrchestrationMock) -> None:
    first = _create(hooks, url="HTTP://localhost:1/a b")
    second = _create(hooks)
    listed = hooks.get("/configs").json()
    assert listed == {"cursor": {"hasMore": False, "data": [second, first]}}
    mock.control.advance(1)
    hooks.put(f"/configs/{first['id']}/deactivate")  # moves it to the top
    assert [c["id"] for c in hooks.get("/configs").json()["cursor"]["data"]] == [first["id"], second["id"]]
    hooks.put(f"/configs/{second['id']}", json={"endpoint": "http://localhost:2/x", "eventTypes": ["a"]})
    assert [c["id"] for c in hooks.get("/configs").json()["cursor"]["data"]] == [first["id"], second["id"]]
    assert [c["id"] for c in hooks.get("/configs", params={"id": second["id"]}).json()["cursor"]["data"]] == [
        second["id"]
    ]
    # The endpoint filter is Go's re-serialisation of the value; the stored endpoint is kept as sent.
    assert hooks.get("/configs", params={"endpoint": "HTTP://localhost:1/a b"}).json()["cursor"]["data"] == []
    assert (
        hooks.get("/configs", params={"endpoint": "http://localhost:2/x"}).json()["cursor"]["data"][0]["id"]
        == (second["id"])
    )
    for params in ({"cursor": "x"}, {"pageSize": "1"}, {"ID": "x"}, [("id", "a"), ("id", "b")], {"endpoint": ":x"}):
        reply = hooks.get("/configs", params=params)
        assert reply.status_code == 400 and reply.json()["errorMessage"].startswith("invalid params"), params
    assert hooks.get("/configs", params={"id": "a\x00"}).status_code == 400


def test_update_writes_three_fields_answers_empty_and_never_404s(hooks: httpx.Client, mock: OrchestrationMock) -> None:
    config = _create(hooks, secret=SECRET)
    mock.control.advance(5)
    reply = hooks.put(f"/configs/{config['id']}", json={"endpoint": "http://localhost:3/new", "eventTypes": ["B"]})
    assert (reply.status_code, reply.content, reply.headers["content-type"]) == (200, b"", "application/json")
    (updated,) = hooks.get("/configs").json()["cursor"]["data"]
    assert updated["endpoint"] == "http://localhost:3/new" and updated["eventTypes"] == ["b"]
    assert updated["secret"] != SECRET and len(updated["secret"]) == 32  # no secret: a new one, silently
    assert updated["updatedAt"] == config["updatedAt"] and updated["active"] is True
    unknown = hooks.put("/configs/unknown", json={"endpoint": "x", "eventTypes": ["a"]})
    assert (unknown.status_code, unknown.content) == (200, b"")
    assert hooks.put("/configs/unknown", json={"endpoint": "", "eventTypes": ["a"]}).status_code == 400
    assert hooks.put("/configs/a%00b", json={"endpoint": "x", "eventTypes": ["a"]}).status_code == 404


def test_delete_answers_empty_then_404(hooks: httpx.Client) -> None:
    config = _create(hooks)
    reply = hooks.delete(f"/configs/{config['id']}")
    assert (reply.status_code, reply.content) == (200, b"")
    gone = hooks.delete(f"/configs/{config['id']}")
    assert gone.status_code == 404 and gone.json() == {"errorCode": "NOT_FOUND", "errorMessage": "config not found"}
    assert hooks.delete("/configs/%00").status_code == 404


def test_activation_answers_the_old_updated_at_and_nothing_changes_twice(
    hooks: httpx.Client, mock: OrchestrationMock
) -> None:
    config = _create(hooks)
    mock.control.advance(10)
    off = hooks.put(f"/configs/{config['id']}/deactivate").json()["data"]
    assert off == {**config, "active": False}  # updatedAt is the previous one
    (stored,) = hooks.get("/configs").json()["cursor"]["data"]
    assert stored["updatedAt"] > config["updatedAt"]
    mock.control.advance(10)
    again = hooks.put(f"/configs/{config['id']}/deactivate")
    assert again.status_code == 200 and again.json()["data"] == stored  # unchanged, not written
    on = hooks.put(f"/configs/{config['id']}/activate", json={"ignored": True}).json()["data"]
    assert on == {**stored, "active": True}
    for action in ("activate", "deactivate"):
        assert hooks.put(f"/configs/unknown/{action}").json()["errorMessage"] == "config not found"


def test_secret_change(hooks: httpx.Client, mock: OrchestrationMock) -> None:
    config = _create(hooks, secret=SECRET)
    mock.control.advance(1)
    generated = hooks.put(f"/configs/{config['id']}/secret/change", content=b"").json()["data"]
    assert generated["secret"] != SECRET and generated["updatedAt"] == config["updatedAt"]
    own = hooks.put(f"/configs/{config['id']}/secret/change", json={"secret": SECRET}).json()["data"]
    assert own["secret"] == SECRET
    same = hooks.put(f"/configs/{config['id']}/secret/change", json={"secret": SECRET})
    assert same.json()["data"] == hooks.get("/configs").json()["cursor"]["data"][0]
    assert len(hooks.put(f"/configs/{config['id']}/secret/change", json={}).json()["data"]["secret"]) == 32
    refusals = [
        ("/configs/unknown/secret/change", {"json": {"secret": "invalid"}}, 400, "secret should be base64 encoded"),
        ("/configs/unknown/secret/change", {"json": {"secret": SECRET}}, 404, "config not found"),
        (f"/configs/{config['id']}/secret/change", {"json": {"key": 1}}, 400, 'unknown field "key"'),
        (
            f"/configs/{config['id']}/secret/change",
            {"content": b"{}", "headers": {"content-type": "text/plain"}},
            400,
            "Content-Type header should be application/json",
        ),
    ]
    for path, request, status, message in refusals:
        reply = hooks.put(path, **request)  # type: ignore[arg-type]
        assert reply.status_code == status and message in reply.json()["errorMessage"], path
    assert "invalid config" not in hooks.put(path, json={"secret": "x"}).json()["errorMessage"]


def test_the_test_call_posts_a_signed_test_body_and_answers_the_attempt(
    hooks: httpx.Client, mock: OrchestrationMock, endpoint: Receiver
) -> None:
    config = _create(hooks, url=endpoint.url + "/test", secret=SECRET)
    hooks.put(f"/configs/{config['id']}/deactivate")  # inactive configs are tested too
    before = len(endpoint.deliveries)
    attempt = hooks.get(f"/configs/{config['id']}/test").json()["data"]
    delivery = endpoint.deliveries[before]
    assert delivery.body == b'{"data":"test"}' and docs_verify(delivery.headers, delivery.body, SECRET)
    assert delivery.headers["formance-webhook-test"] == "true"
    assert delivery.headers["formance-webhook-idempotency-key"] == "ik"
    assert delivery.headers["user-agent"] == "formance-webhooks/v0"
    assert attempt["webhookID"] == delivery.webhook_id
    assert attempt["createdAt"] == attempt["updatedAt"] == attempt["nextRetryAfter"] == "0001-01-01T00:00:00Z"
    assert (attempt["statusCode"], attempt["status"], attempt["retryAttempt"]) == (200, "success", 0)
    assert attempt["payload"] == '{"data":"test"}' and attempt["config"]["active"] is False
    endpoint.answer(404)
    failed = hooks.get(f"/configs/{config['id']}/test")
    assert failed.status_code == 200 and (failed.json()["data"]["statusCode"], failed.json()["data"]["status"]) == (
        404,
        "failed",
    )
    nobody = _create(hooks, url="http://127.0.0.1:9/closed")
    down = hooks.get(f"/configs/{nobody['id']}/test").json()["data"]
    assert (down["statusCode"], down["status"]) == (0, "failed")
    assert hooks.get("/configs/unknown/test").status_code == 404
    listed = attempts(mock, configID=config["id"])
    assert [a["test"] for a in listed] == [True, True] and listed[0]["eventType"] == ""


def test_auth_routes_and_info(mock: OrchestrationMock, hooks: httpx.Client) -> None:
    base = mock.url + "/api/webhooks"
    assert HTTP.get(base + "/_info").json() == {"version": "v2.3.2"}
    assert HTTP.get(base + "/configs").json()["errorCode"] == "UNAUTHORIZED"
    reader = {"Authorization": f"Bearer {mock.read_token}"}
    assert HTTP.get(base + "/configs", headers=reader).status_code == 403  # orchestration:read only
    read = HTTP.post(
        mock.url + "/api/auth/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "r", "client_secret": "r", "scope": "webhooks:read"},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {read}"}
    config = _create(hooks)
    assert HTTP.get(base + "/configs", headers=headers).status_code == 200
    assert HTTP.get(f"{base}/configs/{config['id']}/test", headers=headers).status_code == 200  # a GET: read
    refused = HTTP.put(f"{base}/configs/{config['id']}/deactivate", headers=headers)
    assert refused.json() == {"errorCode": "FORBIDDEN", "errorMessage": "token lacks the webhooks:write scope"}
    assert hooks.get("/configs/").status_code == 404  # chi's routes are exact
    assert hooks.get("/deliveries").json()["errorMessage"] == "no such route"
    assert HTTP.get(base + "/nothing").status_code == 404  # outside the auth group: no token needed


def test_forced_answers_and_fault_rules_work_on_the_webhooks_api(mock: OrchestrationMock, hooks: httpx.Client) -> None:
    forced = hooks.delete("/configs/x", headers={"Prefer": "code=404"})
    assert forced.status_code == 404 and forced.json()["errorMessage"] == "config not found"
    HTTP.post(mock.url + "/_mock/faults", json={"operationId": "insertConfig", "status": 503, "times": 1})
    assert hooks.post("/configs", json={"endpoint": "x", "eventTypes": ["a"]}).status_code == 503
    assert hooks.get("/configs").json()["cursor"]["data"] == []
    assert mock.control.requests(operation_id="insertConfig")[0]["fault"] == "fault-1"
