"""A failure's printed curl command reproduces it: run it and see the same violation."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from contract_tests.runner import run
from tests.contract.conftest import harness_config, reset
from tests.contract.faults import FAULTS
from tests.contract.proxy import RunningProxy
from tests.support import RunningMock, token_for


def replay(command: str, token: str) -> tuple[int, bytes]:
    """Run the command with curl (or, without curl, replay its arguments with httpx); return status and body."""
    if shutil.which("curl") and shutil.which("bash"):
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, timeout=30, env={**os.environ, "TOKEN": token}
        )
        head, _, body = done.stdout.partition(b"\r\n\r\n")
        return int(head.split()[1]), body
    words = shlex.split(command.replace('"Authorization: Bearer $TOKEN"', f"'Authorization: Bearer {token}'"))
    method, url = words[words.index("-X") + 1], words[words.index("-X") + 2]
    headers = dict(h.split(": ", 1) for h in (words[i + 1] for i, w in enumerate(words) if w == "-H"))
    data = words[words.index("--data-raw") + 1].encode() if "--data-raw" in words else None
    reply = httpx.request(method, url, headers=headers, content=data)
    return reply.status_code, reply.content


@pytest.mark.parametrize(
    ("fault_name", "check"),
    [("create_201_as_200", "documented_success_status"), ("unknown_instance_500", "not_a_server_error")],
)
def test_the_printed_curl_reproduces_the_violation(
    fault_name: str, check: str, mock_server: RunningMock, proxy: RunningProxy, tmp_path: Path
) -> None:
    reset(mock_server)
    proxy.use(next(f for f in FAULTS if f.name == fault_name))
    try:
        report_path = tmp_path / "report.json"
        run(harness_config(proxy.api, phases=("invariants",), report_path=report_path)).write_json(report_path)
        failures = [f for f in json.loads(report_path.read_text())["failures"] if f["check"] == check]
        assert failures, f"{check} did not fire for {fault_name}"
        failure = failures[0]
        assert '"Authorization: Bearer $TOKEN"' in failure["curl"]  # a placeholder, never the real token
        status, body = replay(failure["curl"], token_for(proxy.url))
    finally:
        proxy.use(None)
    assert status == failure["status"]
    assert failure["actual"].startswith(str(status))
    if status >= 400:
        assert json.loads(body)["errorCode"] in failure["actual"]
