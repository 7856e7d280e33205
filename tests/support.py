"""Test support: a real mock server on 127.0.0.1, clients, and spec-based response checks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "spec" / "orchestration.v1.yaml"
# The ledgers the test servers start with (tests/data/ledgers.yaml): default, main and the internal one.
LEDGERS = ROOT / "tests" / "data" / "ledgers.yaml"
V2_SPEC_PATH = ROOT / "spec" / "orchestration.v2.yaml"
CONTROL_SPEC_PATH = ROOT / "spec" / "control.v1.yaml"
PREFIX = "/api/orchestration"

# Workflow stages the SDK and proxy tests share: a send whose amount and metadata come from variables,
# and a wait that keeps a run open until the event `go`.
SEND_STAGE: dict[str, Any] = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "default"}},
        "destination": {"account": {"id": "bank", "ledger": "default"}},
        "amount": {"amount": "${amount}", "asset": "EUR/2"},
        "metadata": {"order": "${order}"},
    }
}
WAIT_STAGE: dict[str, Any] = {"wait_event": {"event": "go"}}
MISSING_ID = "00000000-0000-4000-8000-000000000000"  # a well-formed id no test creates


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving_in_thread(app: Any) -> Iterator[str]:
    """An ASGI app served by uvicorn on 127.0.0.1 from a thread of this process; yields its origin."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class RunningMock:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def api(self) -> str:
        return self.url + PREFIX


def wait_until_answers(process: subprocess.Popen[bytes], probe: str, log: Path, *, timeout: float) -> None:
    """Poll ``probe`` until it answers 200; raise with the server's log if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited early: {log.read_text()}")
        try:
            if httpx.get(probe, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{probe} did not answer within {timeout} s")
        time.sleep(0.05)


@contextmanager
def running_mock(*args: str, ready_timeout: float = 20.0) -> Iterator[RunningMock]:
    """Start ``python -m mockserver`` on a free loopback port and stop it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "mockserver", "--port", str(port), "--quiet", *args]
    # A file, not a pipe: a full pipe would block the server on its next log line.
    log = tempfile.NamedTemporaryFile(prefix="mock-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(process, url + "/_info", Path(log.name), timeout=ready_timeout)
        yield RunningMock(url=url, process=process, log=Path(log.name))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def create_ledger(ledger: httpx.Client, name: str) -> None:
    """``POST /api/ledger/v2/{name}`` on a client of the ledger API (the ``ledger`` fixture), as
    a stack's operator creates the ledgers workflows send on (the upstream spec requires a body)."""
    reply = ledger.post(f"/v2/{name}", json={})
    assert reply.status_code == 204, reply.text


def token_for(url: str, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials", "client_id": "tests", "client_secret": "secret"}
    if scope:
        data["scope"] = scope
    reply = httpx.post(url + "/api/auth/oauth/token", data=data)
    reply.raise_for_status()
    return reply.json()["access_token"]


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _match_path(spec: dict[str, Any], path: str) -> str:
    parts = path.strip("/").split("/") if path.strip("/") else []
    for template in spec["paths"]:
        tparts = template.strip("/").split("/") if template.strip("/") else []
        if len(tparts) == len(parts) and all(t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=True)):
            return template
    raise AssertionError(f"no path of the spec matches {path}")


@cache
def _parsed_spec(path: Path) -> dict[str, Any]:
    return load_spec(path)


def check_response(method: str, path: str, response: httpx.Response, spec_path: Path | None = None) -> None:
    """Assert that a response is one the spec declares for this operation, with a valid body
    (the v2 spec for paths under /v2, else the v1 spec, unless ``spec_path`` says)."""
    if path.startswith(PREFIX):
        path = path[len(PREFIX) :] or "/"
    spec = _parsed_spec(spec_path or (V2_SPEC_PATH if path.startswith("/v2/") else SPEC_PATH))
    template = _match_path(spec, path.split("?")[0])
    operation = spec["paths"][template][method.lower()]
    responses = operation["responses"]
    key = str(response.status_code) if str(response.status_code) in responses else "default"
    assert key in responses, f"{method} {path}: status {response.status_code} is not declared"
    declared = responses[key]
    if "$ref" in declared:
        declared = spec["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
        pointer = f"#/components/responses/{responses[key]['$ref'].rsplit('/', 1)[1]}/content/application~1json/schema"
    else:
        pointer = f"#/paths/{_escape(template)}/{method.lower()}/responses/{key}/content/application~1json/schema"
    content = declared.get("content")
    if not content:
        assert response.content == b"", f"{method} {path}: {response.status_code} must have no body"
        return
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    schema = dict(spec)
    schema["$ref"] = pointer
    errors = list(OAS30Validator(schema).iter_errors(response.json()))
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].path)}"


class Api:
    """An httpx client that checks every orchestration response against the spec."""

    def __init__(self, base: str, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=base, headers=headers, timeout=10)
        self.base = base

    def request(self, method: str, path: str, *, check: bool = True, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        if check:
            check_response(method, path, response)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def assert_plain_schemathesis_passes(
    mock: RunningMock, spec: Path, prefix: str, config_name: str, cwd: Path, *, max_examples: int = 10
) -> None:
    """Plain `st run` on ``spec`` against the mock at ``prefix``, with docs/``config_name`` (README's
    "Plain Schemathesis"), seed 1: exit 0, and the configuration was read, not skipped."""
    config = ROOT / "docs" / config_name
    st = Path(sys.executable).parent / "st"
    command = [
        str(st), "--config-file", str(config), "run", str(spec), "-u", mock.url + prefix,
        "-H", f"Authorization: Bearer {token_for(mock.url)}", "--seed", "1",
        "--max-examples", str(max_examples), "--generation-database", "none", "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Configuration:    " + str(config) in done.stdout
