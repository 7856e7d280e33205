"""The inspector over plain HTTP: state.json, action errors, access control and escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from mockserver.testing import serve_mock
from tests.support import Api, RunningMock, token_for

UI = "/_mock/ui"
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"'


@pytest.fixture
def http(mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        yield client


@pytest.fixture
def api(mock: RunningMock) -> Api:
    return Api(mock.api, token_for(mock.url))


def action(http: httpx.Client, which: str, /, **fields: object) -> httpx.Response:
    return http.post(f"{UI}/api/{which}", json=fields)


def test_page_assets_and_headers(http: httpx.Client) -> None:
    assert http.get(UI).status_code == 308
    page = http.get(UI + "/")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self': no inline script
    assert "<script>" not in page.text and " style=" not in page.text
    assert http.get(UI + "/static/inspector.js").headers["content-type"].startswith("text/javascript")
    assert http.get(UI + "/static/inspector.css").headers["content-type"].startswith("text/css")
    assert http.get(UI + "/static/../__init__.py").status_code == 404
    state = http.get(UI + "/state.json").json()
    sections = {"clock", "instances", "workflows", "triggers", "bank", "webhooks", "faults", "events", "requests"}
    assert set(state["html"]) == sections
    assert state["data"]["clock"] == {"now": "2025-01-01T00:00:00Z", "mode": "manual"}


def test_state_json_reports_stage_progress(http: httpx.Client, api: Api) -> None:
    workflow = api.post("/workflows", json={"stages": [{"noop": {}}, {"wait_event": {"event": "go"}}]}).json()
    instance = api.post(f"/workflows/{workflow['data']['id']}/instances", json={}).json()["data"]["id"]
    (shown,) = http.get(UI + "/state.json").json()["data"]["instances"]
    assert (shown["id"], shown["state"], shown["label"]) == (instance, "waiting", "waiting for event go")
    assert [(s["kind"], s["state"]) for s in shown["stages"]] == [("noop", "terminated"), ("wait_event", "waiting")]


def test_actions_follow_the_domain_rules(http: httpx.Client, api: Api) -> None:
    workflow = api.post("/workflows", json={"stages": [{"wait_event": {"event": "go"}}]}).json()["data"]["id"]
    instance = api.post(f"/workflows/{workflow}/instances", json={}).json()["data"]["id"]
    assert action(http, "send-event", instanceId=instance, name="other").status_code == 200  # dropped, as the API does
    assert api.get(f"/instances/{instance}").json()["data"]["terminated"] is False
    assert action(http, "send-event", instanceId=instance, name="go").status_code == 200
    assert api.get(f"/instances/{instance}").json()["data"]["terminated"] is True
    again = action(http, "send-event", instanceId=instance, name="go")
    assert (again.status_code, again.json()["errorCode"]) == (400, "VALIDATION")
    missing = action(http, "abort", instanceId="nope")
    assert missing.json() == {"errorCode": "NOT_FOUND", "errorMessage": "instance nope not found"}
    assert action(http, "advance", seconds="90").json()["data"]["clock"]["now"] == "2025-01-01T00:01:30Z"


@pytest.mark.parametrize(
    ("name", "fields", "status", "code"),
    [
        ("advance", {"seconds": "soon"}, 400, "VALIDATION"),
        ("advance", {"seconds": "-1"}, 400, "VALIDATION"),
        ("advance", {"seconds": "nan"}, 400, "VALIDATION"),
        ("publish", {"type": "X", "payload": "[1]"}, 400, "VALIDATION"),
        ("publish", {"type": "X", "payload": "{oops"}, 400, "VALIDATION"),
        ("publish", {"payload": "{}"}, 400, "VALIDATION"),
        ("fixtures", {"document": "workflows: 3"}, 400, "VALIDATION"),
        ("send-event", {"name": "go"}, 400, "VALIDATION"),
        ("teleport", {}, 404, "NOT_FOUND"),
    ],
)
def test_action_errors_are_json(http: httpx.Client, name: str, fields: dict, status: int, code: str) -> None:
    reply = action(http, name, **fields)
    assert (reply.status_code, reply.json()["errorCode"]) == (status, code)
    assert reply.json()["errorMessage"]


def test_actions_refuse_what_other_sites_could_send(http: httpx.Client) -> None:
    form = http.post(f"{UI}/api/reset", data={"x": "1"})
    assert (form.status_code, form.json()["errorCode"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    cross = http.post(f"{UI}/api/reset", json={}, headers={"origin": "http://evil.example"})
    assert (cross.status_code, cross.json()["errorCode"]) == (403, "FORBIDDEN")
    same = http.post(f"{UI}/api/reset", json={}, headers={"origin": str(http.base_url).rstrip("/")})
    assert same.status_code == 200
    assert http.get(f"{UI}/api/reset").status_code == 405
    assert http.post(f"{UI}/api/reset", content=b"{", headers={"content-type": "application/json"}).status_code == 400


def test_the_control_switches_cover_the_inspector() -> None:
    with serve_mock(control=False) as off:
        reply = httpx.get(off.url + UI + "/")
        assert (reply.status_code, reply.json()["errorCode"]) == (404, "NOT_FOUND")
    with serve_mock(control_token="letmein") as locked:
        assert httpx.get(locked.url + UI + "/").status_code == 401
        assert httpx.post(locked.url + UI + "/api/reset", json={}).status_code == 401
        assert httpx.get(locked.url + UI + "/", headers={"Authorization": "Bearer letmein"}).status_code == 200


def test_a_browser_logs_in_with_the_control_token_and_gets_the_inspector_only() -> None:
    with serve_mock(control_token="letmein") as locked, httpx.Client(base_url=locked.url) as browser:
        form = browser.get(UI + "/")
        assert (form.status_code, form.headers["content-type"]) == (401, "text/html; charset=utf-8")
        assert 'action="/_mock/ui/login"' in form.text and "<script" not in form.text
        wrong = browser.post(UI + "/login", data={"token": "guess"})
        assert wrong.status_code == 401 and "not the control token" in wrong.text
        assert not browser.cookies
        right = browser.post(UI + "/login", data={"token": "letmein"})
        assert (right.status_code, right.headers["location"]) == (303, UI + "/")
        cookie = right.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_mock/ui" in cookie
        assert "letmein" not in cookie
        assert browser.get(UI + "/").status_code == 200
        assert browser.get(UI + "/state.json").status_code == 200
        assert browser.post(UI + "/api/reset", json={}).status_code == 200  # the page's actions too
        # The cookie opens the inspector, not the control API, which still wants the bearer token.
        session = {"cookie": cookie.split(";")[0]}
        assert httpx.post(locked.url + "/_mock/reset", headers=session).status_code == 401
        assert (
            httpx.get(locked.url + UI + "/", headers={"cookie": "orchestration_mock_inspector=forged"}).status_code
            == 401
        )


def test_every_user_string_is_escaped(http: httpx.Client, api: Api, mock: RunningMock) -> None:
    fixture = {
        "ledgers": {"default": {"accounts": {"users:x": {"balances": {"EUR": 5}, "metadata": {"note": HOSTILE}}}}},
        "wallets": [{"name": HOSTILE, "metadata": {"owner": HOSTILE}}],
        "payments": [{"id": HOSTILE, "initialAmount": 1, "asset": HOSTILE, "reference": HOSTILE}],
        "workflows": [{"name": HOSTILE, "stages": [{"wait_event": {"event": HOSTILE}}]}],
        "triggers": [{"name": HOSTILE, "event": HOSTILE, "workflow": HOSTILE, "filter": "event.id != '<img>'"}],
        "instances": [{"workflow": HOSTILE}],
    }
    assert action(http, "fixtures", document=json.dumps(fixture)).status_code == 200
    published = action(http, "publish", type=HOSTILE, payload=json.dumps({"id": HOSTILE}))
    assert published.json()["data"]["occurrences"][0]["workflowInstanceID"]
    http.get(mock.api + "/" + HOSTILE)  # lands in the request journal
    page = http.get(UI + "/").text
    fragments = "".join(http.get(UI + "/state.json").json()["html"].values())
    # The page's one script tag is its own; any other would be a user string turned markup.
    assert re.findall(r"<(?:script|img)\b[^>]*>", page) == ['<script src="static/inspector.js" defer>']
    assert re.findall(r"<(?:script|img)\b[^>]*>", fragments) == []
    assert fragments.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8
