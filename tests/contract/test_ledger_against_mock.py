"""`--api ledger` against the project's mock: spec mode conforms, seeded runs repeat, every ledger check runs,
and the CLI, its reports and the pytest plugin work for the ledger as they do for orchestration."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.checks import load_all
from contract_tests.core.config import Config
from contract_tests.runner import run
from tests.contract.conftest import cli_reports, reset, run_suite, seeded_outcome
from tests.contract.test_pytest_plugin import suite_items
from tests.support import RunningMock


def ledger_api(mock: RunningMock) -> str:
    return mock.url + "/api/ledger"


@pytest.mark.slow
def test_the_mock_conforms_with_the_ledgers_default_settings(mock_server: RunningMock) -> None:
    reset(mock_server)
    config = Config(base_url=ledger_api(mock_server), client_id="contract-tests", client_secret="secret", api="ledger")
    report = run(config.with_changes(max_examples=8, seed=1))
    assert report.exit_code == 0, report.summary()
    assert {"auth", "invariants", "model", "stateful", "conformance", "coverage"} == set(report.results.phases)
    assert len(report.results.operations) == 45  # every operation of the ledger spec was sent


def test_every_ledger_check_runs_and_holds_against_the_mock(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(ledger_api(mock_server), api="ledger", phases=("auth", "invariants", "model"))
    assert report.exit_code == 0, report.summary()
    ran = {name for name, stats in report.results.checks.items() if stats.runs > 0}
    ledger = {name for name, c in load_all().items() if c.fn.__module__.startswith("contract_tests.checks.ledger_")}
    assert ledger - ran == set()
    assert {"write_scope_required", "read_scope_sufficient", "page_walk_complete"} <= ran
    assert not {"history_consistent", "instance_status_consistent"} & ran  # orchestration's shapes stay out


def test_a_seeded_ledger_run_is_deterministic(mock_server: RunningMock) -> None:
    first, second = (seeded_outcome(mock_server, ledger_api(mock_server), api="ledger", seed=5) for _ in range(2))
    assert first == second


def test_the_cli_checks_a_ledger_and_writes_every_report(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    data, html, cases = cli_reports(ledger_api(mock_server), "ledger", tmp_path)
    assert data["exit_code"] == 0 and "ledger:read ledger:write" in data["token_hint"]
    assert "v2CreateTransaction" in data["operations"]
    assert "Ledger contract" in html
    assert {"overdraft_refused", "log_chain_valid"} <= cases


def test_the_pytest_plugin_takes_the_ledger(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    done = suite_items(ledger_api(mock_server), "ledger", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "test_check[log_chain_valid] PASSED" in done.stdout
    assert "test_check[history_consistent] SKIPPED" in done.stdout  # an orchestration check: not this API's
