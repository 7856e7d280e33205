"""Plain `schemathesis run` on the wallets spec against the mock (spec mode) reports no failure, every check
on, with the configuration README's "Plain Schemathesis" section ships for the wallets
(docs/schemathesis-wallets.toml: positive data acceptance off where a 400 depends on the ledger's state)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import WALLETS_SPEC
from tests.support import RunningMock, assert_plain_schemathesis_passes


@pytest.mark.slow
def test_plain_schemathesis_finds_nothing_on_the_wallets(mock_server: RunningMock, tmp_path: Path) -> None:
    assert_plain_schemathesis_passes(mock_server, WALLETS_SPEC, "/api/wallets", "schemathesis-wallets.toml", tmp_path)
