"""The status-coverage table and gate: counts match what the server answered, the gate fails and passes as
asked in every report, and the coverage phase reaches the statuses it can construct."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import httpx
import pytest

from contract_tests.core.coverage import StatusCoverage, StatusPair, parse_status_pair
from contract_tests.core.errors import ConfigError
from contract_tests.reports.html import render_html
from tests.contract.conftest import reset, run_suite
from tests.contract.test_cli import QUICK, cli
from tests.support import RunningMock

AUTH_ONLY = [*QUICK, "--phases", "auth"]


def _journal_since(mock: RunningMock, seq: int) -> list[dict[str, object]]:
    reply = httpx.get(f"{mock.url}/_mock/requests", params={"since": seq}, timeout=10)
    return list(reply.json()["data"])


def test_counts_match_what_the_server_answered(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(mock_server.api, phases=("auth", "coverage"))
    data = report.as_dict()["status_coverage"]
    # Every operation of v1 is listed with every status it declares, answered or not.
    assert data["operations"]["createWorkflow"].keys() == {"201", "400", "401", "403", "413"}
    assert data["declared"] == sum(len(statuses) for statuses in data["operations"].values())
    # The suite's counts are the server's own record of what it answered (the mock's journal).
    journal = Counter(
        (entry["operationId"], entry["status"])
        for entry in _journal_since(mock_server, 0)
        if entry["operationId"] in data["operations"]
    )
    counted = Counter(
        {
            (operation, int(status)): times
            for operation, statuses in data["operations"].items()
            for status, times in statuses.items()
            if times
        }
    )
    for operation, statuses in data["undeclared"].items():
        counted.update({(operation, int(status)): times for status, times in statuses.items()})
    assert counted == journal
    for operation, stats in report.results.operations.items():
        assert stats.requests == sum(report.results.coverage.answered.get(operation, {}).values())


def test_the_coverage_phase_reaches_constructible_statuses(mock_server: RunningMock) -> None:
    reset(mock_server)
    coverage = run_suite(mock_server.api, phases=("coverage",)).results.coverage
    for operation, status in [("createWorkflow", 413), ("getWorkflow", 403), ("getWorkflow", 404),
                              ("createTrigger", 401), ("sendEvent", 400), ("runWorkflow", 403)]:  # fmt: skip
        assert coverage.times(operation, status) >= 1, (operation, status)
    assert not coverage.times("getWorkflow", 200)  # nothing it cannot construct


def test_require_status_names_the_pair_never_answered(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    report, junit, html = tmp_path / "r.json", tmp_path / "j.xml", tmp_path / "r.html"
    required = ["--require-status", "getWorkflow:401", "--require-status", "getWorkflow:200"]
    done = cli("--base-url", mock_server.api, *AUTH_ONLY, *required, "--report", str(report), "--junit-xml", str(junit))
    assert done.returncode == 1, done.stdout[-2000:]
    assert "required status never answered: getWorkflow:200" in done.stdout
    assert "getWorkflow:401" not in done.stdout.split("UNMET", 1)[1]
    data = json.loads(report.read_text())
    assert data["exit_code"] == 1 and not data["failures"]
    assert data["status_coverage"]["unmet"] == ["required status never answered: getWorkflow:200"]
    assert data["status_coverage"]["operations"]["getWorkflow"]["200"] == 0
    case = ET.parse(junit).getroot().find("testcase[@name='status_coverage']")
    assert case is not None and "getWorkflow:200" in case.find("failure").text  # type: ignore[union-attr]
    # The HTML page shows the same table and verdict.
    reset(mock_server)
    html_done = cli("--base-url", mock_server.api, *AUTH_ONLY, *required, "--report", str(html))
    page = html.read_text()
    assert html_done.returncode == 1 and "Status coverage" in page and "getWorkflow:200" in page


def test_require_status_passes_when_answered(mock_server: RunningMock) -> None:
    reset(mock_server)
    done = cli("--base-url", mock_server.api, *AUTH_ONLY, "--require-status", "createWorkflow:401")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Status coverage:" in done.stdout and "UNMET" not in done.stdout


def test_min_status_coverage(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(mock_server.api, phases=("auth",), min_status_coverage=10)
    assert report.exit_code == 0 and report.coverage_unmet == []
    strict = run_suite(mock_server.api, phases=("auth",), min_status_coverage=100)
    assert strict.exit_code == 1 and len(strict.coverage_unmet) == 1
    finding = strict.coverage_unmet[0]
    assert "below --min-status-coverage 100%" in finding and "createWorkflow:201" in finding
    assert "FAILED: 1 unmet status-coverage requirement(s)" in strict.summary()
    assert "createWorkflow:201" in render_html(strict)


def test_a_pair_the_spec_does_not_declare_exits_2(mock_server: RunningMock) -> None:
    done = cli("--base-url", mock_server.api, *AUTH_ONLY, "--require-status", "getWorkflow:418")
    assert done.returncode == 2 and "getWorkflow declares only" in done.stderr
    done = cli("--base-url", mock_server.api, *AUTH_ONLY, "--require-status", "getWorkflow")
    assert done.returncode == 2 and "OPERATION:STATUS" in done.stderr


def test_status_coverage_unit() -> None:
    coverage = StatusCoverage()
    coverage.declare("op", [200, 404])
    coverage.count("op", 200)
    coverage.count("op", 500)
    assert coverage.missing == [StatusPair("op", 404)] and coverage.percent == 50.0
    assert coverage.undeclared() == {"op": {500: 1}}
    assert coverage.gate([StatusPair("op", 200)], 50) == []
    assert coverage.gate([StatusPair("op", 404)], None) == ["required status never answered: op:404"]
    assert parse_status_pair("v2GetWorkflow:404") == StatusPair("v2GetWorkflow", 404)
    with pytest.raises(ConfigError):
        coverage.validate([StatusPair("nope", 200)])
