"""`orchestration-contract diff`: two mocks of one behaviour (other seeds, so other ids) are the same; a fault
rule or the real service's quirks on one side are named with the operation, both statuses and a curl each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_tests.cli import main
from contract_tests.diff.correspondence import Correspondence
from tests.contract.conftest import reset
from tests.support import LEDGERS, RunningMock, running_mock

CREDENTIALS = ["--client-id", "contract-tests", "--client-secret", "secret"]
QUICK = ["--max-examples", "2", "--seed", "3"]


@pytest.fixture(scope="module")
def twin_server() -> Iterator[RunningMock]:
    """The spec-mode mock again, with another seed: every id it makes differs from `mock_server`'s."""
    with running_mock("--clock", "manual", "--seed", "8", "--fixtures", str(LEDGERS)) as server:
        yield server


def diff(a: RunningMock, b: RunningMock, *extra: str) -> int:
    for server in (a, b):
        reset(server)
    return main(["diff", "--base-url", a.api, "--against", b.api, *QUICK, *extra])


def test_the_mock_against_itself_is_the_same(
    mock_server: RunningMock, twin_server: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "diff.json"
    assert diff(mock_server, twin_server, *CREDENTIALS, "--report", str(report)) == 0, capsys.readouterr().out
    assert "SAME" in capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["exit_code"] == 0 and data["differences"] == [] and data["compared"] > 50
    assert data["operations"]["runWorkflow"] > 0 and data["operations"]["getInstance"] > 0
    # Every request reached both sides (the generated cases too: each goes to A, then to B).
    assert _requests_received(mock_server) == _requests_received(twin_server) > data["compared"]


def _requests_received(server: RunningMock) -> int:
    """How many API requests the server journalled since its reset (the latest entry's sequence number)."""
    latest = httpx.get(server.url + "/_mock/requests", params={"limit": 1}, timeout=10).json()["data"]
    return int(latest[0]["seq"]) if latest else 0


def test_a_fault_on_one_side_is_named(
    mock_server: RunningMock, twin_server: RunningMock, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = {"operationId": "listTriggers", "status": 503}
    try:
        for server in (mock_server, twin_server):
            reset(server)
        httpx.post(twin_server.url + "/_mock/faults", json=rule, timeout=10).raise_for_status()
        code = main(["diff", "--base-url", mock_server.api, "--against", twin_server.api, *QUICK, *CREDENTIALS])
    finally:
        httpx.delete(twin_server.url + "/_mock/faults", timeout=10)
    out = capsys.readouterr().out
    assert code == 1, out[-3000:]
    assert "listTriggers: status 200 on A, 503 on B" in out
    assert f"A: curl -sS -i -X GET {mock_server.api}/triggers" in out
    assert f"B: curl -sS -i -X GET {twin_server.api}/triggers" in out
    # Only the faulty operation differs: every other answer corresponded.
    headlines = [line for line in out.splitlines() if line[:1].isdigit() and ". " in line]
    assert headlines and all("listTriggers" in line for line in headlines), headlines


def test_the_real_service_quirks_are_named(
    mock_server: RunningMock, real_server: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "diff.json"
    assert diff(mock_server, real_server, *CREDENTIALS, "--report", str(report)) == 1
    out = capsys.readouterr().out
    assert "getWorkflow: status 404 on A, 500 on B" in out
    assert 'errorCode: A "NOT_FOUND"  B "INTERNAL"' in out
    differences = json.loads(report.read_text())["differences"]
    unknown = next(d for d in differences if d["operation"] == "getWorkflow" and d["status_b"] == 500)
    assert {"path": "errorCode", "a": "NOT_FOUND", "b": "INTERNAL", "note": "differs"} in unknown["fields"]
    assert unknown["curl_a"].startswith("curl ") and unknown["curl_b"].startswith("curl ")


def test_without_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    common = ("--auth", "off", "--clock", "manual", "--fixtures", str(LEDGERS))
    with running_mock("--seed", "1", *common) as a, running_mock("--seed", "2", *common) as b:
        assert main(["diff", "--base-url", a.api, "--against", b.api, *QUICK, "--api", "v2"]) == 0
    assert "SAME" in capsys.readouterr().out


def test_an_unreachable_side_exits_2(mock_server: RunningMock, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "--base-url", mock_server.api, "--against", "http://127.0.0.1:9/api", *CREDENTIALS])
    assert code == 2 and "unreachable" in capsys.readouterr().err


def test_correspondence() -> None:
    match = Correspondence()
    assert match.compare({"data": {"id": "wf-a-0001", "createdAt": "2024-01-01T00:00:00Z"}},
                         {"data": {"id": "wf-b-0001", "createdAt": "2025-06-01T10:00:00Z"}}) == []  # fmt: skip
    # A's first id is B's first id from now on, in requests and in answers.
    assert match.translate({"workflowID": "wf-a-0001", "amount": 1}) == {"workflowID": "wf-b-0001", "amount": 1}
    assert match.compare({"workflowID": "wf-a-0001"}, {"workflowID": "wf-b-0001"}) == []
    broken = match.compare({"workflowID": "wf-a-0001"}, {"workflowID": "wf-b-0002"})
    assert [(d.path, d.a, d.b) for d in broken] == [("workflowID", "wf-a-0001", "wf-b-0002")]
    assert "stood for" in broken[0].note
    # One B id cannot stand for two A ids; literal fields are compared as they are.
    assert match.compare({"id": "a9"}, {"id": "wf-b-0001"})[0].note.startswith("B's 'wf-b-0001' stood for")
    assert [d.path for d in match.compare({"name": "x", "n": [1, 2]}, {"name": "y", "n": [1]})] == ["name", "n"]
    assert match.translate_text("workflow wf-a-0001 not found") == "workflow wf-b-0001 not found"
