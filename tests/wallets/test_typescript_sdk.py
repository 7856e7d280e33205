"""The official TypeScript SDK (@formance/formance-sdk 7.x, unchanged) on the wallets API: one flow,
``tests/typescript_sdk/wallets.mjs``, against the session's mock (node and npm required, as for
tests/test_typescript_sdk.py, whose fixture installs the SDK)."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.support import RunningMock
from tests.test_typescript_sdk import PROJECT, node_project  # noqa: F401  (the fixture)

pytestmark = pytest.mark.xdist_group("typescript_sdk")


def test_typescript_sdk_wallet_flow(node_project: str, mock_server: RunningMock) -> None:  # noqa: F811
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    done = subprocess.run(
        [node_project, "wallets.mjs", mock_server.url],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"wallets.mjs failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.rstrip().endswith("all checks passed"), done.stdout
