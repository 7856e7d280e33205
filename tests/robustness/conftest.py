"""Fixtures of the robustness tests: a mock of their own, so fuzzing never disturbs other tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.robustness import servers
from tests.support import RunningMock


@pytest.fixture(scope="session")
def demo_mock() -> Iterator[RunningMock]:
    """Seeded, manual clock, demo fixtures: a reset always brings back the same ids."""
    with servers.serving("--clock", "manual", "--seed", "1", "--fixtures", "fixtures/demo.yaml") as server:
        yield server
