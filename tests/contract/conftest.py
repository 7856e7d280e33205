"""Fixtures joining the contract suite and the project's mock: the mocks come from tests/conftest.py, the
fault-injection proxy sits in front of the spec-mode mock."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.cli import main
from contract_tests.core.config import Config
from contract_tests.reports.report import Report
from contract_tests.runner import run
from tests.contract.proxy import Fault, RunningProxy, running_proxy
from tests.support import RunningMock


def reset(mock: RunningMock) -> None:
    httpx.post(mock.url + "/_mock/reset", timeout=10).raise_for_status()


def harness_config(base_url: str, **changes: Any) -> Config:
    """Small and fast: the quick profile, and short polls (the mock is synchronous; a fault makes polls wait)."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "client_id": "contract-tests",
        "client_secret": "secret",
        "max_examples": 2,
        "poll_timeout": 0.05,
        "seed": 0,
    }
    return Config(**{**settings, **changes})


def run_suite(base_url: str, **changes: Any) -> Report:
    return run(harness_config(base_url, **changes))


def seeded_outcome(mock: RunningMock, base_url: str, **changes: Any) -> tuple[Any, ...]:
    """What a run from a fresh reset found and did: its findings, the requests per operation, the runs per check."""
    reset(mock)
    results = run_suite(base_url, **changes).results
    requests = {name: stats.requests for name, stats in results.operations.items()}
    return sorted(results.failures), requests, {name: stats.runs for name, stats in results.checks.items()}


def cli_reports(base_url: str, api: str, tmp_path: Path) -> tuple[dict[str, Any], str, set[str]]:
    """The CLI's quick run of auth, invariants and conformance, with a JSON then an HTML report (JUnit XML
    both times), each exiting 0: the JSON report, the HTML one and the JUnit test case names."""
    argv = ["--api", api, "--base-url", base_url, "--client-id", "a", "--client-secret", "b"]
    argv += ["--profile", "quick", "--phases", "auth,invariants,conformance"]
    for name in ("report.json", "report.html"):
        assert main([*argv, "--report", str(tmp_path / name), "--junit-xml", str(tmp_path / "junit.xml")]) == 0
    cases = {case.get("name") for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    return json.loads((tmp_path / "report.json").read_text()), (tmp_path / "report.html").read_text(), cases


def run_with_fault(
    mock: RunningMock, proxy: RunningProxy, fault: Fault | None, base_url: str, **changes: Any
) -> Report:
    """A run from a fresh reset through the proxy with ``fault`` injected (None: the baseline)."""
    reset(mock)
    proxy.use(fault)
    try:
        return run_suite(base_url, **changes)
    finally:
        proxy.use(None)


def assert_caught(fault: Fault, report: Report, baseline: Report) -> None:
    """One of the checks the fault names found something the baseline did not, and the run failed."""
    new = [f for key, f in report.results.failures.items() if key not in baseline.results.failures]
    caught = sorted({f.check for f in new} & fault.caught_by)
    assert caught, (
        f"{fault.name} ({fault.description}) was not caught by any of {sorted(fault.caught_by)}; "
        f"new findings: {sorted({f.check for f in new})}; suite errors: {report.results.errors}"
    )
    assert report.exit_code == 1


@pytest.fixture(scope="session")
def proxy(mock_server: RunningMock) -> Iterator[RunningProxy]:
    with running_proxy(mock_server.url) as running:
        yield running
