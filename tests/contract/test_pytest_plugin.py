"""The pytest plugin: inert unless asked, and the same suite as test items when given a base URL."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.contract.conftest import reset
from tests.support import ROOT, RunningMock


def pytest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    installed = any(e.value == "contract_tests.pytest_plugin" for e in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "contract_tests.pytest_plugin"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin, *args],
        cwd=cwd, capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip


def suite_items(base_url: str, api: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The suite as test items (``--pyargs contract_tests.suite -v``) for ``api``, two examples an operation."""
    return pytest_run(
        "--orchestration-base-url", base_url, "--orchestration-api", api,
        "--orchestration-client-id", "contract-tests", "--orchestration-client-secret", "secret",
        "--orchestration-max-examples", "2", "--pyargs", "contract_tests.suite", "-v", "-rN",
        cwd=cwd,
    )  # fmt: skip


def test_without_a_base_url_the_plugin_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    done = pytest_run("-q", cwd=tmp_path)
    assert done.returncode == 0 and "1 passed" in done.stdout
    assert "--orchestration-base-url" in pytest_run("--help", cwd=tmp_path).stdout


def test_the_suite_as_test_items(real_server: RunningMock, tmp_path: Path) -> None:
    reset(real_server)
    done = pytest_run(
        "--orchestration-base-url", real_server.api, "--orchestration-client-id", "contract-tests",
        "--orchestration-client-secret", "secret", "--orchestration-max-examples", "2",
        "--orchestration-poll-timeout", "0.05", "--pyargs", "contract_tests.suite", "-v", "-rN",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-2000:]
    assert "test_check[not_a_server_error] FAILED" in done.stdout
    assert "test_check[envelope] PASSED" in done.stdout
    assert "test_check[unique_ids] PASSED" in done.stdout
