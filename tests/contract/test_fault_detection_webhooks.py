"""The webhooks faults of faults_webhooks.py are each caught by the checks they name, with a finding the
fault-free webhooks baseline does not have.

The runs check the phases that hold the webhooks' model and receive the deliveries (auth for the token fault);
response checks run on every answer of those phases too, and conformance would only add time.
"""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import reset, run_suite
from tests.contract.faults_webhooks import WEBHOOKS_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

PHASES = ("auth", "invariants", "model")


def webhooks_api(proxy: RunningProxy) -> str:
    return proxy.url + "/api/webhooks"


@pytest.fixture(scope="module")
def webhooks_baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    reset(mock_server)
    proxy.use(None)
    report = run_suite(webhooks_api(proxy), api="webhooks", phases=PHASES)
    # The mock's webhooks conform: every finding of the fault runs below is the fault's.
    assert report.results.failures == {} and report.results.errors == [], report.summary()
    return report


def test_there_are_distinct_webhooks_faults() -> None:
    assert len({f.name for f in WEBHOOKS_FAULTS}) == len(WEBHOOKS_FAULTS) >= 10


@pytest.mark.parametrize("fault", WEBHOOKS_FAULTS, ids=[f.name for f in WEBHOOKS_FAULTS])
def test_the_suite_catches_a_broken_webhooks_service(
    fault: Fault, webhooks_baseline: Report, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    reset(mock_server)
    proxy.use(fault)
    try:
        report = run_suite(webhooks_api(proxy), api="webhooks", phases=PHASES)
    finally:
        proxy.use(None)
    new = [f for key, f in report.results.failures.items() if key not in webhooks_baseline.results.failures]
    caught = sorted({f.check for f in new} & fault.caught_by)
    assert caught, (
        f"{fault.name} ({fault.description}) was not caught by any of {sorted(fault.caught_by)}; "
        f"new findings: {sorted({f.check for f in new})}; suite errors: {report.results.errors}"
    )
    assert report.exit_code == 1
