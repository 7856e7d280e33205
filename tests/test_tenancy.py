"""--tenancy client: every OAuth client id has its own state; control calls pick theirs with X-Mock-Tenant."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, Api, RunningMock, running_mock

WAIT = {"name": "w", "stages": [{"wait_event": {"event": "go"}}]}


def _token(url: str, client: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client, "client_secret": "x"}
    if scope:
        form["scope"] = scope
    return httpx.post(url + "/api/auth/oauth/token", data=form).json()["access_token"]


def _api(mock: RunningMock, client: str) -> Api:
    return Api(mock.api, _token(mock.url, client))


def _control(mock: RunningMock, tenant: str | None) -> httpx.Client:
    headers = {"X-Mock-Tenant": tenant} if tenant else {}
    return httpx.Client(base_url=mock.url + "/_mock", headers=headers, timeout=10)


@pytest.fixture(scope="module")
def tenanted() -> Iterator[RunningMock]:
    with running_mock(
        "--clock", "manual", "--seed", "5", "--tenancy", "client", "--fixtures", "fixtures/demo.yaml"
    ) as mock:
        yield mock


def _ids(api: Api, path: str) -> set[str]:
    body = api.get(path).json()
    items = body["cursor"]["data"] if "cursor" in body else body["data"]
    return {item["id"] for item in items}


def test_each_client_sees_only_its_own_state(tenanted: RunningMock) -> None:
    alice, bob = _api(tenanted, "alice-1"), _api(tenanted, "bob-1")
    demo = _ids(alice, "/workflows")
    assert demo and _ids(bob, "/workflows") == demo  # each tenant starts with the start-up fixtures
    mine = alice.post("/workflows", json=WAIT).json()["data"]["id"]
    assert mine in _ids(alice, "/workflows") and mine in _ids(alice, "/v2/workflows")
    assert mine not in _ids(bob, "/workflows") | _ids(bob, "/v2/workflows")
    assert bob.get(f"/workflows/{mine}").status_code == 404
    run = alice.post(f"/workflows/{mine}/instances", json={}).json()["data"]["id"]
    assert run not in _ids(bob, "/instances")
    assert bob.post(f"/instances/{run}/events", json={"name": "go"}).status_code == 404


def test_control_calls_choose_their_tenant_and_a_reset_resets_only_it(tenanted: RunningMock) -> None:
    carol, dave = _api(tenanted, "carol-2"), _api(tenanted, "dave-2")
    kept = carol.post("/workflows", json=WAIT).json()["data"]["id"]
    gone = dave.post("/workflows", json=WAIT).json()["data"]["id"]
    with _control(tenanted, "dave-2") as control:
        control.post("/clock/advance", json={"seconds": 3600}).raise_for_status()
        assert control.post("/reset").status_code == 204
    assert gone not in _ids(dave, "/workflows") and kept in _ids(carol, "/workflows")
    with _control(tenanted, "carol-2") as control, _control(tenanted, None) as default:
        assert control.get("/clock").json()["data"]["now"] == default.get("/clock").json()["data"]["now"]
        assert kept in control.get("/ui/state.json").text and kept not in default.get("/ui/state.json").text


def test_fault_rules_and_the_journal_belong_to_a_tenant(tenanted: RunningMock) -> None:
    erin, frank = _api(tenanted, "erin-3"), _api(tenanted, "frank-3")
    with _control(tenanted, "erin-3") as control:
        control.post("/faults", json={"operationId": "listWorkflows", "status": 503}).raise_for_status()
        assert erin.get("/workflows").status_code == 503
        assert frank.get("/workflows").status_code == 200
        assert [e["operationId"] for e in control.get("/requests").json()["data"]] == ["listWorkflows"]


def test_thirty_two_tenants_at_once_never_see_each_other(tenanted: RunningMock) -> None:
    def drive(number: int) -> list[str]:
        api = _api(tenanted, f"load-{number}")
        baseline = _ids(api, "/workflows")
        mine = set()
        leaks = []
        for _ in range(5):
            flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
            mine.add(flow)
            api.post(f"/v2/workflows/{flow}/instances", json={})
            for path in ("/workflows", "/v2/workflows", "/instances", "/v2/instances"):
                body = api.get(path).json()
                items = body["cursor"]["data"] if "cursor" in body else body["data"]
                if path.endswith("workflows") and {w["id"] for w in items} != baseline | mine:
                    leaks.append(f"{path}: {sorted({w['id'] for w in items} - baseline - mine)}")
                if path.endswith("instances"):
                    leaks += [f"{path}: instance of {o}" for o in {i["workflowID"] for i in items} - baseline - mine]
        return leaks

    with ThreadPoolExecutor(max_workers=32) as pool:
        leaks = [leak for found in pool.map(drive, range(32)) for leak in found]
    assert leaks == []


@pytest.mark.parametrize("tenant", ["x" * 65, "has space", "tab\there"])
def test_a_bad_tenant_header_is_a_400(tenanted: RunningMock, tenant: str) -> None:
    reply = httpx.get(tenanted.url + "/_mock/state", headers={"X-Mock-Tenant": tenant})
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"


def test_the_inspector_shows_the_chosen_tenant_with_a_picker(tenanted: RunningMock) -> None:
    flow = _api(tenanted, "gina-4").post("/workflows", json={**WAIT, "name": "gina-flow"}).json()["data"]["id"]
    page = httpx.get(tenanted.url + "/_mock/ui/", params={"tenant": "gina-4"}).text
    assert "gina-flow" in page and '<option value="gina-4" selected>' in page
    assert "gina-flow" not in httpx.get(tenanted.url + "/_mock/ui/").text
    state = httpx.get(tenanted.url + "/_mock/ui/state.json", params={"tenant": "gina-4"}).json()["data"]
    assert flow in {w["id"] for w in state["workflows"]} and "gina-4" in state["tenancy"]["tenants"]


def test_idle_tenants_are_dropped() -> None:
    with running_mock("--clock", "manual", "--tenancy", "client", "--tenant-ttl", "0.5") as mock:
        api = _api(mock, "idle-1")
        flow = api.post("/workflows", json=WAIT).json()["data"]["id"]
        time.sleep(1.2)  # the sweep runs every ttl/4
        assert flow not in _ids(api, "/workflows")  # a fresh tenant for the same client


def test_the_state_file_keeps_every_tenant(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    args = ("--clock", "manual", "--tenancy", "client", "--state-file", str(state))
    with running_mock(*args) as first:
        one = _api(first, "keep-1").post("/workflows", json=WAIT).json()["data"]["id"]
        two = _api(first, "keep/2").post("/workflows", json=WAIT).json()["data"]["id"]
    with running_mock(*args) as second:
        assert _ids(_api(second, "keep-1"), "/workflows") == {one}
        assert _ids(_api(second, "keep/2"), "/workflows") == {two}
        assert _ids(_api(second, "someone-else"), "/workflows") == set()


def test_the_pytest_fixture_gives_each_test_its_own_tenant(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        'pytest_plugins = ["mockserver.testing"]\n\n'
        "@pytest.fixture(scope='session')\n"
        "def orchestration_mock_options():\n"
        "    return {'tenancy': 'client'}\n"
    )
    body = (
        "import httpx\n\n"
        "def _create(mock):\n"
        "    headers = {'Authorization': f'Bearer {mock.token}'}\n"
        "    httpx.post(mock.base_url + '/workflows', json={'stages': []}, headers=headers).raise_for_status()\n"
        "    return httpx.get(mock.base_url + '/workflows', headers=headers).json()['data']\n\n"
    )
    tests = "".join(
        f"def test_{n}(orchestration_mock):\n    assert len(_create(orchestration_mock)) == 1\n\n" for n in range(3)
    )
    (tmp_path / "test_isolated.py").write_text(body + tests)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
