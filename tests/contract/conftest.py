"""Fixtures joining the contract suite and the project's mock: the mocks come from tests/conftest.py, the
fault-injection proxy sits in front of the spec-mode mock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

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
