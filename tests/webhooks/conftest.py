"""One in-process mock for the webhooks tests (the project's pytest plugin), reset before each test.

The plugin's fixtures are imported rather than declared with ``pytest_plugins``, which only a
top-level conftest may do. The mock loads the test ledgers, runs a manual clock and seed 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver import testing as plugin
from mockserver.testing import OrchestrationMock
from tests.support import LEDGERS

_orchestration_mock_server = plugin._orchestration_mock_server
orchestration_mock = plugin.orchestration_mock
webhook_receiver = plugin.webhook_receiver
webhook_receiver_event_types = plugin.webhook_receiver_event_types


@pytest.fixture(scope="session")
def orchestration_mock_options() -> dict[str, Any]:
    return {"fixtures": [LEDGERS]}


@pytest.fixture
def mock(orchestration_mock: OrchestrationMock) -> OrchestrationMock:
    return orchestration_mock


@pytest.fixture
def hooks(mock: OrchestrationMock) -> Iterator[httpx.Client]:
    """The webhooks API of the test's mock, with a read and write token."""
    with httpx.Client(
        base_url=mock.url + "/api/webhooks", headers={"Authorization": f"Bearer {mock.token}"}, timeout=10
    ) as client:
        yield client
