"""`orchestration-contract diff`: flags -> two `Config`s -> `run_diff` -> differences and exit code.

Exit codes: 0 both implementations answered every request alike, 1 differences (each named once, with a
curl for each side), 2 could not run (an unreachable side, refused credentials, bad arguments).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_tests.core.config import PROFILES, Config, examples_for
from contract_tests.core.errors import CouldNotRun
from contract_tests.core.versions import API_CHOICES
from contract_tests.diff.run import run_diff

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orchestration-contract diff",
        description="Send the same generated request sequences to two implementations and name every difference "
        "in their answers (status, body fields; ids, cursors and hashes matched by correspondence, instants by "
        "shape).",
    )
    p.add_argument("--base-url", required=True, help="A: the reference implementation's API root")
    p.add_argument("--against", required=True, help="B: the API root of the implementation compared with A")
    p.add_argument("--api", choices=API_CHOICES, default="v1", help="which API to compare (default v1)")
    p.add_argument("--seed", type=int, default=0, help="seed for every generator (the same requests each run)")
    p.add_argument("--max-examples", type=int, help="generated cases per operation and mode (default: --profile's)")
    p.add_argument("--profile", choices=sorted(PROFILES), default="quick", help="a named budget (default quick)")
    p.add_argument("--token", help="A's bearer token (and B's, unless --against-token)")
    p.add_argument("--client-id", help="OAuth2 client id for A (and B, unless --against-client-id)")
    p.add_argument("--client-secret", help="OAuth2 client secret for A (and B)")
    p.add_argument("--token-url", help="A's token endpoint (default: <origin of A>/api/auth/oauth/token)")
    p.add_argument("--against-token", help="B's bearer token")
    p.add_argument("--against-client-id", help="B's OAuth2 client id")
    p.add_argument("--against-client-secret", help="B's OAuth2 client secret")
    p.add_argument("--against-token-url", help="B's token endpoint (default: <origin of B>/api/auth/oauth/token)")
    p.add_argument(
        "--ignore-field",
        action="append",
        default=[],
        metavar="NAME",
        help="a body field never compared, at any depth (e.g. errorMessage); repeatable",
    )
    p.add_argument("--report", type=Path, help="write the differences here as JSON")
    return p


def _configs(args: argparse.Namespace) -> tuple[Config, Config]:
    a = Config(
        base_url=args.base_url,
        token=args.token,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_url=args.token_url,
        max_examples=args.max_examples or examples_for(args.api, args.profile),
        seed=args.seed,
        api=args.api,
    )
    own = args.against_token or args.against_client_id
    b = a.with_changes(
        base_url=args.against,
        token=args.against_token if own else a.token,
        client_id=args.against_client_id if own else a.client_id,
        client_secret=args.against_client_secret if own else a.client_secret,
        token_url=args.against_token_url,
    )
    return a, b


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        a, b = _configs(args)
        result = run_diff(a, b, ignore=frozenset(args.ignore_field))
    except CouldNotRun as exc:
        print(f"orchestration-contract diff: could not run: {exc}", file=sys.stderr)
        return 2
    print(result.differences.summary(a.base_url, b.base_url, result.duration, result.errors))
    if args.report:
        result.differences.write_json(
            args.report, a=a.base_url, b=b.base_url, duration=result.duration, exit_code=result.exit_code
        )
    return result.exit_code
