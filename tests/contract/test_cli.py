"""`orchestration-contract`: exit codes, reports (JSON, JUnit), deviations, progress lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from contract_tests.cli import main
from tests.contract.conftest import reset
from tests.support import ROOT, RunningMock, free_port

QUICK = ["--max-examples", "2", "--poll-timeout", "0.05", "--client-id", "contract-tests", "--client-secret", "secret"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contract_tests", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_an_unreachable_server_exits_2() -> None:
    done = cli("--base-url", f"http://127.0.0.1:{free_port()}/api/orchestration", "--token", "t")
    assert done.returncode == 2 and "unreachable" in done.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["--base-url", "not a url"], ["--base-url", "http://x", "--max-examples", "0"],
     ["--base-url", "http://x", "--client-id", "only-id"], ["--base-url", "http://x", "--phases", "warp"]],
)  # fmt: skip
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "orchestration-contract" in capsys.readouterr().err


def test_refused_credentials_exit_2(mock_server: RunningMock) -> None:
    done = cli(
        "--base-url",
        mock_server.api,
        "--client-id",
        "x",
        "--client-secret",
        "y",
        "--token-url",
        mock_server.url + "/nowhere",
    )
    assert done.returncode == 2 and "token endpoint answered 404" in done.stderr


def test_list_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-checks"]) == 0
    listing = capsys.readouterr().out
    assert "not_a_server_error" in listing and "instance_progress" in listing and "invariants 13" in listing


def test_reports_and_deviations_against_the_real_quirks(real_server: RunningMock, tmp_path: Path) -> None:
    reset(real_server)
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    args = ["--base-url", real_server.api, *QUICK, "--phases", "auth,invariants"]
    done = cli(*args, "--report", str(report), "--junit-xml", str(junit), env={"CI": "1"})
    assert done.returncode == 1, done.stderr
    assert "[auth] started" in done.stderr and "violation:" in done.stderr  # plain progress lines in CI
    data = json.loads(report.read_text())
    assert data["exit_code"] == 1 and data["failures"]
    for failure in data["failures"]:
        assert {"check", "operation", "expected", "actual", "curl", "key"} <= set(failure)
    assert len({f["key"] for f in data["failures"]}) == len(data["failures"])  # each failure once
    suite = ET.parse(junit).getroot()
    assert int(suite.get("failures", "0")) == len(data["failures"]) and int(suite.get("tests", "0")) > 10
    # A vendor accepts every current finding: CI passes, and the summary lists them as accepted.
    deviations = tmp_path / "deviations.yaml"
    entries = [{"check": f["check"], "operation": f["operation"], "status": f["status"], "reason": "known"}
               for f in data["failures"]]  # fmt: skip
    deviations.write_text(yaml.safe_dump(entries))
    reset(real_server)
    again = cli(*args, "--allow-deviations", str(deviations), env={"CI": "1"})
    assert again.returncode == 0, again.stdout[-3000:]
    assert "Accepted deviations" in again.stdout and "accepted [" in again.stdout


def test_a_bad_deviations_file_exits_2(mock_server: RunningMock, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- check: no_such_check\n  reason: typo\n")
    done = cli("--base-url", mock_server.api, *QUICK, "--allow-deviations", str(bad))
    assert done.returncode == 2 and "no_such_check" in done.stderr
