"""The webhooks faults of faults_webhooks.py are each caught by the checks they name, with a finding the
fault-free webhooks baseline does not have.

The runs check the phases that hold the webhooks' model and receive the deliveries (auth for the token fault);
response checks run on every answer of those phases too, and conformance would only add time.
"""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import assert_caught, run_with_fault
from tests.contract.faults_webhooks import WEBHOOKS_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

PHASES = ("auth", "invariants", "model")


def webhooks_api(proxy: RunningProxy) -> str:
    return proxy.url + "/api/webhooks"


@pytest.fixture(scope="module")
def webhooks_baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    report = run_with_fault(mock_server, proxy, None, webhooks_api(proxy), api="webhooks", phases=PHASES)
    # The mock's webhooks conform: every finding of the fault runs below is the fault's.
    assert report.results.failures == {} and report.results.errors == [], report.summary()
    return report


def test_there_are_distinct_webhooks_faults() -> None:
    assert len({f.name for f in WEBHOOKS_FAULTS}) == len(WEBHOOKS_FAULTS) >= 10


@pytest.mark.parametrize("fault", WEBHOOKS_FAULTS, ids=[f.name for f in WEBHOOKS_FAULTS])
def test_the_suite_catches_a_broken_webhooks_service(
    fault: Fault, webhooks_baseline: Report, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    report = run_with_fault(mock_server, proxy, fault, webhooks_api(proxy), api="webhooks", phases=PHASES)
    assert_caught(fault, report, webhooks_baseline)
