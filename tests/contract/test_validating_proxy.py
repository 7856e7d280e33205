"""`orchestration-contract proxy` against real servers on 127.0.0.1: the official SDK through it in front of
the spec-mode mock finds nothing; in front of `--quirks real` and of faulty servers it finds what is wrong;
hostile input never gets a 5xx of its own; the exit code says whether anything unaccepted was seen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from contract_tests.proxy.cli import main as proxy_main
from tests.contract.faults import FAULTS
from tests.contract.proxy import RunningProxy
from tests.robustness.corpus import CORPUS
from tests.robustness.hostile import CONTENT_TYPES, EXTRA_HEADERS, HOSTILE_SEGMENTS
from tests.robustness.rawhttp import RawClient, chunked, encode_request
from tests.support import (
    MISSING_ID,
    PREFIX,
    ROOT,
    SEND_STAGE,
    WAIT_STAGE,
    RunningMock,
    free_port,
    token_for,
    wait_until_answers,
)


@dataclass
class Validating:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    report: Path
    junit: Path

    @property
    def api(self) -> str:
        return self.url + PREFIX

    def violations(self) -> list[dict[str, Any]]:
        reply = httpx.get(self.url + "/_proxy/violations", timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def reset(self) -> None:
        assert httpx.post(self.url + "/_proxy/reset", timeout=10).status_code == 204

    def stop(self) -> int:
        """SIGTERM, as a supervisor would stop it; the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)

    def read_report(self) -> dict[str, Any]:
        return json.loads(self.report.read_text())


@contextmanager
def validating(upstream: str, *args: str) -> Iterator[Validating]:
    """`python -m contract_tests proxy` on a free port in front of `upstream`, run from this checkout."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="vproxy-"))
    report, junit, log = folder / "report.json", folder / "junit.xml", folder / "stderr.log"
    command = [sys.executable, "-m", "contract_tests", "proxy", "--upstream", upstream, "--port", str(port)]
    command += ["--report", str(report), "--junit-xml", str(junit), *args]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, env=dict(os.environ))
    running = Validating(f"http://127.0.0.1:{port}", process, log, report, junit)
    try:
        wait_until_answers(process, running.url + "/_proxy/violations", log, timeout=30)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def reset_all(mock: RunningMock, proxy: Validating) -> None:
    httpx.post(mock.url + "/_mock/reset", timeout=10).raise_for_status()
    proxy.reset()


@pytest.fixture(scope="module")
def spec_proxy(mock_server: RunningMock) -> Iterator[Validating]:
    with validating(mock_server.url) as running:
        yield running


@pytest.fixture
def sdk(spec_proxy: Validating, mock_server: RunningMock) -> Iterator[SDK]:
    reset_all(mock_server, spec_proxy)
    security = shared.Security(client_id="sdk", client_secret="s")
    with SDK(server_url=spec_proxy.url, security=security) as client:
        yield client


def publish(proxy: Validating, event: str, payload: dict[str, Any]) -> None:
    # Through the proxy too: the mock's control API is forwarded unchecked, like any path outside the specs.
    reply = httpx.post(proxy.url + "/_mock/events", json={"type": event, "payload": payload}, timeout=10)
    assert reply.status_code == 202, reply.text


def test_the_sdk_drives_every_v1_operation_and_nothing_is_found(sdk: SDK, spec_proxy: Validating) -> None:
    v1 = sdk.orchestration.v1
    v1.get_server_info_orchestration()
    flow = v1.create_workflow(
        request={"name": "sdk", "stages": [SEND_STAGE, WAIT_STAGE]}
    ).create_workflow_response.data.id
    v1.get_workflow(request={"flow_id": flow})
    v1.list_workflows()
    run = v1.run_workflow(request={"workflow_id": flow, "request_body": {"amount": "100", "order": "o-1"}})
    instance = run.run_workflow_response.data.id
    v1.list_instances(request={"workflow_id": flow, "running": True})
    v1.get_instance(request={"instance_id": instance})
    v1.get_instance_history(request={"instance_id": instance})
    v1.get_instance_stage_history(request={"instance_id": instance, "number": 0})
    v1.send_event(request={"instance_id": instance, "request_body": {"name": "go"}})
    assert v1.get_instance(request={"instance_id": instance}).get_workflow_instance_response.data.terminated
    trigger = v1.create_trigger(
        request={"event": "SAVED_PAYMENT", "workflow_id": flow, "vars": {"amount": "event.amount", "order": "event.id"}}
    ).create_trigger_response.data.id
    v1.read_trigger(request={"trigger_id": trigger})
    v1.list_triggers(request={})
    publish(spec_proxy, "SAVED_PAYMENT", {"id": "pay_1", "amount": 250})
    occurrences = v1.list_triggers_occurrences(request={"trigger_id": trigger}).list_triggers_occurrences_response
    started = occurrences.data[0].workflow_instance_id
    v1.get_instance(request={"instance_id": started})
    v1.cancel_event(request={"instance_id": started})
    v1.get_instance(request={"instance_id": started})
    v1.list_triggers_occurrences(request={"trigger_id": trigger})
    v1.list_instances(request={})
    v1.delete_trigger(request={"trigger_id": trigger})
    v1.list_triggers(request={})
    v1.delete_workflow(request={"flow_id": flow})
    v1.list_workflows()
    assert spec_proxy.violations() == []


def test_the_sdk_drives_every_v2_operation_and_nothing_is_found(sdk: SDK, spec_proxy: Validating) -> None:
    v2 = sdk.orchestration.v2
    v2.get_server_info()
    flow = v2.create_workflow(
        request={"name": "sdk", "stages": [SEND_STAGE, WAIT_STAGE]}
    ).v2_create_workflow_response.data.id
    other = v2.create_workflow(request={"stages": [WAIT_STAGE]}).v2_create_workflow_response.data.id
    v2.get_workflow(request={"flow_id": flow})
    body = {"amount": "100", "order": "o-1"}
    first = v2.run_workflow(request={"workflow_id": flow, "request_body": body}).v2_run_workflow_response.data.id
    second = v2.run_workflow(request={"workflow_id": other}).v2_run_workflow_response.data.id
    page = v2.list_workflows(request={"page_size": 1}).v2_list_workflows_response.cursor
    v2.list_workflows(request={"cursor": page.next})
    v2.list_instances(request={"workflow_id": flow})
    v2.list_instances(request={"running": True})
    v2.get_instance(request={"instance_id": first})
    v2.get_instance_history(request={"instance_id": first})
    v2.get_instance_stage_history(request={"instance_id": first, "number": 0})
    v2.send_event(request={"instance_id": first, "request_body": {"name": "go"}})
    v2.cancel_event(request={"instance_id": second})
    v2.get_instance(request={"instance_id": second})
    trigger = v2.create_trigger(
        request={"name": "big", "event": "SAVED_PAYMENT", "workflow_id": flow, "filter_": "event.amount > 100"}
    ).v2_create_trigger_response.data.id
    v2.read_trigger(request={"trigger_id": trigger})
    v2.list_triggers(request={"name": "BIG"})
    v2.test_trigger(request={"trigger_id": trigger, "request_body": {"id": "pay_1", "amount": 500}})
    publish(spec_proxy, "SAVED_PAYMENT", {"id": "pay_1", "amount": 500})
    v2.list_triggers_occurrences(request={"trigger_id": trigger})
    v2.delete_trigger(request={"trigger_id": trigger})
    v2.delete_workflow(request={"flow_id": other})
    v2.list_workflows(request={})
    v2.list_instances(request={})
    assert spec_proxy.violations() == []


def test_an_invalid_request_is_a_client_bug_still_forwarded_and_reset_forgets_it(
    spec_proxy: Validating, mock_server: RunningMock
) -> None:
    reset_all(mock_server, spec_proxy)
    headers = {"Authorization": f"Bearer {token_for(spec_proxy.url)}"}
    with httpx.Client(base_url=spec_proxy.api, headers=headers, timeout=10) as client:
        flow = client.post("/workflows", json={"stages": [WAIT_STAGE]}).json()["data"]["id"]
        trigger = client.post("/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
        assert client.delete(f"/triggers/{trigger}").status_code == 204
        assert client.get(f"/triggers/{trigger}").headers["x-contract-violations"] == "0"  # gone, as it should be
        bad = client.post("/workflows", content=b'{"stages": 5}', headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.headers["x-contract-violations"] == "1"
    [found] = spec_proxy.violations()
    assert found["check"] == "request_conforms" and found["operationId"] == "createWorkflow"
    assert found["curl"].startswith("curl ") and found["count"] == 1 and found["status"] == 400
    spec_proxy.reset()
    assert spec_proxy.violations() == []


@pytest.fixture
def real_traffic(real_server: RunningMock) -> Iterator[tuple[RunningMock, httpx.Client]]:
    httpx.post(real_server.url + "/_mock/reset", timeout=10).raise_for_status()
    yield real_server, httpx.Client(timeout=10)


def drive_real(proxy: Validating) -> None:
    """What a client meets on the real service: unknown ids answer 500, a read-only token on a write an empty
    401 (a valid request each time: a request without a token would be the client's bug, `request_conforms`)."""
    headers = {"Authorization": f"Bearer {token_for(proxy.url)}"}
    with httpx.Client(base_url=proxy.api, headers=headers, timeout=10) as client:
        flow = client.post("/workflows", json={"stages": [WAIT_STAGE]}).json()["data"]["id"]
        assert client.get(f"/workflows/{flow}").status_code == 200
        unknown = client.get(f"/instances/{MISSING_ID}")
        assert unknown.status_code == 500 and int(unknown.headers["x-contract-violations"]) >= 1
        assert client.get(f"/workflows/{MISSING_ID}").status_code == 500
    read_only = {"Authorization": f"Bearer {token_for(proxy.url, 'orchestration:read')}"}
    refused = httpx.post(proxy.api + "/workflows", json={"stages": [WAIT_STAGE]}, headers=read_only, timeout=10)
    assert refused.status_code == 401 and refused.content == b""


def test_in_front_of_the_real_service_its_deviations_are_found_each_with_a_curl(real_server: RunningMock) -> None:
    httpx.post(real_server.url + "/_mock/reset", timeout=10).raise_for_status()
    with validating(real_server.url) as proxy:
        drive_real(proxy)
        found = proxy.violations()
        assert proxy.stop() == 1
        report = proxy.read_report()
    seen = {(f["check"], f["operationId"], f["status"]) for f in found}
    assert ("not_a_server_error", "getInstance", 500) in seen
    assert ("not_a_server_error", "getWorkflow", 500) in seen
    assert any(f["check"] == "error_body" and f["status"] == 401 for f in found)
    assert all(f["curl"].startswith(f"curl -sS -i -X GET {real_server.url}") for f in found if f["status"] == 500)
    assert len(report["violations"]) == len(found) and report["exit_code"] == 1 and report["errors"] == []
    assert "<failure" in proxy.junit.read_text()
    lines = [line for line in proxy.log.read_text().splitlines() if line.startswith("contract violation")]
    assert any("[not_a_server_error] getInstance 500" in line and "reproduce: curl" in line for line in lines)


def test_the_real_service_allow_list_accepts_its_deviations_and_the_exit_code_is_0(real_server: RunningMock) -> None:
    httpx.post(real_server.url + "/_mock/reset", timeout=10).raise_for_status()
    with validating(real_server.url, "--allow-deviations", "real-service") as proxy:
        drive_real(proxy)
        found = proxy.violations()
        assert proxy.stop() == 0
    assert found and all(f["accepted"] for f in found)
    assert proxy.read_report()["violations"] == []


def _fault(name: str) -> Any:
    return next(f for f in FAULTS if f.name == name)


@pytest.fixture(scope="module")
def faulty(proxy: RunningProxy) -> Iterator[Validating]:
    with validating(proxy.url) as running:
        yield running


def drive_everything(proxy: Validating) -> None:
    """A client's day: create, read, run, finish, signal again, trigger, list, delete, read again."""
    headers = {"Authorization": f"Bearer {token_for(proxy.url)}"}
    with httpx.Client(base_url=proxy.api, headers=headers, timeout=10) as client:
        flow = client.post("/workflows", json={"name": "f", "stages": [WAIT_STAGE]}).json()["data"]["id"]
        client.get(f"/workflows/{flow}")
        instance = client.post(f"/workflows/{flow}/instances", json={}).json()["data"]["id"]
        client.post(f"/instances/{instance}/events", json={"name": "go"})
        client.get(f"/instances/{instance}")
        client.post(f"/instances/{instance}/events", json={"name": "go"})
        trigger = client.post("/triggers", json={"event": "E", "workflowID": flow}).json()["data"]["id"]
        client.post("/triggers", json={"event": "E", "workflowID": flow})
        publish(proxy, "E", {"id": "e-1"})
        started = client.get(f"/triggers/{trigger}/occurrences").json()["data"][0]["workflowInstanceID"]
        client.post(f"/instances/{started}/events", json={"name": "go"})
        client.get(f"/instances/{started}")
        client.get(f"/triggers/{trigger}/occurrences")
        client.get("/triggers")
        client.delete(f"/triggers/{trigger}")
        client.get(f"/triggers/{trigger}")
        client.delete(f"/workflows/{flow}")
        client.get("/workflows")


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("duplicate_ids", "unique_ids"),
        ("config_changed_on_read", "read_matches_created"),
        ("deleted_trigger_readable", "deleted_resource_not_found"),
        ("deleted_workflow_listed", "list_excludes_deleted"),
        ("event_to_terminated_accepted", "event_to_finished_rejected"),
        ("embedded_instance_stale", "instance_stays_terminated"),
        ("wrong_content_type", "content_type_conformance"),
    ],
)
def test_a_faulty_server_is_caught(
    fault: str, check: str, faulty: Validating, proxy: RunningProxy, mock_server: RunningMock
) -> None:
    reset_all(mock_server, faulty)
    proxy.use(_fault(fault))
    try:
        drive_everything(faulty)
    finally:
        proxy.use(None)
    assert check in {f["check"] for f in faulty.violations()}


def test_the_fault_free_day_finds_nothing(faulty: Validating, proxy: RunningProxy, mock_server: RunningMock) -> None:
    reset_all(mock_server, faulty)
    drive_everything(faulty)
    assert faulty.violations() == []


def hostile_requests(workflow: str) -> Iterator[tuple[str, str, bytes, str | None]]:
    """(method, target, body, content type): the robustness corpus, then hostile path segments and bodies."""
    for entry in CORPUS:
        yield entry.method, entry.path.replace("{api}", PREFIX), entry.body, entry.content_type
    for segment in HOSTILE_SEGMENTS:
        yield "GET", f"{PREFIX}/workflows/{segment}", b"", None
        yield "POST", f"{PREFIX}/workflows/{segment}/instances", b"{", "application/json"
        yield "GET", f"{PREFIX}/instances/{segment}/stages/{segment}/history", b"", None
    for body in (b"\xff\xfe", b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b"null"):
        yield "POST", f"{PREFIX}/workflows", body, "application/json"
        yield "POST", f"{PREFIX}/workflows/{workflow}/instances", body, "text/plain"
    yield "GET", f"{PREFIX}/triggers?name=%ff&name=&pageSize=-1", b"", None
    yield "GET", f"{PREFIX}/v2/workflows?cursor=%%%&pageSize=1e400", b"", None


def hostile_framing(host: str, token: str) -> Iterator[bytes]:
    """Whole requests as bytes: odd content types, odd headers, chunked bodies, no token, doubled headers."""
    auth = ("Authorization", f"Bearer {token}")
    body = b'{"stages": []}'
    for content_type in CONTENT_TYPES:
        headers = [auth, *([("Content-Type", content_type)] if content_type is not None else [])]
        yield encode_request("POST", f"{PREFIX}/workflows", host=host, headers=headers, body=body)
    for header in EXTRA_HEADERS:
        yield encode_request("GET", f"{PREFIX}/workflows", host=host, headers=[auth, header])
    framing = [auth, ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]
    yield encode_request(
        "POST",
        f"{PREFIX}/workflows",
        host=host,
        headers=framing,
        body=chunked([body[:5], body[5:]]),
        content_length=False,
    )
    doubled = [auth, ("Content-Type", "application/json"), ("Content-Type", "text/plain")]
    yield encode_request("POST", f"{PREFIX}/workflows", host=host, headers=doubled, body=body)
    yield encode_request("GET", f"{PREFIX}/workflows", host=host)  # no token: the client's bug, not a 5xx
    yield encode_request("DELETE", f"{PREFIX}/v2/triggers/{MISSING_ID}", host=host, headers=[auth, auth])


def test_hostile_input_never_gets_a_5xx_of_the_proxys_own(mock_server: RunningMock) -> None:
    httpx.post(mock_server.url + "/_mock/reset", timeout=10).raise_for_status()
    token = token_for(mock_server.url)
    created = httpx.post(
        mock_server.api + "/workflows", headers={"Authorization": f"Bearer {token}"}, json={"stages": [WAIT_STAGE]}
    )
    with validating(mock_server.url) as proxy:
        host, port = proxy.url.removeprefix("http://").split(":")
        with RawClient(host, int(port), timeout=20) as raw:
            for method, target, body, content_type in hostile_requests(created.json()["data"]["id"]):
                headers = [("Authorization", f"Bearer {token}")]
                headers += [("Content-Type", content_type)] if content_type else []
                reply = raw.request(method, target, headers=headers, body=body or None)
                assert reply.status < 500, (method, target[:80], reply.status, reply.body[:200])
                assert reply.header("x-contract-violations").isdigit()
            for request in hostile_framing(f"{host}:{port}", token):
                reply = raw.send(request)
                assert reply.status < 500, (request[:120], reply.status, reply.body[:200])
        assert proxy.violations()  # the invalid requests were reported as the client's bugs
        assert proxy.stop() == 1
        assert proxy.read_report()["errors"] == []  # and no check, model or forward crashed on any of it


def test_upstream_down_answers_502_in_the_error_shape_and_the_proxy_keeps_running() -> None:
    with validating(f"http://127.0.0.1:{free_port()}") as proxy:
        for _ in range(2):
            reply = httpx.get(proxy.api + "/workflows", timeout=10)
            assert reply.status_code == 502
            assert reply.json()["errorCode"] == "INTERNAL" and reply.json()["errorMessage"]
        assert proxy.violations() == []
        assert proxy.stop() == 0  # SIGTERM with nothing found: exit 0, both reports written
    assert proxy.read_report()["exit_code"] == 0
    assert proxy.junit.read_text().startswith("<?xml")


def test_bad_arguments_and_a_taken_port_exit_2(mock_server: RunningMock) -> None:
    taken = mock_server.url.rsplit(":", 1)[1]
    assert proxy_main(["--upstream", "ftp://nowhere"]) == 2
    assert proxy_main(["--upstream", mock_server.url, "--allow-deviations", "no-such-list.yaml"]) == 2
    assert proxy_main(["--upstream", mock_server.url, "--port", taken]) == 2


def test_help_documents_every_option() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "contract_tests", "proxy", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--upstream", "--host", "--port", "--api", "--report", "--junit-xml", "--allow-deviations"):
        assert option in shown
