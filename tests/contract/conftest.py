"""Fixtures joining the contract suite and the project's mock: the mocks come from tests/conftest.py, the
fault-injection proxy sits in front of the spec-mode mock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contract_tests.core.config import Config
from contract_tests.reports.report import Report
from contract_tests.runner import run
from tests.contract.proxy import RunningProxy, running_proxy
from tests.support import RunningMock


def reset(mock: RunningMock) -> None:
    httpx.post(mock.url + "/_mock/reset", timeout=10).raise_for_status()


def harness_config(base_url: str, **changes: Any) -> Config:
    """Small and fast: the quick profile, and short polls (the mock is synchronous; a fault makes polls wait)."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "client_id": "contract-tests",
        "client_secret": "secret",
        "max_examples": 2,
        "poll_timeout": 0.05,
        "seed": 0,
    }
    return Config(**{**settings, **changes})


def run_suite(base_url: str, **changes: Any) -> Report:
    return run(harness_config(base_url, **changes))


@pytest.fixture(scope="session")
def proxy(mock_server: RunningMock) -> Iterator[RunningProxy]:
    with running_proxy(mock_server.url) as running:
        yield running
