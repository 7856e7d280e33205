"""Attacks on the bearer auth, configurable clients, and an access log that leaks nothing."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from mockserver import cli
from tests.robustness import servers
from tests.robustness.forgery import CLIENT_ARGS, CLIENT_SECRET, attack, bypasses, grant, log_leaks
from tests.support import RunningMock


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return servers.write_signing_key(tmp_path_factory.mktemp("auth") / "key.pem")


@pytest.fixture(scope="module")
def secured(key_file: Path) -> Iterator[RunningMock]:
    with servers.serving("--signing-key", str(key_file), "--token-lifetime", "1800", *CLIENT_ARGS) as server:
        yield server


def test_every_forged_or_malformed_token_is_refused(secured: RunningMock, key_file: Path) -> None:
    outcomes = attack(secured.url, key_file)
    wrong = [
        f"{o.case.name}: {o.status} {o.error_code}, expected {o.case.expected}" for o in outcomes if not o.as_expected
    ]
    assert wrong == []
    assert sum(o.case.expected >= 400 for o in outcomes) >= 25


def test_path_spellings_do_not_bypass_auth(secured: RunningMock) -> None:
    assert bypasses(secured.url) == []


def test_only_configured_clients_get_tokens(secured: RunningMock) -> None:
    assert grant(secured.url).status_code == 200
    assert grant(secured.url, "other", "with:colons").status_code == 200  # the secret may contain ':'
    assert grant(secured.url, "app", "wrong").status_code == 401
    assert grant(secured.url, "app", "").status_code == 401
    assert grant(secured.url, "stranger", CLIENT_SECRET).status_code == 401
    basic = base64.b64encode(f"app:{CLIENT_SECRET}".encode()).decode()
    reply = httpx.post(
        secured.url + "/api/auth/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert reply.status_code == 200


def test_tokens_carry_the_configured_lifetime(secured: RunningMock) -> None:
    issued = grant(secured.url).json()
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert issued["expires_in"] == 1800
    assert claims["exp"] - claims["iat"] == 1800


def test_a_signing_key_keeps_tokens_valid_across_restarts(key_file: Path) -> None:
    port = servers.free_port()
    with servers.serving("--signing-key", str(key_file), port=port) as first:
        token = servers.token(first.url)
    with servers.serving("--signing-key", str(key_file), port=port) as second:
        reply = httpx.get(second.api + "/workflows", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200


def test_bad_signing_key_or_lifetime_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    refused = (
        ["--signing-key", str(junk)],
        ["--signing-key", str(tmp_path / "missing.pem")],
        ["--token-lifetime", "0"],
    )
    for args in refused:
        assert cli.main(["--port", "1", *args]) == 2, args
        assert "cannot start" in capsys.readouterr().err


def test_the_access_log_leaks_no_secret_and_no_token(key_file: Path) -> None:
    leaked, log = log_leaks(key_file)
    assert '"GET /api/orchestration/workflows' in log  # the access log was on
    assert leaked == []
