"""What is measured: the seeded state in the mock and the request of each scenario for both servers.

Prism answers static examples, so it gets the same paths with placeholder ids; the
mock gets real ids of resources this module creates through its own API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from servers import Server

SEND_STAGE = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "default"}},
        "destination": {"account": {"id": "users:bench", "ledger": "default"}},
        "amount": {"amount": 100, "asset": "USD/2"},
    }
}
# The body POST /workflows sends on every request: a valid one-stage send workflow.
CREATE_BODY = json.dumps({"name": "bench-created", "stages": [SEND_STAGE]})
RUN_BODY = json.dumps({"note": "bench"})
TRIGGER_EVENT = "BENCH_TICK"
OCCURRENCES = 100
RUNNING_INSTANCES = 10_000
FIXTURE_CHUNK = 2_500


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    method: str
    mock_path: str
    prism_path: str
    body: str | None
    expect: int
    # The acceptance criteria name three scenarios; the others are reported for information.
    target: bool


class MockClient:
    """The mock's API and control API over one keep-alive connection."""

    def __init__(self, server: Server, token: str) -> None:
        self.api = httpx.Client(base_url=server.url(""), headers={"Authorization": f"Bearer {token}"}, timeout=120)
        self.control = httpx.Client(base_url=f"{server.origin}/_mock", timeout=300)

    def close(self) -> None:
        self.api.close()
        self.control.close()

    def create_workflow(self, name: str, stages: list[dict[str, Any]]) -> str:
        response = self.api.post("/workflows", json={"name": name, "stages": stages})
        _expect(response, 201)
        return str(response.json()["data"]["id"])

    def create_trigger(self, event: str, workflow_id: str) -> str:
        response = self.api.post("/triggers", json={"event": event, "workflowID": workflow_id, "name": "bench"})
        _expect(response, 201)
        return str(response.json()["data"]["id"])

    def run(self, workflow_id: str, variables: dict[str, str] | None = None) -> str:
        response = self.api.post(f"/workflows/{workflow_id}/instances", json=variables or {})
        _expect(response, 201)
        return str(response.json()["data"]["id"])

    def publish(self, event: str, payload: dict[str, Any]) -> None:
        _expect(self.control.post("/events", json={"type": event, "payload": payload}), 202)

    def load_fixture(self, doc: dict[str, Any]) -> None:
        _expect(self.control.post("/fixtures", json=doc), 201)

    def state(self) -> dict[str, int]:
        response = self.control.get("/state")
        _expect(response, 200)
        return dict(response.json()["data"])

    def count(self, path: str) -> int:
        response = self.api.get(path)
        _expect(response, 200)
        return len(response.json()["data"])


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} answered {response.status_code}"
            f" (expected {status}): {response.text[:500]}"
        )


def seed_running(client: MockClient, workflow: str, count: int, chunk: int = FIXTURE_CHUNK) -> None:
    """`count` instances blocked on an event that never comes, loaded as fixtures: far faster than HTTP runs."""
    for start in range(0, count, chunk):
        size = min(chunk, count - start)
        client.load_fixture({"instances": [{"workflow": workflow} for _ in range(size)]})


def seed_mock(client: MockClient) -> dict[str, str]:
    """Create what the mock scenarios read; return the ids they need."""
    ids: dict[str, str] = {}
    ids["workflow"] = client.create_workflow("bench-read", [SEND_STAGE])
    ids["send_workflow"] = client.create_workflow("bench-send", [SEND_STAGE])
    noop = client.create_workflow("bench-noop", [{"noop": {}}])
    ids["trigger"] = client.create_trigger(TRIGGER_EVENT, noop)
    for n in range(OCCURRENCES):
        client.publish(TRIGGER_EVENT, {"n": n})
    waiting = client.create_workflow("bench-wait", [{"wait_event": {"event": "never"}}])
    seed_running(client, waiting, RUNNING_INSTANCES)
    found = client.count(f"/triggers/{ids['trigger']}/occurrences")
    if found != OCCURRENCES:
        raise RuntimeError(f"expected {OCCURRENCES} occurrences, the mock lists {found}")
    running = client.count("/instances?running=true")
    if running != RUNNING_INSTANCES:
        raise RuntimeError(f"expected {RUNNING_INSTANCES} running instances, the mock lists {running}")
    return ids


def scenarios(ids: dict[str, str]) -> list[Scenario]:
    return [
        Scenario("info", "GET /_info", "GET", "/_info", "/_info", None, 200, True),
        Scenario(
            "workflow",
            "GET /workflows/{id}",
            "GET",
            f"/workflows/{ids['workflow']}",
            "/workflows/xxx",
            None,
            200,
            False,
        ),
        Scenario(
            "occurrences",
            f"GET /triggers/{{id}}/occurrences ({OCCURRENCES})",
            "GET",
            f"/triggers/{ids['trigger']}/occurrences",
            "/triggers/xxx/occurrences",
            None,
            200,
            True,
        ),
        Scenario("create_workflow", "POST /workflows", "POST", "/workflows", "/workflows", CREATE_BODY, 201, True),
        Scenario(
            "run_workflow",
            "POST /workflows/{id}/instances (send)",
            "POST",
            f"/workflows/{ids['send_workflow']}/instances",
            "/workflows/xxx/instances",
            RUN_BODY,
            201,
            False,
        ),
        Scenario(
            "running",
            f"GET /instances?running=true ({RUNNING_INSTANCES // 1000}k)",
            "GET",
            "/instances?running=true",
            "/instances?running=true",
            None,
            200,
            False,
        ),
    ]


def probe(url: str, method: str, body: str | None, token: str) -> tuple[int, int]:
    """One request before the load: its status and body size, so the table can show what each server sends."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = httpx.request(method, url, content=body, headers=headers, timeout=60)
    return response.status_code, len(response.content)
