"""`orchestration-contract`: flags -> `Config` -> `runner.run` -> summary, files, exit code.

`orchestration-contract proxy ...` is the validating proxy instead (`proxy/cli.py`), `orchestration-contract
diff ...` the differential run of two implementations (`diff/cli.py`).

Exit codes: 0 the implementation conforms (accepted deviations aside), 1 violations, 2 could not run
(unreachable server, refused credentials, bad arguments, or an incomplete run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_tests.checks import load_all
from contract_tests.checks.matrix import load_matrix, render_table
from contract_tests.core.config import PHASES, PROFILES, Config, examples_for
from contract_tests.core.coverage import parse_status_pair
from contract_tests.core.errors import CouldNotRun
from contract_tests.core.versions import API_CHOICES
from contract_tests.reports.html import write_report
from contract_tests.reports.progress import make_listener
from contract_tests.runner import run

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orchestration-contract",
        description="Check an implementation of the Formance orchestration API (v1, v2), of the ledger API (v2) or "
        "of the wallets API (v1) against the project's specs.",
        epilog="orchestration-contract proxy --help: the validating proxy, which checks a backend's live traffic. "
        "orchestration-contract diff --help: compare two implementations on the same generated requests.",
    )
    p.add_argument(
        "--base-url",
        help="API root, e.g. http://127.0.0.1:55001/api/orchestration (.../api/ledger with --api ledger, "
        ".../api/wallets with --api wallets)",
    )
    p.add_argument(
        "--api",
        choices=API_CHOICES,
        default="v1",
        help="API to check: orchestration v1, v2 (paths under <base-url>/v2), orchestration (both), the ledger v2 "
        "API, the wallets v1 API, or all: the whole stack at <base-url> (its root, or .../api/orchestration), each "
        "service in turn, then the cross-service `stack` phase",
    )
    p.add_argument("--token", help="a bearer token with the API's read and write scopes (ledger:read ledger:write...)")
    p.add_argument("--client-id", help="OAuth2 client id (client credentials)")
    p.add_argument("--client-secret", help="OAuth2 client secret")
    p.add_argument("--token-url", help="token endpoint (default: <origin>/api/auth/oauth/token)")
    p.add_argument(
        "--max-examples", type=int, help="generated cases per operation and mode (default 20; the ledger's 8)"
    )
    p.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="default",
        help="a named budget: 3, 20, 100 examples (the ledger: 3, 8, 40)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for every generator (runs are reproducible)")
    p.add_argument("--workers", type=int, default=1, help="threads for the conformance phase")
    p.add_argument("--junit-xml", type=Path, help="write a JUnit XML report here")
    p.add_argument("--report", type=Path, help="write a report here: HTML if PATH ends in .html, else JSON")
    p.add_argument(
        "--allow-deviations",
        type=Path,
        help="YAML list of accepted deviations (check, operation?, status?, match?, reason) or a shipped name",
    )
    p.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated subset of {','.join(PHASES)} (and stack, with --api all)",
    )
    p.add_argument("--poll-timeout", type=float, default=5.0, help="seconds to wait for asynchronous progress")
    p.add_argument(
        "--poll-budget",
        type=float,
        help="seconds each phase's polls may wait in vain before the rest read once (default: one poll timeout)",
    )
    p.add_argument("--reveal-token", action="store_true", help="embed the real token in curl commands (not in CI logs)")
    p.add_argument("--no-control-api", action="store_true", help="never use <origin>/_mock even when it answers")
    p.add_argument(
        "--ledger-url",
        help="the stack's ledger API, where the runs' ledgers are created and the wallets' accounts read (default: "
        "<gateway>/api/ledger beside a base URL ending in /api/orchestration or /api/wallets)",
    )
    p.add_argument(
        "--require-status",
        action="append",
        default=[],
        metavar="OP:STATUS",
        help="fail (exit 1) unless operation OP (its operationId) answered STATUS at least once; repeatable",
    )
    p.add_argument(
        "--min-status-coverage",
        type=float,
        metavar="PCT",
        help="fail (exit 1) when fewer than PCT %% of the declared (operation, status) pairs were answered",
    )
    p.add_argument("--list-checks", action="store_true", help="list every named check and exit")
    p.add_argument(
        "--matrix", action="store_true", help="print the input -> output matrix (which check verifies each input)"
    )
    return p


def _config(args: argparse.Namespace) -> Config:
    return Config(
        base_url=args.base_url,
        token=args.token,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_url=args.token_url,
        ledger_url=args.ledger_url,
        max_examples=args.max_examples or examples_for(args.api, args.profile),
        profile_name=None if args.max_examples else args.profile,
        seed=args.seed,
        workers=args.workers,
        junit_xml=args.junit_xml,
        report_path=args.report,
        deviations_path=args.allow_deviations,
        phases=tuple(p.strip() for p in args.phases.split(",") if p.strip()),
        poll_timeout=args.poll_timeout,
        poll_budget=args.poll_budget,
        reveal_token=args.reveal_token,
        use_control_api=not args.no_control_api,
        api=args.api,
        require_status=tuple(parse_status_pair(text) for text in args.require_status),
        min_status_coverage=args.min_status_coverage,
    )


def _list_checks() -> int:
    for check in sorted(load_all().values(), key=lambda c: (c.kind, c.name)):
        invariants = f" (invariants {', '.join(map(str, check.invariants))})" if check.invariants else ""
        print(f"{check.kind:<9} {check.name:<32} {check.description}{invariants}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["proxy"]:
        from contract_tests.proxy.cli import main as proxy_main  # loaded only for the subcommand

        return proxy_main(arguments[1:])
    if arguments[:1] == ["diff"]:
        from contract_tests.diff.cli import main as diff_main  # loaded only for the subcommand

        return diff_main(arguments[1:])
    args = parser().parse_args(arguments)
    if args.list_checks:
        return _list_checks()
    if args.matrix:
        print(render_table(load_matrix()), end="")
        return 0
    if not args.base_url:
        print("orchestration-contract: --base-url is required", file=sys.stderr)
        return 2
    try:
        config = _config(args)
        report = run(config, listener=make_listener())
    except CouldNotRun as exc:
        print(f"orchestration-contract: could not run: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    if config.report_path:
        write_report(report, config.report_path)
    if config.junit_xml:
        report.write_junit(config.junit_xml)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
