"""The stack phase (`--api all`) on the healthy mock finds nothing and catches each fault of faults_stack.py with
the check it names; a whole `--api all` run (every service's phases, then the stack's) gives the healthy verdict
under every harness fault (slow, dropping, duplicating)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from contract_tests.core.config import PHASES
from contract_tests.reports.report import Report
from tests.contract.conftest import run_with_fault
from tests.contract.faults_stack import HARNESS_FAULTS, STACK_FAULTS
from tests.contract.proxy import Fault, Request, Response, RunningProxy
from tests.support import RunningMock

# Deliveries and triggers are asynchronous between services: a poll timeout they can meet.
SETTINGS = {"api": "all", "phases": ("stack",), "poll_timeout": 2.0}
# Every phase of every service, then the stack's, on the harness' small budget (2 examples per operation).
WHOLE_RUN = {**SETTINGS, "phases": (*PHASES, "stack")}


def _stack(proxy: RunningProxy, mock: RunningMock, fault: Fault | None, settings: dict[str, Any] = SETTINGS) -> Report:
    return run_with_fault(mock, proxy, fault, proxy.url, **settings)


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


_UNAUTHORIZED = Response(401, {"content-type": "application/json"}, b'{"errorCode":"UNAUTHORIZED","errorMessage":"x"}')
# (fault, method, path, request body, answer) the fault's hook was not written for: each passes unchanged.
_OTHER_ANSWERS = [
    ("trigger_ignores_ledger_writes", "GET", "/api/orchestration/triggers/t/occurrences", b"",
     Response(200, {"content-type": "application/json"}, b'{"data":[{"id":"o"}]}')),  # v1's shape
    ("trigger_ignores_ledger_writes", "GET", "/api/orchestration/v2/triggers/t/occurrences", b"", _UNAUTHORIZED),
    ("trigger_ignores_ledger_writes", "GET", "/api/orchestration/v2/triggers/t/occurrences", b"",
     Response(404, {"content-type": "application/json"}, b'{"errorCode":"NOT_FOUND","errorMessage":"x"}')),
    ("wallet_not_its_account", "GET", "/api/wallets/wallets/w", b"", _UNAUTHORIZED),
    ("wallet_not_its_account", "GET", "/api/wallets/wallets/w", b"", Response(404, {}, b"")),
    ("ledger_hides_workflow_bookings", "GET", "/api/ledger/v2/l/transactions", b"", _UNAUTHORIZED),
    ("webhook_sends_everything", "POST", "/api/webhooks/configs", b'{"endpoint":"http://127.0.0.1:1/"}', None),
    ("webhook_sends_everything", "POST", "/api/webhooks/configs", b'{"eventTypes":null}', None),
]  # fmt: skip


_OTHER_IDS = [
    "occurrences-v1", "occurrences-401", "occurrences-404", "wallet-401", "wallet-404", "transactions-401",
    "config-without-event-types", "config-null-event-types",
]  # fmt: skip


@pytest.mark.parametrize(("name", "method", "path", "body", "answer"), _OTHER_ANSWERS, ids=_OTHER_IDS)
def test_a_stack_fault_leaves_answers_it_was_not_written_for_unchanged(
    name: str, method: str, path: str, body: bytes, answer: Response | None
) -> None:
    fault = next(f for f in STACK_FAULTS if f.name == name)
    request = Request(method, path, (), {"content-type": "application/json"}, body)

    async def send(_: Request) -> Response:
        raise AssertionError("the hook sent nothing upstream")

    if answer is None:
        assert fault.on_request is not None
        assert asyncio.run(fault.on_request(fault, request, send)) == request
    else:
        assert fault.on_response is not None
        kept = Response(answer.status, dict(answer.headers), answer.body)
        assert asyncio.run(fault.on_response(fault, request, answer, send)) == kept


def test_a_stack_fault_still_rewrites_what_it_was_written_for() -> None:
    fault = next(f for f in STACK_FAULTS if f.name == "trigger_ignores_ledger_writes")
    request = Request("GET", "/api/orchestration/v2/triggers/t/occurrences", (), {}, b"")
    page = {"cursor": {"pageSize": 15, "hasMore": False, "data": [{"id": "o"}]}}
    answer = Response(200, {"content-type": "application/json"}, json.dumps(page).encode())

    async def send(_: Request) -> Response:
        raise AssertionError("the hook sent nothing upstream")

    assert fault.on_response is not None
    emptied = asyncio.run(fault.on_response(fault, request, answer, send))
    assert emptied.json() == {"cursor": {"pageSize": 15, "hasMore": False, "data": []}}
