"""`--api ledger` against the project's mock: spec mode conforms, seeded runs repeat, every ledger check runs,
and the CLI, its reports and the pytest plugin work for the ledger as they do for orchestration."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contract_tests.checks import load_all
from contract_tests.cli import main
from contract_tests.core.config import Config
from contract_tests.runner import run
from tests.contract.conftest import reset, run_suite
from tests.contract.test_pytest_plugin import pytest_run
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
    outcomes = []
    for _ in range(2):
        reset(mock_server)
        report = run_suite(ledger_api(mock_server), api="ledger", seed=5)
        requests = {name: stats.requests for name, stats in report.results.operations.items()}
        outcomes.append((sorted(report.results.failures), requests))
    assert outcomes[0] == outcomes[1]


def test_the_cli_checks_a_ledger_and_writes_every_report(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    argv = ["--api", "ledger", "--base-url", ledger_api(mock_server), "--client-id", "a", "--client-secret", "b"]
    argv += ["--profile", "quick", "--phases", "auth,invariants,conformance"]
    for name in ("report.json", "report.html"):
        assert main([*argv, "--report", str(tmp_path / name), "--junit-xml", str(tmp_path / "junit.xml")]) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["exit_code"] == 0 and "ledger:read ledger:write" in data["token_hint"]
    assert "v2CreateTransaction" in data["operations"]
    assert "Ledger contract" in (tmp_path / "report.html").read_text()
    cases = {case.get("name") for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert {"overdraft_refused", "log_chain_valid"} <= cases


def test_the_pytest_plugin_takes_the_ledger(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    done = pytest_run(
        "--orchestration-base-url", ledger_api(mock_server), "--orchestration-api", "ledger",
        "--orchestration-client-id", "contract-tests", "--orchestration-client-secret", "secret",
        "--orchestration-max-examples", "2", "--pyargs", "contract_tests.suite", "-v", "-rN",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "test_check[log_chain_valid] PASSED" in done.stdout
    assert "test_check[history_consistent] SKIPPED" in done.stdout  # an orchestration check: not this API's
