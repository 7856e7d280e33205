"""The shipped allow-list of the real service's documented deviations (`--allow-deviations real-service`):
against the mock in `--quirks real` a run passes with it and lists what it accepted, fails without it and names
those deviations, and every entry is needed by v1 or v2 (no stale entries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.cli import main
from contract_tests.core.config import DEFAULT_MAX_EXAMPLES
from contract_tests.core.results import Failure
from contract_tests.reports.deviations import load_deviations, shipped_deviations
from contract_tests.reports.report import Report
from tests.contract.conftest import reset, run_suite
from tests.support import RunningMock

SHIPPED = Path("real-service")  # a bare name: the file shipped in contract_tests/deviations/


def _quick_run(mock: RunningMock, api: str, *extra: str) -> int:
    """The CLI against `mock`: the auth and invariants phases, small and with short polls."""
    reset(mock)
    common = ["--client-id", "a", "--client-secret", "b", "--max-examples", "2", "--poll-timeout", "0.05"]
    return main(["--base-url", mock.api, "--api", api, "--phases", "auth,invariants", *common, *extra])


@pytest.fixture(scope="module")
def allowed_runs(real_server: RunningMock) -> dict[str, Report]:
    """A default-size run per version with the shipped list (short polls: the mock is synchronous)."""
    runs = {}
    for api in ("v1", "v2"):
        reset(real_server)
        runs[api] = run_suite(real_server.api, api=api, max_examples=DEFAULT_MAX_EXAMPLES, deviations_path=SHIPPED)
    return runs


def test_the_bare_name_resolves_to_the_shipped_file() -> None:
    path = shipped_deviations("real-service")
    assert path.name == "real-service.yaml" and path.exists()
    assert load_deviations(SHIPPED).entries == load_deviations(path).entries


@pytest.mark.slow
@pytest.mark.parametrize("api", ["v1", "v2"])
def test_with_the_list_the_real_service_passes(allowed_runs: dict[str, Report], api: str) -> None:
    report = allowed_runs[api]
    assert report.exit_code == 0, report.summary()
    assert report.results.accepted_failures
    summary = report.summary()
    assert "Accepted deviations" in summary
    for failure in report.results.accepted_failures:
        assert f"accepted [{failure.check}] {failure.operation}" in summary


@pytest.mark.slow
def test_every_entry_is_needed(allowed_runs: dict[str, Report]) -> None:
    failures: list[Failure] = [f for r in allowed_runs.values() for f in r.results.failures.values()]
    stale = load_deviations(SHIPPED).unused(failures)
    assert not stale, [d.reason for d in stale]


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_without_the_list_the_run_fails_and_names_the_deviations(
    real_server: RunningMock, api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _quick_run(real_server, api)
    out = capsys.readouterr().out
    assert code == 1
    for check in ("error_body", "unknown_resource_not_found", "event_to_finished_rejected", "instance_progress"):
        assert f"[{check}]" in out


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_the_cli_accepts_the_bare_name(real_server: RunningMock, api: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = _quick_run(real_server, api, "--allow-deviations", "real-service")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Accepted deviations" in out and "CONFORMS" in out
