"""A non-editable install works from any directory: code, spec and console scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import ROOT, free_port


def test_non_editable_install_serves_from_another_directory(tmp_path: Path) -> None:
    source = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", "build", "*.egg-info", "artifacts", ".hypothesis"
        ),
    )
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "orchestration_spec" / "orchestration.v1.yaml").is_file()
    assert (target / "orchestration_spec" / "orchestration.v2.yaml").is_file()
    assert (target / "bin" / "orchestration-mock").is_file()
    port = free_port()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", str(port), "--quiet"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/api/orchestration/_info", timeout=0.5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                assert time.monotonic() < deadline, "installed mock did not start"
                time.sleep(0.1)
        assert reply.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/_mock/ui/static/inspector.js").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/orchestration/ui/").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/orchestration/v2/ui/").status_code == 200
        loaded_from = subprocess.run(
            [sys.executable, "-c", "import mockserver; print(mockserver.__file__)"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert loaded_from.startswith(str(target))
    finally:
        process.terminate()
        process.wait(timeout=10)
