"""The wallets faults of faults_wallets.py are each caught by the checks they name, with a finding the
fault-free wallets baseline does not have.

The runs check the phases that hold the wallets' model (auth for the token fault): response checks run on
every answer of those phases too, and conformance would only add time.
"""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import assert_caught, run_with_fault
from tests.contract.faults_wallets import WALLETS_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

PHASES = ("auth", "invariants", "model")


@pytest.fixture(scope="module")
def wallets_baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    report = run_with_fault(mock_server, proxy, None, proxy.wallets_api, api="wallets", phases=PHASES)
    # The mock's wallets conform: every finding of the fault runs below is the fault's.
    assert report.results.failures == {} and report.results.errors == [], report.summary()
    return report


def test_there_are_distinct_wallets_faults() -> None:
    assert len({f.name for f in WALLETS_FAULTS}) == len(WALLETS_FAULTS) >= 15


@pytest.mark.parametrize("fault", WALLETS_FAULTS, ids=[f.name for f in WALLETS_FAULTS])
def test_the_suite_catches_a_broken_wallets_service(
    fault: Fault, wallets_baseline: Report, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    report = run_with_fault(mock_server, proxy, fault, proxy.wallets_api, api="wallets", phases=PHASES)
    assert_caught(fault, report, wallets_baseline)
