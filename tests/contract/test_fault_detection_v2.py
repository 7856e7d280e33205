"""The v2 pagination faults of faults_v2.py are each caught by the checks they name, with a finding that
the fault-free v2 baseline does not have."""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import assert_caught, run_with_fault
from tests.contract.faults_v2 import V2_FAULTS, VIEWS_FAULT
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock


@pytest.fixture(scope="module")
def baseline_v2(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    report = run_with_fault(mock_server, proxy, None, proxy.api, api="v2")
    assert report.exit_code == 0, report.summary()  # the mock conforms: every finding below is the fault's
    return report


@pytest.mark.parametrize("fault", V2_FAULTS, ids=[f.name for f in V2_FAULTS])
def test_the_suite_catches_v2(fault: Fault, baseline_v2: Report, mock_server: RunningMock, proxy: RunningProxy) -> None:
    assert_caught(fault, run_with_fault(mock_server, proxy, fault, proxy.api, api="v2"), baseline_v2)


def test_checking_both_versions_catches_views_that_disagree(mock_server: RunningMock, proxy: RunningProxy) -> None:
    report = run_with_fault(mock_server, proxy, VIEWS_FAULT, proxy.api, api="orchestration", phases=("invariants",))
    assert "versions_agree" in {f.check for f in report.results.failures.values()}, report.summary()
    assert report.exit_code == 1
