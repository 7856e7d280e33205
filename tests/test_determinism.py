"""With --seed and --clock manual, the same scenario gives byte-identical responses."""

from __future__ import annotations

import httpx

from tests.support import running_mock, token_for


def scenario(url: str, token: str) -> list[bytes]:
    api = httpx.Client(base_url=url + "/api/orchestration", headers={"Authorization": f"Bearer {token}"})
    control = httpx.Client(base_url=url + "/_mock")
    bodies: list[bytes] = []

    def keep(reply: httpx.Response) -> httpx.Response:
        bodies.append(reply.content)
        return reply

    control.post("/fixtures", json={"ledgers": {"default": {"accounts": {"poor": {"balances": {}}}}}})
    send = {
        "send": {
            "source": {"account": {"id": "${from}"}},
            "destination": {"account": {"id": "bank"}},
            "amount": {"amount": "${amount}", "asset": "EUR/2"},
        }
    }
    wf = keep(
        api.post(
            "/workflows",
            json={"name": "d", "stages": [send, {"wait_event": {"event": "go"}}, {"delay": {"duration": "10m"}}]},
        )
    )
    wf_id = wf.json()["data"]["id"]
    keep(
        api.post(
            "/triggers",
            json={"event": "SAVED_PAYMENT", "workflowID": wf_id, "vars": {"from": '"world"', "amount": "event.amount"}},
        )
    )
    first = keep(api.post(f"/workflows/{wf_id}/instances", json={"from": "world", "amount": "5"})).json()["data"]
    second = keep(api.post(f"/workflows/{wf_id}/instances", json={"from": "poor", "amount": "5"})).json()["data"]
    keep(control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p", "amount": 7}}))
    keep(control.post("/clock/advance", json={"seconds": 30}))
    keep(api.post(f"/instances/{first['id']}/events", json={"name": "go"}))
    keep(control.post("/clock/advance", json={"seconds": 600}))
    keep(api.put(f"/instances/{second['id']}/abort"))
    for path in (
        "/workflows",
        "/instances",
        "/triggers",
        f"/instances/{first['id']}",
        f"/instances/{first['id']}/history",
        f"/instances/{second['id']}/stages/0/history",
    ):
        keep(api.get(path))
    keep(control.get("/events"))
    return bodies


def test_two_seeded_manual_runs_are_byte_identical() -> None:
    runs = []
    for _ in range(2):
        with running_mock("--seed", "11", "--clock", "manual") as server:
            runs.append(scenario(server.url, token_for(server.url)))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 16


def test_reset_replays_the_same_scenario_identically() -> None:
    with running_mock("--seed", "5", "--clock", "manual") as server:
        token = token_for(server.url)
        first = scenario(server.url, token)
        httpx.post(server.url + "/_mock/reset").raise_for_status()
        assert scenario(server.url, token) == first
