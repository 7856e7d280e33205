"""The two servers under test, the tools the benchmark needs, and small HTTP helpers.

The mock is started exactly as a user would (`python -m mockserver`); Prism is the npm
package installed into benchmarks/.cache, started on the upstream spec when the shared
folder beside the checkout has it. The mock serves v1 and v2 on one state; Prism serves one
spec per process, so the v2 scenarios get a Prism of their own.
"""

from __future__ import annotations

import compileall
import http.client
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import procs

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
API_VERSIONS = ("v1", "v2")
# The ledger's Prism serves the project's own ledger spec, the one the mock validates against.
LEDGER_SPEC = ROOT / "spec" / "ledger.v2.yaml"
UPSTREAM_SPECS = {
    v: ROOT.parent / "shared" / "reference" / f"upstream-orchestration-{v}.openapi.yaml" for v in API_VERSIONS
}
PROJECT_SPECS = {v: ROOT / "spec" / f"orchestration.{v}.yaml" for v in API_VERSIONS}
# The path polled until a server answers: v2's spec has no /_info, only /v2/_info.
INFO_PATHS = {"v1": "/_info", "v2": "/v2/_info", "ledger": "/_/info"}
MOCK_PREFIX = "/api/orchestration"
HOST = "127.0.0.1"


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    # Where the orchestration paths live: the mock's gateway prefix, Prism's root.
    prefix: str
    log: Path
    info_path: str = INFO_PATHS["v1"]

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}{self.prefix}{path}"

    @property
    def pid(self) -> int:
        return self.proc.pid


def log(message: str) -> None:
    print(message, flush=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk from apt ...")
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True).returncode:
        # A fresh machine has no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def ensure_bytecode() -> None:
    """Compile the project's modules as pip does for an installed package.

    An editable install writes bytecode on first import, unless PYTHONDONTWRITEBYTECODE is
    set (some CI images and sandboxes set it): then every start would compile the mock
    from source, which no user's second start does, and start-up would be mismeasured.
    """
    for package in ("mockserver", "spec", "contract_tests"):
        compileall.compile_dir(ROOT / package, quiet=1)


def prism_bin() -> Path:
    return CACHE / "node_modules" / ".bin" / "prism"


def ensure_prism() -> Path:
    binary = prism_bin()
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing: install nodejs and npm (apt-get install -y nodejs npm)")
    log(f"installing {PRISM_PACKAGE} into {CACHE} ...")
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--loglevel=error", PRISM_PACKAGE],
        check=True,
    )
    return binary


def prism_version() -> str:
    package = CACHE / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        import json

        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def prism_spec(version: str = "v1") -> Path:
    if version == "ledger":
        return LEDGER_SPEC
    upstream = UPSTREAM_SPECS[version]
    return upstream if upstream.exists() else PROJECT_SPECS[version]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def mock_command(port: int, *, quiet: bool = True, extra: tuple[str, ...] = ()) -> list[str]:
    cmd = [sys.executable, "-m", "mockserver", "--host", HOST, "--port", str(port), "--auth", "on", *extra]
    return [*cmd, "--quiet"] if quiet else cmd


def prism_command(port: int, log_level: str, version: str = "v1") -> list[str]:
    return [str(prism_bin()), "mock", "-h", HOST, "-p", str(port), "-v", log_level, str(prism_spec(version))]


def http_status(port: int, path: str, timeout: float = 1.0) -> int:
    """Status of one GET on a fresh connection, 0 when nothing answers yet."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def wait_ready(server: Server, timeout: float = 60.0) -> float:
    """The perf_counter() instant /_info first answered 200; polls every 5 ms so the figure is not quantised."""
    started = time.perf_counter()
    path = f"{server.prefix}{server.info_path}"
    while time.perf_counter() - started < timeout:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}; see {server.log}")
        if http_status(server.port, path, timeout=0.5) == 200:
            return time.perf_counter()
        time.sleep(0.005)
    raise RuntimeError(f"{server.name} did not answer {path} within {timeout} s")


def start_mock(tag: str, *, quiet: bool = True, extra: tuple[str, ...] = ()) -> Server:
    port = free_port()
    log_path = LOGS / f"mock-{tag}.log"
    proc = procs.spawn(mock_command(port, quiet=quiet, extra=extra), log_path, cwd=ROOT)
    return Server("mock", proc, port, MOCK_PREFIX, log_path)


def start_prism(tag: str, log_level: str, version: str = "v1") -> Server:
    """Prism on one version's spec; its paths are the spec's own (v2's start with /v2)."""
    port = free_port()
    log_path = LOGS / (f"prism-{tag}.log" if version == "v1" else f"prism-{version}-{tag}.log")
    proc = procs.spawn(prism_command(port, log_level, version), log_path, cwd=CACHE)
    return Server("prism", proc, port, "", log_path, INFO_PATHS[version])


def mock_token(server: Server) -> str:
    """A real RS256 token from the mock's OAuth2 endpoint."""
    import httpx

    response = httpx.post(
        f"{server.origin}/api/auth/oauth/token",
        timeout=10,
        data={"grant_type": "client_credentials", "client_id": "bench", "client_secret": "bench"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
