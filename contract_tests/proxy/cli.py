"""`orchestration-contract proxy`: flags -> `ProxySettings` -> `serve` -> exit code.

Exit codes: 0 nothing the allow-list does not accept was seen, 1 violations, 2 could not run (bad
arguments, an unreadable allow-list, a port already taken).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_tests.core.errors import CouldNotRun
from contract_tests.core.versions import ORCHESTRATION_CHOICES
from contract_tests.proxy.core import serve
from contract_tests.proxy.settings import DEFAULT_PORT, ProxySettings

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orchestration-contract proxy",
        description=(
            "A validating reverse proxy: forwards every request to --upstream unchanged, answers with the "
            "upstream's answer plus X-Contract-Violations: N, and checks each exchange against the specs and a "
            "model of the traffic seen. Findings go to stderr as they happen and to GET /_proxy/violations; "
            "POST /_proxy/reset forgets them. SIGINT/SIGTERM writes the reports and exits 1 on violations, else 0."
        ),
    )
    p.add_argument("--upstream", required=True, help="the backend's origin, e.g. http://127.0.0.1:55001 (required)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument(
        "--api",
        choices=ORCHESTRATION_CHOICES,
        default="all",
        help="which API version's operations to check (default all); other paths are forwarded unchecked",
    )
    p.add_argument("--report", type=Path, help="on exit, write a JSON report of every finding here")
    p.add_argument("--junit-xml", type=Path, help="on exit, write a JUnit XML report here (one test case per check)")
    p.add_argument(
        "--allow-deviations",
        type=Path,
        help="YAML list of accepted deviations (check, operation?, status?, match?, reason) or a shipped name "
        "such as real-service: matching findings are listed as accepted and do not fail the exit code",
    )
    p.add_argument(
        "--upstream-timeout",
        type=float,
        default=30.0,
        help="seconds to wait for the upstream before answering 502 (default 30)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = ProxySettings(
            upstream=args.upstream,
            host=args.host,
            port=args.port,
            api=args.api,
            report=args.report,
            junit_xml=args.junit_xml,
            deviations=args.allow_deviations,
            upstream_timeout=args.upstream_timeout,
        )
        return serve(settings)
    except CouldNotRun as exc:
        print(f"orchestration-contract proxy: could not run: {exc}", file=sys.stderr)
        return 2
