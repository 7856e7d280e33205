"""Plain `schemathesis run` on the project's own specs against its own mock (spec mode) reports no failure
(issue 13, item 7): every rule the mock enforces that a request schema can state is in the spec, and the
rules that depend on state or that no schema can state are switched off, operation by operation, by the
configuration README's "Plain Schemathesis" section ships (docs/schemathesis.toml).

The command is the one README shows: every check is on by default, and `--checks all` is left out on
purpose, because a check named on the command line wins over the file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, SPEC_PATH, V2_SPEC_PATH, RunningMock, token_for

CONFIG = ROOT / "docs" / "schemathesis.toml"


@pytest.mark.slow
@pytest.mark.parametrize("spec", [SPEC_PATH, V2_SPEC_PATH], ids=["v1", "v2"])
def test_plain_schemathesis_finds_nothing(mock_server: RunningMock, spec: Path, tmp_path: Path) -> None:
    st = Path(sys.executable).parent / "st"
    command = [
        str(st), "--config-file", str(CONFIG), "run", str(spec), "-u", mock_server.api,
        "-H", f"Authorization: Bearer {token_for(mock_server.url)}", "--seed", "1",
        "--max-examples", "10", "--generation-database", "none", "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Configuration:    " + str(CONFIG) in done.stdout  # the file was read, not skipped
