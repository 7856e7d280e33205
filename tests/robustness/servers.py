"""Mock processes for the robustness tests: loopback only, access log on or off, always stopped.

``tests.support.running_mock`` always passes ``--quiet``; the log-leak test needs the
access log, and the restart tests need to kill and restart on the same state file.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support import ROOT, RunningMock, free_port


@functools.cache
def log_dir() -> str:
    """One directory for the logs of every mock this process starts, removed when it exits."""
    directory = tempfile.mkdtemp(prefix="robustness-logs-")
    atexit.register(shutil.rmtree, directory, True)
    return directory


def start(
    *args: str, quiet: bool = True, port: int | None = None, host: str | None = "127.0.0.1", ready_timeout: float = 20.0
) -> RunningMock:
    """Start ``python -m mockserver`` (a free port unless given) and wait until it answers on 127.0.0.1.

    ``host=None`` leaves ``--host`` out, to see where the mock binds by default."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "mockserver", "--port", str(port), *args]
    if host is not None:
        cmd += ["--host", host]
    if quiet:
        cmd.append("--quiet")
    log = tempfile.NamedTemporaryFile(prefix="mock-", suffix=".log", dir=log_dir(), delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=log,  # uvicorn writes its access log to stdout, the rest to stderr: keep both
        stderr=log,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log.close()  # the child keeps its own descriptor
    server = RunningMock(url=f"http://127.0.0.1:{port}", process=process, log=Path(log.name))
    deadline = time.monotonic() + ready_timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"mock exited early ({process.returncode}): {server.log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(server.url + "/_info", timeout=0.5).status_code == 200:
                return server
        if time.monotonic() > deadline:
            stop(server)
            raise RuntimeError("mock did not answer in time")
        time.sleep(0.05)


def stop(server: RunningMock, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
    """Send ``sig`` and wait; SIGKILL whatever is still alive after ``timeout``. Returns the exit code."""
    if server.process.poll() is None:
        server.process.send_signal(sig)
        try:
            server.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


@contextlib.contextmanager
def serving(
    *args: str, quiet: bool = True, port: int | None = None, host: str | None = "127.0.0.1"
) -> Iterator[RunningMock]:
    server = start(*args, quiet=quiet, port=port, host=host)
    try:
        yield server
    finally:
        stop(server)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI expecting it to refuse to start (port 1 is never reached)."""
    cmd = [sys.executable, "-m", "mockserver", "--port", "1", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)


def token(url: str, scope: str | None = None, client: str = "robust") -> str:
    data = {"grant_type": "client_credentials", "client_id": client, "client_secret": "robust"}
    if scope:
        data["scope"] = scope
    reply = httpx.post(url + "/api/auth/oauth/token", data=data, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def write_signing_key(path: Path) -> Path:
    """A fresh RSA key in PEM, for ``--signing-key``: tokens then outlive restarts, and tests can sign."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return path


__all__ = ["RunningMock", "free_port", "run_cli", "serving", "signal", "start", "stop", "token", "write_signing_key"]
