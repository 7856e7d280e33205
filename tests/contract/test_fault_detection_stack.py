"""The stack phase (`--api all`) on the healthy mock finds nothing and catches each fault of faults_stack.py with
the check it names; a whole `--api all` run (every service's phases, then the stack's) gives the healthy verdict
under every harness fault (slow, dropping, duplicating)."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.core.config import PHASES
from contract_tests.reports.report import Report
from tests.contract.conftest import reset, run_suite
from tests.contract.faults_stack import HARNESS_FAULTS, STACK_FAULTS
from tests.contract.proxy import Fault, RunningProxy
from tests.support import RunningMock

# Deliveries and triggers are asynchronous between services: a poll timeout they can meet.
SETTINGS = {"api": "all", "phases": ("stack",), "poll_timeout": 2.0}
# Every phase of every service, then the stack's, on the harness' small budget (2 examples per operation).
WHOLE_RUN = {**SETTINGS, "phases": (*PHASES, "stack")}


def _stack(proxy: RunningProxy, mock: RunningMock, fault: Fault | None, settings: dict[str, Any] = SETTINGS) -> Report:
    reset(mock)
    proxy.use(fault)
    try:
        return run_suite(proxy.url, **settings)
    finally:
        proxy.use(None)


def _verdict(report: Report) -> tuple[int, list[str], list[str]]:
    return report.exit_code, sorted(report.results.failures), report.results.errors


@pytest.fixture(scope="module")
def healthy_whole_run(mock_server: RunningMock, proxy: RunningProxy) -> Report:
    return _stack(proxy, mock_server, None, WHOLE_RUN)


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


def test_the_whole_healthy_stack_conforms(healthy_whole_run: Report) -> None:
    assert _verdict(healthy_whole_run) == (0, [], []), healthy_whole_run.summary()
    assert {"v1 model", "ledger conformance", "wallets model", "webhooks model", "stack"} <= set(
        healthy_whole_run.results.phases
    )


@pytest.mark.slow
@pytest.mark.parametrize("fault", HARNESS_FAULTS, ids=[f.name for f in HARNESS_FAULTS])
def test_harness_faults_leave_the_verdict_unchanged(
    fault: Fault, healthy_whole_run: Report, mock_server: RunningMock, proxy: RunningProxy
) -> None:
    report = _stack(proxy, mock_server, fault, WHOLE_RUN)
    assert _verdict(report) == _verdict(healthy_whole_run), report.summary()
    assert set(report.results.phases) == set(healthy_whole_run.results.phases)
