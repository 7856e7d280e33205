"""How long the contract suite takes against each faulty server of the fault-injection harness, next to the
healthy one: a suite that slows down exactly when it has found a bug makes CI time out instead of failing.

Starts the project's mock (spec mode, as a process) with tests/contract's proxy in front of it, runs the suite
with its default settings (default poll timeout and poll budget; `--profile` picks the generation budget) once
through the fault-free proxy and once per fault, and prints each time, the ratio to the healthy run, and
whether it stays within the bound (2x by default).

    .venv/bin/python benchmarks/fault_speed.py [--profile quick|default] [--faults a,b] [--bound 2] [--json out]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contract_tests.core.config import PROFILES, Config  # noqa: E402
from contract_tests.runner import run  # noqa: E402
from tests.contract.faults import FAULTS  # noqa: E402
from tests.contract.faults_v2 import V2_FAULTS, VIEWS_FAULT  # noqa: E402
from tests.contract.proxy import Fault, RunningProxy, running_proxy  # noqa: E402
from tests.support import RunningMock, running_mock  # noqa: E402


def timed_run(mock: RunningMock, proxy: RunningProxy, fault: Fault | None, api: str, max_examples: int) -> float:
    httpx.post(mock.url + "/_mock/reset", timeout=10).raise_for_status()
    proxy.use(fault)
    config = Config(
        base_url=proxy.api, client_id="fault-speed", client_secret="secret", max_examples=max_examples, api=api
    )
    began = time.monotonic()
    try:
        run(config)
    finally:
        proxy.use(None)
    return time.monotonic() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--faults", help="comma-separated fault names (default: every fault)")
    parser.add_argument("--bound", type=float, default=2.0, help="the allowed ratio to the healthy run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    max_examples = PROFILES[args.profile].max_examples
    cases = [(f, "v1") for f in FAULTS] + [(f, "v2") for f in (*V2_FAULTS, VIEWS_FAULT)]
    if args.faults:
        wanted = set(args.faults.split(","))
        cases = [(f, api) for f, api in cases if f.name in wanted]
    rows: list[dict[str, object]] = []
    with running_mock("--clock", "manual", "--seed", "7") as mock, running_proxy(mock.url) as proxy:
        # The first run of a process also pays for imports, spec loading and warm caches: the healthy time is
        # the faster of two runs, so that warm-up does not flatter the ratios.
        healthy = {
            api: min(timed_run(mock, proxy, None, api, max_examples) for _ in range(2))
            for api in sorted({a for _, a in cases})
        }
        print(f"profile {args.profile} (max-examples {max_examples}); healthy: " + ", ".join(
            f"{api} {seconds:.1f}s" for api, seconds in healthy.items()))  # fmt: skip
        print(f"{'fault':<34} {'api':<4} {'faulty':>8} {'healthy':>8} {'ratio':>6}  within {args.bound:g}x")
        for fault, api in cases:
            seconds = timed_run(mock, proxy, fault, api, max_examples)
            ratio = seconds / healthy[api]
            rows.append({"fault": fault.name, "api": api, "faulty": seconds, "healthy": healthy[api], "ratio": ratio})
            mark = "yes" if ratio <= args.bound else "NO"
            print(f"{fault.name:<34} {api:<4} {seconds:>7.1f}s {healthy[api]:>7.1f}s {ratio:>6.2f}  {mark}", flush=True)
    worst = max(rows, key=lambda r: float(r["ratio"]))  # type: ignore[arg-type]
    print(f"worst: {worst['fault']} {float(worst['ratio']):.2f}x")  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if all(float(r["ratio"]) <= args.bound for r in rows) else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
