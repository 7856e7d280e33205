"""The official TypeScript SDK (@formance/formance-sdk 7.x, unchanged) against the mock's orchestration v2
and ledger v2.

``tests/typescript_sdk/check.mjs`` does the calls; this test installs its node project when
``node_modules`` is missing and runs one of its scenarios against the session's mock.
Node and npm are required: without them the test fails, it does not skip.

The install runs once per checkout under a file lock and is marked done only when it succeeded:
``npm ci`` first deletes ``node_modules``, so two xdist workers installing at once would pull the
SDK from under each other's running checks (CI saw half-installed modules that way).
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess

import httpx
import pytest

from tests.support import ROOT, RunningMock

PROJECT = ROOT / "tests" / "typescript_sdk"
INSTALLED = PROJECT / "node_modules" / ".installed-by-tests"
NPM_TIMEOUT = 180

# Every test that runs node shares one worker, so no check runs while another worker installs.
pytestmark = pytest.mark.xdist_group("typescript_sdk")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not on PATH: the TypeScript SDK test needs node and npm (install Node.js 18+)")
    return found


@pytest.fixture(scope="module")
def node_project() -> str:
    """The node executable, once the pinned SDK is installed into tests/typescript_sdk/node_modules."""
    node, npm = tool("node"), tool("npm")
    with open(PROJECT / "package.json") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not INSTALLED.is_file():
            install(npm)
    return node


def install(npm: str) -> None:
    command = "ci" if (PROJECT / "package-lock.json").is_file() else "install"
    done = subprocess.run(
        [npm, command, "--no-audit", "--no-fund"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"npm {command} failed:\n{done.stdout}\n{done.stderr}"
    INSTALLED.touch()


def run_check(node: str, mock: RunningMock, scenario: str) -> subprocess.CompletedProcess[str]:
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    return subprocess.run(
        [node, "check.mjs", mock.url, scenario],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_typescript_sdk_round_trip_workflow_instance_paging_trigger(
    node_project: str, mock_server: RunningMock
) -> None:
    done = run_check(node_project, mock_server, "main")
    assert done.returncode == 0, f"check.mjs main failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.rstrip().endswith("all checks passed"), done.stdout


def test_typescript_sdk_decodes_trigger_tests_whose_filter_or_variables_are_null(
    node_project: str, mock_server: RunningMock
) -> None:
    """The v2 spec makes ``V2TriggerTest.filter``/``.variables`` nullable (the service sends null);
    the SDK, generated from upstream where they are not nullable, must still read those answers."""
    done = run_check(node_project, mock_server, "trigger-test-nulls")
    assert done.returncode == 0, f"check.mjs trigger-test-nulls failed:\n{done.stdout}\n{done.stderr}"


def test_typescript_sdk_ledger_transactions_cursor_account_volumes_revert(
    node_project: str, mock_server: RunningMock
) -> None:
    done = run_check(node_project, mock_server, "ledger")
    assert done.returncode == 0, f"check.mjs ledger failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.rstrip().endswith("all checks passed"), done.stdout


def test_typescript_sdk_reads_and_writes_what_flows_v260_adds(node_project: str, mock_server: RunningMock) -> None:
    """Trigger versions, the workflow an instance embeds, the send shapes and CreateTransferInitiation."""
    done = run_check(node_project, mock_server, "v260")
    assert done.returncode == 0, f"check.mjs v260 failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.rstrip().endswith("all checks passed"), done.stdout
