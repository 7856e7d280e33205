"""The command line: options, clean shutdown, and refusing to start on bad input."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from tests.support import ROOT, running_mock, token_for


def test_sigterm_stops_cleanly() -> None:
    with running_mock() as server:
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=10) == 0


def test_sigint_stops_cleanly() -> None:
    with running_mock() as server:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=10) == 0


def test_a_bad_fixture_file_exits_2_with_a_message(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("workflows:\n  - stages:\n      - teleport: {}\n")
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "--fixtures", str(bad), "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr and "teleport" in done.stderr


@pytest.mark.parametrize("flag", [["--quirks", "odd"], ["--clock", "slow"], ["--port", "x"]])
def test_invalid_options_are_refused(flag: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", *flag], cwd=ROOT, capture_output=True, timeout=30)
    assert done.returncode == 2


def test_seeded_runs_hand_out_the_same_ids() -> None:
    ids = []
    for _ in range(2):
        with running_mock("--seed", "42", "--clock", "manual") as server:
            headers = {"Authorization": f"Bearer {token_for(server.url)}"}
            reply = httpx.post(server.api + "/workflows", json={"stages": []}, headers=headers)
            ids.append(reply.json()["data"]["id"])
    assert ids[0] == ids[1]


def test_auth_off_accepts_anonymous_requests() -> None:
    with running_mock("--auth", "off") as server:
        assert httpx.get(server.api + "/workflows").status_code == 200


def test_control_api_can_be_disabled_or_put_behind_a_token() -> None:
    with running_mock("--control", "off") as server:
        reply = httpx.post(server.url + "/_mock/reset")
        assert reply.status_code == 404
        assert reply.json()["errorCode"] == "NOT_FOUND"
    with running_mock("--control-token", "letmein") as server:
        assert httpx.post(server.url + "/_mock/reset").status_code == 401
        ok = httpx.post(server.url + "/_mock/reset", headers={"Authorization": "Bearer letmein"})
        assert ok.status_code == 204


def test_cors_is_off_by_default_and_an_allow_list_when_on() -> None:
    preflight = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    with running_mock() as server:
        reply = httpx.options(server.api + "/workflows", headers=preflight)
        assert "access-control-allow-origin" not in reply.headers
    with running_mock("--cors-origin", "http://localhost:3000") as server:
        reply = httpx.options(server.api + "/workflows", headers=preflight)
        assert reply.status_code == 200
        assert reply.headers["access-control-allow-origin"] == "http://localhost:3000"
        other = httpx.options(server.api + "/workflows", headers={**preflight, "Origin": "http://evil.test"})
        assert "access-control-allow-origin" not in other.headers


LEAN_IMPORT = """
import sys
from mockserver.cli import _lean_connexion_import
with _lean_connexion_import():
    import mockserver.app
    import connexion.apps.abstract as abstract
skipped = [m for m in ("requests", "starlette.testclient", "rich", "click.testing") if m in sys.modules]
try:
    abstract.TestClient(None)
except RuntimeError as exc:
    refused = str(exc)
import requests, starlette.testclient
print(skipped, refused, callable(requests.get), starlette.testclient.TestClient.__module__)
"""


def test_the_server_imports_connexion_without_its_unused_modules_and_gives_them_back() -> None:
    done = subprocess.run([sys.executable, "-c", LEAN_IMPORT], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "[] starlette.testclient is not loaded in the orchestration-mock server process True starlette.testclient"
    )
