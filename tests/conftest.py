"""Shared fixtures: one real mock per mode and worker, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import LEDGERS, Api, RunningMock, running_mock, token_for


@pytest.fixture(scope="session")
def mock_server() -> Iterator[RunningMock]:
    with running_mock("--clock", "manual", "--seed", "7", "--fixtures", str(LEDGERS)) as server:
        yield server


@pytest.fixture(scope="session")
def real_server() -> Iterator[RunningMock]:
    with running_mock("--clock", "manual", "--seed", "7", "--quirks", "real", "--fixtures", str(LEDGERS)) as server:
        yield server


@pytest.fixture(scope="session")
def write_token(mock_server: RunningMock) -> str:
    return token_for(mock_server.url)


@pytest.fixture
def control(mock_server: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.url + "/_mock", timeout=10) as client:
        yield client


@pytest.fixture
def api(mock_server: RunningMock, write_token: str) -> Iterator[Api]:
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    client = Api(mock_server.api, write_token)
    yield client
    client.client.close()


@pytest.fixture
def ledger(api: Api, mock_server: RunningMock, write_token: str) -> Iterator[httpx.Client]:
    """The ledger API (``/api/ledger``) of the mock ``api`` talks to, after its reset: it has the
    ledgers of tests/data/ledgers.yaml; any other exists only once created there
    (``POST /v2/{ledger}``, see ``create_ledger``) or by a fixture."""
    headers = {"Authorization": f"Bearer {write_token}"}
    with httpx.Client(base_url=mock_server.url + "/api/ledger", headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
def real_api(real_server: RunningMock) -> Iterator[Api]:
    httpx.post(real_server.url + "/_mock/reset").raise_for_status()
    client = Api(real_server.api, token_for(real_server.url))
    yield client
    client.client.close()
