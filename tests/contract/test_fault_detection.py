"""Fault detection is proven, not claimed: each realistic bug injected by the proxy must be caught by the
check that is meant to catch it, with a finding the fault-free baseline does not have."""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import reset, run_suite
from tests.contract.faults import FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock


@pytest.fixture(scope="module")
def baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    """The same run through the proxy without a fault: what the mock itself answers."""
    reset(mock_server)
    proxy.use(None)
    return run_suite(proxy.api)


def test_there_are_at_least_twenty_distinct_faults() -> None:
    assert len({f.name for f in FAULTS}) == len(FAULTS) >= 20


@pytest.mark.parametrize(
    "fault", [pytest.param(f, id=f.name, marks=[pytest.mark.slow] if f.slow else []) for f in FAULTS]
)
def test_the_suite_catches(fault: Fault, baseline: Report, mock_server: RunningMock, proxy: RunningProxy) -> None:
    reset(mock_server)
    proxy.use(fault)
    try:
        report = run_suite(proxy.api)
    finally:
        proxy.use(None)
    new = [f for key, f in report.results.failures.items() if key not in baseline.results.failures]
    caught = sorted({f.check for f in new} & fault.caught_by)
    assert caught, (
        f"{fault.name} ({fault.description}) was not caught by any of {sorted(fault.caught_by)}; "
        f"new findings: {sorted({f.check for f in new})}; suite errors: {report.results.errors}"
    )
    assert report.exit_code == 1
