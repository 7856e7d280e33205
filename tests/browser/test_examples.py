"""The user-facing pytest plugin: the examples pass, and nothing starts unless asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

# The project's own pytest11 plugin is irrelevant to these runs; disabling it by name is
# harmless once it exists and keeps the runs independent of it until then.
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:orchestration", "-p", "no:xdist"]


def test_the_examples_pass() -> None:
    result = subprocess.run([*PYTEST, "examples"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_plugin_starts_nothing_unless_the_fixture_is_requested(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["mockserver.testing"]\n')
    (tmp_path / "test_idle.py").write_text(
        "import threading\n\n"
        "def test_no_mock_thread():\n"
        "    assert [t.name for t in threading.enumerate() if t.name == 'orchestration-mock'] == []\n"
    )
    result = subprocess.run([*PYTEST, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
