"""Fault detection is proven, not claimed: each realistic bug injected by the proxy must be caught by the
check that is meant to catch it, with a finding the fault-free baseline does not have."""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import assert_caught, run_with_fault
from tests.contract.faults import FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock


@pytest.fixture(scope="module")
def baseline(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    """The same run through the proxy without a fault: what the mock itself answers."""
    return run_with_fault(mock_server, proxy, None, proxy.api)


def test_there_are_at_least_twenty_distinct_faults() -> None:
    assert len({f.name for f in FAULTS}) == len(FAULTS) >= 20


@pytest.mark.parametrize(
    "fault", [pytest.param(f, id=f.name, marks=[pytest.mark.slow] if f.slow else []) for f in FAULTS]
)
def test_the_suite_catches(fault: Fault, baseline: Report, mock_server: RunningMock, proxy: RunningProxy) -> None:
    assert_caught(fault, run_with_fault(mock_server, proxy, fault, proxy.api), baseline)
