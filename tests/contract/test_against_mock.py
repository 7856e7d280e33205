"""The suite against the project's own mock: spec mode conforms (fast, deterministic), real mode does not,
and the report names the real service's known deviations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_tests.core.config import Config
from contract_tests.runner import run
from tests.contract.conftest import reset, run_suite
from tests.support import RunningMock


@pytest.mark.slow
def test_the_mock_conforms_with_default_settings(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run(Config(base_url=mock_server.api, client_id="contract-tests", client_secret="secret", seed=1))
    assert report.exit_code == 0, report.summary()
    # Its speed (under 60 s by default) is measured by benchmarks/contract_speed.py, not asserted here.
    assert sum(s.requests for s in report.results.operations.values()) > 300
    assert {"auth", "invariants", "model", "stateful", "conformance", "coverage"} == set(report.results.phases)
    # Every status v1 declares is answered by the default run (the coverage phase probes what the others miss).
    assert report.results.coverage.missing == [], report.results.coverage.missing


def test_a_seeded_run_is_deterministic(mock_server: RunningMock) -> None:
    outcomes = []
    for _ in range(2):
        reset(mock_server)
        report = run_suite(mock_server.api, seed=3)
        requests = {name: stats.requests for name, stats in report.results.operations.items()}
        outcomes.append((sorted(report.results.failures), requests))
    assert outcomes[0] == outcomes[1]


# A local module full of literals: Hypothesis mixes those of every local module a process has imported
# into what it draws, so a run inside a bigger pytest session (or next to a vendor's own code) saw them.
# Fewer than 1024: Hypothesis skips a module with more.
_LITERALS = [f"vendor-{n}" for n in range(500)] + [7919 * n for n in range(1, 400)]


def _findings_in_a_new_process(mock: RunningMock, tmp_path: Path, *, extra_import: bool) -> dict[str, Any]:
    """The CLI in a process of its own (a fresh validator, a fresh nonce), after importing a local module."""
    where = tmp_path / ("with" if extra_import else "without")
    where.mkdir()
    (where / "vendor_code.py").write_text("".join(f"WORD_{i} = {text!r}\n" for i, text in enumerate(_LITERALS)))
    report = where / "report.json"
    argv = ["--base-url", mock.api, "--client-id", "a", "--client-secret", "b", "--max-examples", "3"]
    argv += ["--poll-timeout", "0.05", "--phases", "invariants,stateful,conformance", "--report", str(report)]
    prelude = "import vendor_code; " if extra_import else ""
    script = f"import sys; {prelude}from contract_tests.cli import main; sys.exit(main(sys.argv[1:]))"
    reset(mock)
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=where, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(report.read_text())
    return {"failures": sorted(f["key"] for f in data["failures"]), "requests": data["operations"]}


@pytest.mark.slow
def test_the_seed_alone_decides_the_findings(real_server: RunningMock, tmp_path: Path) -> None:
    """Two processes, one of which imported other local code first: the same requests per operation and the
    same findings, each answer's schema errors included (the validator finds them in an order of its own)."""
    plain = _findings_in_a_new_process(real_server, tmp_path, extra_import=False)
    beside_other_code = _findings_in_a_new_process(real_server, tmp_path, extra_import=True)
    assert any("response_schema_conformance|getInstanceStageHistory|200" in key for key in plain["failures"])
    assert plain == beside_other_code


@pytest.fixture(scope="module")
def real_report(real_server: RunningMock):
    reset(real_server)
    return run_suite(real_server.api, phases=("auth", "invariants", "model", "stateful"))


def test_the_real_quirks_fail_the_suite(real_report) -> None:
    assert real_report.exit_code == 1


@pytest.mark.parametrize(
    ("check", "operation", "deviation"),
    [
        ("unknown_resource_not_found", "getWorkflow", "500 INTERNAL for an unknown workflow"),
        ("unknown_resource_not_found", "getInstance", "500 INTERNAL for an unknown instance"),
        ("not_a_server_error", "runWorkflow", "500 INTERNAL when running an unknown workflow"),
        ("error_body", "listWorkflows", "401 with an empty body"),
        ("instance_progress", "getInstance", "abort is a no-op: the instance runs on"),
        ("not_a_server_error", "listTriggers", "the name filter answers 500 (broken SQL)"),
        ("malformed_body_rejected", "getInstanceStageHistory", "a non-integer stage number answers a bare 404"),
        ("event_to_finished_rejected", "sendEvent", "an event for a terminated instance answers 500"),
    ],
)
def test_the_report_names_each_known_deviation(real_report, check: str, operation: str, deviation: str) -> None:
    found = {(f.check, f.operation) for f in real_report.results.new_failures}
    assert (check, operation) in found, f"{deviation} was not reported as [{check}] {operation}"


def test_workers_share_the_conformance_phase(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(mock_server.api, workers=2, phases=("conformance",))
    assert report.exit_code == 0, report.summary()
    assert len(report.results.operations) == 17


def test_the_mock_conforms_on_v2_and_on_both(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(mock_server.api, api="v2")
    assert report.exit_code == 0, report.summary()
    assert {"v2ListWorkflows", "testTrigger", "v2GetServerInfo"} <= set(report.results.operations)
    reset(mock_server)
    both = run_suite(mock_server.api, api="orchestration", phases=("auth", "invariants"))
    assert both.exit_code == 0, both.summary()
    assert set(both.results.phases) == {"v1 auth", "v1 invariants", "v2 auth", "v2 invariants", "versions"}


@pytest.fixture(scope="module")
def real_report_v2(real_server: RunningMock):
    reset(real_server)
    return run_suite(real_server.api, api="v2", phases=("auth", "invariants", "model"))


@pytest.mark.parametrize(
    ("check", "operation", "deviation"),
    [
        ("unknown_resource_not_found", "v2GetWorkflow", "500 INTERNAL for an unknown workflow"),
        ("unknown_resource_not_found", "testTrigger", "500 INTERNAL when testing an unknown trigger"),
        ("valid_request_accepted", "v2GetServerInfo", "/v2/_info is unserved (404)"),
        ("not_a_server_error", "v2ListTriggers", "the name filter answers 500 (broken SQL)"),
        ("error_body", "v2ListWorkflows", "401 with an empty body"),
    ],
)
def test_the_v2_report_names_each_known_deviation(real_report_v2, check: str, operation: str, deviation: str) -> None:
    assert real_report_v2.exit_code == 1
    found = {(f.check, f.operation) for f in real_report_v2.results.new_failures}
    assert (check, operation) in found, f"{deviation} was not reported as [{check}] {operation}: {sorted(found)}"
