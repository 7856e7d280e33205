"""`--api wallets` against the project's mock: spec mode conforms, seeded runs repeat, every wallets check runs
(the ledger beside the wallets read too), `--quirks real` shows v2.1.5's departures, and the CLI, its reports
and the pytest plugin take the wallets as they take the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.checks import load_all
from contract_tests.core.config import Config
from contract_tests.runner import run
from tests.contract.conftest import cli_reports, reset, run_suite, seeded_outcome
from tests.contract.test_pytest_plugin import suite_items
from tests.support import RunningMock

WALLETS_CHECKS = {name for name, c in load_all().items() if c.fn.__module__ == "contract_tests.checks.wallets_model"}


def wallets_api(mock: RunningMock) -> str:
    return mock.url + "/api/wallets"


@pytest.mark.slow
def test_the_mock_conforms_with_the_wallets_settings(mock_server: RunningMock) -> None:
    reset(mock_server)
    config = Config(
        base_url=wallets_api(mock_server), client_id="contract-tests", client_secret="secret", api="wallets"
    )
    report = run(config.with_changes(max_examples=5, seed=1))
    assert report.exit_code == 0, report.summary()
    assert {"auth", "invariants", "model", "stateful", "conformance", "coverage"} == set(report.results.phases)
    assert len(report.results.operations) == 16  # every operation of the wallets spec was sent


def test_every_wallets_check_runs_and_holds_against_the_mock(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(wallets_api(mock_server), api="wallets", phases=("auth", "invariants", "model"))
    assert report.exit_code == 0, report.summary()
    ran = {name for name, stats in report.results.checks.items() if stats.runs > 0}
    assert WALLETS_CHECKS - ran == set()
    assert {"write_scope_required", "read_scope_sufficient", "page_walk_complete", "error_body"} <= ran
    assert not {"history_consistent", "volumes_add_up"} & ran  # orchestration's and the ledger's stay out
    assert report.results.skipped == [] and report.results.errors == []


def test_a_seeded_wallets_run_is_deterministic(mock_server: RunningMock) -> None:
    settings = {"api": "wallets", "seed": 5, "phases": ("invariants", "model")}
    first, second = (seeded_outcome(mock_server, wallets_api(mock_server), **settings) for _ in range(2))
    assert first == second


def test_without_a_readable_ledger_the_ledger_check_is_skipped(mock_server: RunningMock) -> None:
    reset(mock_server)
    dead = "http://127.0.0.1:9/api/ledger"
    report = run_suite(wallets_api(mock_server), api="wallets", ledger_url=dead, phases=("invariants",))
    assert report.exit_code == 0, report.summary()
    assert [s.name for s in report.results.skipped] == ["wallet_matches_ledger"]
    assert report.results.checks["wallet_matches_model"].runs > 0
    assert (
        "wallet_matches_ledger" not in report.results.checks or not report.results.checks["wallet_matches_ledger"].runs
    )


def test_the_releases_departures_are_reported(real_server: RunningMock) -> None:
    """`--quirks real` answers as v2.1.5: an unknown wallet or hold is a 500, not the spec's 404."""
    reset(real_server)
    report = run_suite(wallets_api(real_server), api="wallets", phases=("invariants",))
    assert report.exit_code == 1
    found = {(f.check, f.operation) for f in report.results.failures.values()}
    assert ("unknown_resource_not_found", "getWallet") in found and ("unknown_resource_not_found", "getHold") in found


def test_the_cli_checks_the_wallets_and_writes_every_report(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    data, html, cases = cli_reports(wallets_api(mock_server), "wallets", tmp_path)
    assert data["exit_code"] == 0 and "wallets:read wallets:write" in data["token_hint"]
    assert "debitWallet" in data["operations"]
    assert "Wallets contract" in html
    assert {"wallet_matches_ledger", "hold_settlement_bounded"} <= cases


def test_the_pytest_plugin_takes_the_wallets(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    done = suite_items(wallets_api(mock_server), "wallets", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "test_check[hold_remaining_never_grows] PASSED" in done.stdout
    assert "test_check[log_chain_valid] SKIPPED" in done.stdout  # a ledger check: not this API's
