"""The v2 pagination faults of faults_v2.py are each caught by the checks they name, with a finding that
the fault-free v2 baseline does not have."""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import reset, run_suite
from tests.contract.faults_v2 import V2_FAULTS, VIEWS_FAULT
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock


@pytest.fixture(scope="module")
def baseline_v2(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    reset(mock_server)
    proxy.use(None)
    report = run_suite(proxy.api, api="v2")
    assert report.exit_code == 0, report.summary()  # the mock conforms: every finding below is the fault's
    return report


@pytest.mark.parametrize("fault", V2_FAULTS, ids=[f.name for f in V2_FAULTS])
def test_the_suite_catches_v2(fault: Fault, baseline_v2: Report, mock_server: RunningMock, proxy: RunningProxy) -> None:
    reset(mock_server)
    proxy.use(fault)
    try:
        report = run_suite(proxy.api, api="v2")
    finally:
        proxy.use(None)
    new = [f for key, f in report.results.failures.items() if key not in baseline_v2.results.failures]
    caught = sorted({f.check for f in new} & fault.caught_by)
    assert caught, (
        f"{fault.name} ({fault.description}) was not caught by any of {sorted(fault.caught_by)}; "
        f"new findings: {sorted({f.check for f in new})}; suite errors: {report.results.errors}"
    )
    assert report.exit_code == 1


def test_checking_both_versions_catches_views_that_disagree(mock_server: RunningMock, proxy: RunningProxy) -> None:
    reset(mock_server)
    proxy.use(VIEWS_FAULT)
    try:
        report = run_suite(proxy.api, api="orchestration", phases=("invariants",))
    finally:
        proxy.use(None)
    assert "versions_agree" in {f.check for f in report.results.failures.values()}, report.summary()
    assert report.exit_code == 1
