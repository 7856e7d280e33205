"""The ledger faults of faults_ledger*.py are each caught by the checks they name, with a finding the fault-free
ledger baseline does not have.

The runs check the phases that hold the ledger's model (auth for the token fault): response checks run on
every answer of those phases too, and conformance would only add time.
"""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import assert_caught, run_with_fault
from tests.contract.faults_ledger import LEDGER_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

PHASES = ("auth", "invariants", "model")


@pytest.fixture(scope="module")
def ledger_baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    report = run_with_fault(mock_server, proxy, None, proxy.ledger_api, api="ledger", phases=PHASES)
    # The mock's ledger model conforms: every finding of the fault runs below is the fault's. (Whether every
    # operation conforms is test_ledger_against_mock's business; a finding there is in the baseline too.)
    assert [f for f in report.results.failures.values() if f.phase != "auth"] == [], report.summary()
    return report


def test_there_are_distinct_ledger_faults() -> None:
    assert len({f.name for f in LEDGER_FAULTS}) == len(LEDGER_FAULTS) >= 15


@pytest.mark.parametrize("fault", LEDGER_FAULTS, ids=[f.name for f in LEDGER_FAULTS])
def test_the_suite_catches_a_broken_ledger(
    fault: Fault, ledger_baseline: Report, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    report = run_with_fault(mock_server, proxy, fault, proxy.ledger_api, api="ledger", phases=PHASES)
    assert_caught(fault, report, ledger_baseline)
