"""The control API: reset, clock, journal, fixtures, state counts."""

from __future__ import annotations

import httpx

from tests.support import CONTROL_SPEC_PATH, Api, RunningMock, check_response


def checked(client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    reply = client.request(method, path, **kwargs)
    check_response(method, path, reply, CONTROL_SPEC_PATH)
    return reply


def test_reset_empties_the_state(api: Api, control: httpx.Client) -> None:
    api.post("/workflows", json={"stages": []})
    assert checked(control, "GET", "/state").json()["data"]["workflows"] == 1
    assert checked(control, "POST", "/reset").status_code == 204
    assert api.get("/workflows").json()["data"] == []


def test_manual_clock_moves_only_when_advanced(api: Api, control: httpx.Client) -> None:
    before = checked(control, "GET", "/clock").json()["data"]
    assert before["mode"] == "manual"
    assert checked(control, "GET", "/clock").json()["data"]["now"] == before["now"]
    after = checked(control, "POST", "/clock/advance", json={"seconds": 90}).json()["data"]
    assert after["now"] > before["now"]
    assert checked(control, "POST", "/clock/advance", json={"seconds": -1}).status_code == 400


def test_delay_completes_when_the_clock_reaches_it(api: Api, control: httpx.Client) -> None:
    wf = api.post("/workflows", json={"stages": [{"delay": {"duration": "1h"}}]}).json()["data"]["id"]
    started = api.post(f"/workflows/{wf}/instances", json={}).json()["data"]
    control.post("/clock/advance", json={"seconds": 3599})
    assert api.get(f"/instances/{started['id']}").json()["data"]["terminated"] is False
    control.post("/clock/advance", json={"seconds": 1})
    assert api.get(f"/instances/{started['id']}").json()["data"]["terminated"] is True


def test_journal_records_api_requests(api: Api, control: httpx.Client) -> None:
    api.get("/workflows")
    entries = checked(control, "GET", "/requests", params={"limit": 1}).json()["data"]
    assert entries[-1]["method"] == "GET" and entries[-1]["path"].endswith("/workflows")
    assert entries[-1]["status"] == 200


def test_fixtures_load_at_runtime_as_yaml_and_bad_ones_change_nothing(api: Api, control: httpx.Client) -> None:
    doc = "workflows:\n  - name: from-yaml\n    stages:\n      - noop: {}\n"
    reply = checked(control, "POST", "/fixtures", content=doc, headers={"content-type": "application/yaml"})
    assert reply.status_code == 201, reply.text
    assert [w["config"]["name"] for w in api.get("/workflows").json()["data"]] == ["from-yaml"]
    bad = checked(control, "POST", "/fixtures", json={"workflows": [{"stages": [{"teleport": {}}]}]})
    assert bad.status_code == 400
    assert len(api.get("/workflows").json()["data"]) == 1


def test_published_event_needs_type_and_payload(control: httpx.Client) -> None:
    assert checked(control, "POST", "/events", json={"payload": {}}).status_code == 400
    assert checked(control, "POST", "/events", json={"type": "X", "payload": {}}).status_code == 202


def test_demo_fixtures_load(mock_server: RunningMock) -> None:
    from tests.support import ROOT, running_mock, token_for

    with running_mock("--fixtures", str(ROOT / "fixtures" / "demo.yaml"), "--clock", "manual") as server:
        demo = Api(server.api, token_for(server.url))
        assert len(demo.get("/workflows").json()["data"]) == 5
        assert len(demo.get("/triggers").json()["data"]) == 1
        running = demo.get("/instances", params={"running": "true"}).json()["data"]
        assert len(running) == 3
