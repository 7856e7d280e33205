"""Plain `schemathesis run` on the ledger spec against the mock (spec mode) reports no failure, every check
on, with the configuration README's "Plain Schemathesis" section ships for the ledger
(docs/schemathesis-ledger.toml: positive data acceptance off where a 400 depends on the ledger's state or on
a rule between fields, negative data rejection off on the lists, whose cursor makes the release read nothing
else)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import LEDGER_SPEC
from tests.support import RunningMock, assert_plain_schemathesis_passes


@pytest.mark.slow
def test_plain_schemathesis_finds_nothing_on_the_ledger(mock_server: RunningMock, tmp_path: Path) -> None:
    assert_plain_schemathesis_passes(mock_server, LEDGER_SPEC, "/api/ledger", "schemathesis-ledger.toml", tmp_path)
