"""`--api webhooks` against the project's mock: spec mode conforms, seeded runs repeat, every webhooks check runs
(deliveries received and verified), the event scenario is skipped with a reason without the control API, and
the CLI takes the webhooks as it takes the wallets."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from contract_tests.checks import load_all
from contract_tests.cli import main
from contract_tests.core.config import Config
from contract_tests.runner import run
from tests.contract.conftest import reset, run_suite, seeded_outcome
from tests.support import RunningMock, token_for

WEBHOOKS_MODULES = {"contract_tests.checks.webhooks_model", "contract_tests.checks.webhooks_deliveries"}
WEBHOOKS_CHECKS = {name for name, c in load_all().items() if c.fn.__module__ in WEBHOOKS_MODULES}


def webhooks_api(mock: RunningMock) -> str:
    return mock.url + "/api/webhooks"


def test_the_mock_conforms_with_every_phase(mock_server: RunningMock) -> None:
    reset(mock_server)
    config = Config(
        base_url=webhooks_api(mock_server), client_id="contract-tests", client_secret="secret", api="webhooks"
    )
    report = run(config.with_changes(max_examples=5, seed=1))
    assert report.exit_code == 0, report.summary()
    assert {"auth", "invariants", "model", "stateful", "conformance"} <= set(report.results.phases)
    assert len(report.results.operations) == 9  # every operation of the webhooks spec was sent


def test_a_run_leaves_the_configs_it_found_and_no_other(mock_server: RunningMock) -> None:
    """An active config left behind would be sent every later event of the stack: the run deletes its own."""
    reset(mock_server)
    headers = {"Authorization": f"Bearer {token_for(mock_server.url)}"}
    kept = httpx.post(
        webhooks_api(mock_server) + "/configs",
        headers=headers,
        json={"endpoint": "http://127.0.0.1:9/hooks", "eventTypes": ["ledger.committed_transactions"]},
    ).json()["data"]["id"]
    report = run_suite(webhooks_api(mock_server), api="webhooks", seed=2)
    assert report.exit_code == 0, report.summary()
    left = httpx.get(webhooks_api(mock_server) + "/configs", headers=headers).json()["cursor"]["data"]
    assert [c["id"] for c in left] == [kept]


def test_every_webhooks_check_runs_and_holds_against_the_mock(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(webhooks_api(mock_server), api="webhooks", phases=("auth", "invariants", "model"))
    assert report.exit_code == 0, report.summary()
    ran = {name for name, stats in report.results.checks.items() if stats.runs > 0}
    assert WEBHOOKS_CHECKS - ran == set()
    assert {"write_scope_required", "read_scope_sufficient", "auth_required", "error_body"} <= ran
    assert not {"history_consistent", "wallet_matches_model"} & ran  # other services' checks stay out
    assert report.results.skipped == [] and report.results.errors == []


def test_a_seeded_webhooks_run_is_deterministic(mock_server: RunningMock) -> None:
    settings = {"api": "webhooks", "seed": 5, "phases": ("invariants", "model")}
    first, second = (seeded_outcome(mock_server, webhooks_api(mock_server), **settings) for _ in range(2))
    assert first == second


def test_without_the_control_api_events_are_skipped_with_a_reason(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(webhooks_api(mock_server), api="webhooks", use_control_api=False, phases=("invariants",))
    assert report.exit_code == 0, report.summary()
    skipped = {s.name: s.reason for s in report.results.skipped}
    assert "control API" in skipped["events_reach_the_configs_that_listen"]
    assert report.results.checks["delivery_signed"].runs > 0  # the test call's deliveries still are


def test_the_cli_checks_the_webhooks(mock_server: RunningMock, tmp_path: Path) -> None:
    reset(mock_server)
    argv = ["--api", "webhooks", "--base-url", webhooks_api(mock_server), "--client-id", "a", "--client-secret", "b"]
    argv += ["--profile", "quick", "--phases", "auth,invariants,conformance", "--report", str(tmp_path / "r.json")]
    assert main(argv) == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["exit_code"] == 0 and "webhooks:read webhooks:write" in data["token_hint"]
    assert "testConfig" in data["operations"]
