"""Plain `schemathesis run` on the ledger spec against the mock (spec mode) reports no failure, every check
on, with the configuration README's "Plain Schemathesis" section ships for the ledger
(docs/schemathesis-ledger.toml: positive data acceptance off where a 400 depends on the ledger's state or on
a rule between fields, negative data rejection off on the lists, whose cursor makes the release read nothing
else)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spec import LEDGER_SPEC
from tests.support import ROOT, RunningMock, token_for

CONFIG = ROOT / "docs" / "schemathesis-ledger.toml"


@pytest.mark.slow
def test_plain_schemathesis_finds_nothing_on_the_ledger(mock_server: RunningMock, tmp_path: Path) -> None:
    st = Path(sys.executable).parent / "st"
    command = [
        str(st), "--config-file", str(CONFIG), "run", str(LEDGER_SPEC), "-u", mock_server.url + "/api/ledger",
        "-H", f"Authorization: Bearer {token_for(mock_server.url)}", "--seed", "1",
        "--max-examples", "10", "--generation-database", "none", "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Configuration:    " + str(CONFIG) in done.stdout  # the file was read, not skipped
