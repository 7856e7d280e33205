"""How long the contract suite takes against the mock, next to a plain Schemathesis run of the same size.

    .venv/bin/python benchmarks/contract_speed.py [--max-examples N] [--timeout S]

Each tool gets a fresh mock with its access log on, so the requests it sent are counted the
same way for both, whatever each tool calls a "case".
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import servers
from servers import LOGS, RESULTS, ROOT, Server, log

# uvicorn's format ("GET /p HTTP/1.1" 200) and the mock's own access log ("GET /p" 200 1.0ms) alike.
ACCESS_LINE = re.compile(r'"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^"]*" \d{3}\b')
SCHEMATHESIS_CASES = re.compile(r"(\d+) generated")
SUITE_REPORT = RESULTS / "contract-report.json"
FALLBACK_MAX_EXAMPLES = 12


def default_max_examples() -> int:
    """The suite's own default, so Schemathesis generates as much as a default suite run."""
    try:
        from contract_tests.core.config import DEFAULT_MAX_EXAMPLES
    except ImportError:
        return FALLBACK_MAX_EXAMPLES
    return int(DEFAULT_MAX_EXAMPLES)


def served_requests(server: Server) -> int:
    try:
        text = server.log.read_text(errors="replace")
    except OSError:
        return 0
    return sum(1 for line in text.splitlines() if ACCESS_LINE.search(line))


def timed(cmd: list[str], log_name: str, timeout: float) -> tuple[int | None, float, str]:
    """Exit code (None on timeout), wall seconds and output of one bounded run."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False, stdin=subprocess.DEVNULL
        )
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        code = None
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    except FileNotFoundError as exc:
        code, output = 127, str(exc)
    wall = time.perf_counter() - started
    (LOGS / log_name).write_text(output)
    return code, round(wall, 2), output


def against_fresh_mock(
    cmd_for: Callable[[Server, str], list[str]], name: str, timeout: float
) -> tuple[dict[str, Any], str]:
    """Run one tool against a new mock and count what the mock served while it ran."""
    server = servers.start_mock(name, quiet=False)
    try:
        servers.wait_ready(server)
        token = servers.mock_token(server)
        time.sleep(0.2)  # let the access log flush our own readiness and token requests
        before = served_requests(server)
        code, wall, output = timed(cmd_for(server, token), f"{name}.log", timeout)
        time.sleep(0.2)
        requests = served_requests(server) - before
    finally:
        procs.stop(server.proc)
    result = {
        "exit_code": code,
        "wall_s": wall,
        "requests": requests,
        "requests_per_s": round(requests / wall, 1) if wall else None,
        "output_tail": output[-1500:],
        "log": str(LOGS / f"{name}.log"),
    }
    return result, output


def contract_cli() -> Path:
    return Path(sys.executable).parent / "orchestration-contract"


def cli_importable() -> str | None:
    """Why the suite's CLI cannot run, or None: a crash on import must not pass for a run that found violations."""
    done = subprocess.run(
        [sys.executable, "-c", "import contract_tests.cli"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["import failed"])[-1]


def suite_counts() -> dict[str, Any]:
    """Cases = requests the suite itself counted per operation; check runs = assertions it evaluated."""
    try:
        report = json.loads(SUITE_REPORT.read_text())
        cases = sum(int(op["requests"]) for op in report["operations"].values())
        checks = sum(int(check["runs"]) for check in report["checks"].values())
    except (OSError, ValueError, KeyError, TypeError):
        return {"cases": None, "check_runs": None}
    return {"cases": cases, "check_runs": checks, "suite_duration_s": report.get("duration")}


def run_suite(timeout: float) -> dict[str, Any]:
    cli = contract_cli()
    SUITE_REPORT.unlink(missing_ok=True)
    if not cli.exists():
        return {"available": False, "reason": f"{cli} is not installed"}
    broken = cli_importable()
    if broken:
        return {"available": False, "reason": broken}

    def cmd(server: Server, _token: str) -> list[str]:
        # Default options; the mock runs with --auth on, so the suite needs client credentials (any are accepted).
        # The JSON report only adds a file write and gives the suite's own counts.
        return [
            str(cli),
            "--base-url",
            server.url(""),
            "--client-id",
            "bench",
            "--client-secret",
            "bench",
            "--report",
            str(SUITE_REPORT),
        ]

    result, output = against_fresh_mock(cmd, "contract-suite", timeout)
    # 0: conforming, 1: violations found; both are complete runs whose time counts. Anything else did not run.
    crashed = "Traceback (most recent call last)" in output or not result["requests"]
    result["available"] = result["exit_code"] in (0, 1) and not crashed
    if not result["available"]:
        result["reason"] = (
            "timed out"
            if result["exit_code"] is None
            else f"exit code {result['exit_code']}" + (", crashed" if crashed else "")
        )
    result.update(suite_counts())
    if result["cases"] and result["wall_s"]:
        result["cases_per_s"] = round(result["cases"] / result["wall_s"], 1)
    return result


def run_schemathesis(max_examples: int, timeout: float) -> dict[str, Any]:
    binary = Path(sys.executable).parent / "schemathesis"

    def cmd(server: Server, token: str) -> list[str]:
        return [
            str(binary),
            "run",
            "spec/orchestration.v1.yaml",
            "--url",
            server.url(""),
            "--max-examples",
            str(max_examples),
            "-H",
            f"Authorization: Bearer {token}",
        ]

    result, output = against_fresh_mock(cmd, "schemathesis", timeout)
    cases = SCHEMATHESIS_CASES.findall(output)
    result["cases"] = int(cases[-1]) if cases else None
    if result["cases"] and result["wall_s"]:
        result["cases_per_s"] = round(result["cases"] / result["wall_s"], 1)
    # Exit 1 means Schemathesis found failures; the run itself completed.
    result["available"] = result["exit_code"] in (0, 1)
    return result


def run_contract_speed(max_examples: int | None = None, timeout: float = 120.0) -> dict[str, Any]:
    examples = max_examples or default_max_examples()
    log(f"contract speed: orchestration-contract (default) vs schemathesis --max-examples {examples} ...")
    suite = run_suite(timeout)
    if suite["available"]:
        log(
            f"  orchestration-contract: {suite['wall_s']} s, {suite['requests']} requests served "
            f"({suite['requests_per_s']}/s), {suite['cases']} cases, {suite['check_runs']} check runs, "
            f"exit {suite['exit_code']}"
        )
    else:
        log(f"  orchestration-contract: not available ({suite['reason']})")
    plain = run_schemathesis(examples, timeout)
    log(
        f"  schemathesis: {plain['wall_s']} s, {plain['cases']} cases, {plain['requests']} requests, "
        f"exit {plain['exit_code']}"
    )
    return {"max_examples": examples, "suite": suite, "schemathesis": plain}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=None, help="default: the suite's own default")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed to each run")
    args = parser.parse_args(argv)
    try:
        result = run_contract_speed(args.max_examples, args.timeout)
    finally:
        procs.stop_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "contract.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
