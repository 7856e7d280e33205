"""Clients of the session mocks' wallets API (``/api/wallets``) and of the ledger the wallets live in."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import RunningMock, token_for
from tests.wallets.support import Wallets


@pytest.fixture
def wallets(mock_server: RunningMock, write_token: str) -> Iterator[Wallets]:
    """The spec-mode mock's wallets API, after a reset."""
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    with Wallets(mock_server.url, write_token) as client:
        yield client


@pytest.fixture
def real_wallets(real_server: RunningMock) -> Iterator[Wallets]:
    """The ``--quirks real`` mock's wallets API, after a reset."""
    httpx.post(real_server.url + "/_mock/reset").raise_for_status()
    with Wallets(real_server.url, token_for(real_server.url)) as client:
        yield client
