"""What is measured: the seeded state in the mock and the request of each scenario for both servers.

Prism answers static examples, so it gets the same paths with placeholder ids; the
mock gets real ids of resources this module creates through its own API. A v2 scenario
reads the same state as the v1 ones, through the mock's /v2 paths; it is compared with
a Prism serving the upstream v2 spec.
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
# What the mock stores while GET /v2/workflows answers its first page: the page must not cost
# the store. The v2 scenarios run before POST /workflows, which adds thousands more.
STORED_WORKFLOWS = 10_000
V2_PAGE_SIZE = 15
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
    # The acceptance criteria name some scenarios; the others are reported for information.
    target: bool
    # Which API version's Prism answers the scenario (the mock serves both), or "ledger".
    api: str = "v1"
    # The mock's gateway prefix for this scenario when it is not orchestration's (the ledger's).
    mock_prefix: str | None = None

    def mock_url(self, server: Server) -> str:
        if self.mock_prefix is None:
            return server.url(self.mock_path)
        return f"{server.origin}{self.mock_prefix}{self.mock_path}"


class MockClient:
    """The mock's API and control API over one keep-alive connection."""

    def __init__(self, server: Server, token: str) -> None:
        self.api = httpx.Client(base_url=server.url(""), headers={"Authorization": f"Bearer {token}"}, timeout=120)
        self.ledgers = f"{server.origin}/api/ledger/v2"  # another API of the stack, same token (an absolute URL)
        self.control = httpx.Client(base_url=f"{server.origin}/_mock", timeout=300)

    def close(self) -> None:
        self.api.close()
        self.control.close()

    def create_workflow(self, name: str, stages: list[dict[str, Any]]) -> str:
        response = self.api.post("/workflows", json={"name": name, "stages": stages})
        _expect(response, 201)
        return str(response.json()["data"]["id"])

    def create_ledger(self, name: str) -> None:
        _expect(self.api.post(f"{self.ledgers}/{name}"), 204)

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

    def page(self, path: str) -> dict[str, Any]:
        """A v2 list's `cursor` object: pageSize, hasMore, next/previous, data."""
        response = self.api.get(path)
        _expect(response, 200)
        return dict(response.json()["cursor"])


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


def seed_workflows(client: MockClient, total: int, chunk: int = FIXTURE_CHUNK) -> None:
    """One-stage workflows loaded as fixtures until the store holds `total`."""
    missing = total - client.state()["workflows"]
    for start in range(0, missing, chunk):
        size = min(chunk, missing - start)
        client.load_fixture(
            {"workflows": [{"name": f"bench-stored-{start + n}", "stages": [{"noop": {}}]} for n in range(size)]}
        )


def check_v2_page(client: MockClient, path: str, size: int) -> None:
    page = client.page(path)
    if len(page["data"]) != size or not page["hasMore"]:
        raise RuntimeError(f"expected a first page of {size} with more after it from {path}, got {page}")


def seed_mock(client: MockClient) -> dict[str, str]:
    """Create what the mock scenarios read; return the ids they need."""
    ids: dict[str, str] = {}
    # As on the real stack, a send books on a ledger that exists: without it every run would retry
    # forever, stay running, and swell the running-instances scenario with the load's runs.
    client.create_ledger("default")
    ids["workflow"] = client.create_workflow("bench-read", [SEND_STAGE])
    ids["send_workflow"] = client.create_workflow("bench-send", [SEND_STAGE])
    noop = client.create_workflow("bench-noop", [{"noop": {}}])
    ids["trigger"] = client.create_trigger(TRIGGER_EVENT, noop)
    for n in range(OCCURRENCES):
        client.publish(TRIGGER_EVENT, {"n": n})
    waiting = client.create_workflow("bench-wait", [{"wait_event": {"event": "never"}}])
    seed_running(client, waiting, RUNNING_INSTANCES)
    seed_workflows(client, STORED_WORKFLOWS)
    stored = client.state()["workflows"]
    if stored != STORED_WORKFLOWS:
        raise RuntimeError(f"expected {STORED_WORKFLOWS} workflows, the mock stores {stored}")
    check_v2_page(client, "/v2/workflows", V2_PAGE_SIZE)
    check_v2_page(client, f"/v2/triggers/{ids['trigger']}/occurrences", V2_PAGE_SIZE)
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
        # Before POST /workflows, so that the store holds STORED_WORKFLOWS while the page is read.
        Scenario(
            "v2_workflows",
            f"GET /v2/workflows ({V2_PAGE_SIZE} of {STORED_WORKFLOWS // 1000}k)",
            "GET",
            "/v2/workflows",
            "/v2/workflows",
            None,
            200,
            True,
            "v2",
        ),
        Scenario(
            "v2_occurrences",
            f"GET /v2/triggers/{{id}}/occurrences ({V2_PAGE_SIZE} of {OCCURRENCES})",
            "GET",
            f"/v2/triggers/{ids['trigger']}/occurrences",
            "/v2/triggers/xxx/occurrences",
            None,
            200,
            True,
            "v2",
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
