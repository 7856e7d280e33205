"""The stack phase (`--api all`) on the healthy mock finds nothing, catches each fault of faults_stack.py with
the check it names, and gives the healthy verdict under every harness fault (slow, dropping, duplicating)."""

from __future__ import annotations

import pytest

from contract_tests.reports.report import Report
from tests.contract.conftest import run_with_fault
from tests.contract.faults_stack import HARNESS_FAULTS, STACK_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

# Deliveries and triggers are asynchronous between services: a poll timeout they can meet.
SETTINGS = {"api": "all", "phases": ("stack",), "poll_timeout": 2.0}


def _stack(proxy: RunningProxy, mock: RunningMock, fault: Fault | None) -> Report:
    return run_with_fault(mock, proxy, fault, proxy.url, **SETTINGS)


def test_the_healthy_stack_conforms(mock_server: RunningMock, proxy: RunningProxy) -> None:
    report = _stack(proxy, mock_server, None)
    assert report.exit_code == 0, report.summary()
    assert report.results.checks["events_reach_webhook"].runs == 1
    assert report.results.checks["ledger_write_fires_trigger"].runs == 1


@pytest.mark.parametrize("fault", STACK_FAULTS, ids=[f.name for f in STACK_FAULTS])
def test_the_stack_phase_catches_a_broken_seam(fault: Fault, mock_server: RunningMock, proxy: RunningProxy) -> None:
    report = _stack(proxy, mock_server, fault)
    caught = {f.check for f in report.results.failures.values()} & fault.caught_by
    assert caught, f"{fault.name} not caught: {report.summary()}"
    assert report.exit_code == 1


@pytest.mark.parametrize("fault", HARNESS_FAULTS, ids=[f.name for f in HARNESS_FAULTS])
def test_harness_faults_leave_the_verdict_unchanged(
    fault: Fault, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    report = _stack(proxy, mock_server, fault)
    assert report.exit_code == 0 and report.results.failures == {}, report.summary()
