"""Catch rate of the contract suite next to plain `schemathesis run`, on the same injected faults.

Starts the project's mock (spec mode) with the fault-injection proxy of tests/contract in front of it, then,
for every fault, runs both tools with the same spec, seed and max examples, and compares what each finds
with what it finds on the fault-free proxy. A fault counts as caught when the tool reports a finding the
baseline does not have.

    .venv/bin/python benchmarks/catch_rate.py [--max-examples 2] [--seed 0] [--faults a,b] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contract_tests.core.spec import spec_path  # noqa: E402
from contract_tests.runner import run  # noqa: E402
from tests.contract.conftest import harness_config  # noqa: E402
from tests.contract.faults import FAULTS  # noqa: E402
from tests.contract.proxy import Fault, RunningProxy, running_proxy  # noqa: E402
from tests.support import RunningMock, running_mock, token_for  # noqa: E402


def ours(proxy: RunningProxy, max_examples: int, seed: int) -> tuple[set[str], float]:
    began = time.monotonic()
    report = run(harness_config(proxy.api, max_examples=max_examples, seed=seed))
    return set(report.results.failures), time.monotonic() - began


def plain_schemathesis(proxy: RunningProxy, max_examples: int, seed: int) -> tuple[set[str], float]:
    """`schemathesis run` with every check, the write token, and the same budget; findings as type+operation."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", str(spec_path()), "--url", proxy.api,
            "-H", f"Authorization: Bearer {token_for(proxy.url)}", "--checks", "all",
            "--max-examples", str(max_examples), "--seed", str(seed), "--no-shrink", "--generation-database", "none",
            "--workers", "1", "--report", "json", "--report-json-path", str(report), "--no-color",
        ]  # fmt: skip
        began = time.monotonic()
        subprocess.run(command, cwd=tmp, capture_output=True, timeout=600, check=False)
        elapsed = time.monotonic() - began
        data = json.loads(report.read_text()) if report.exists() else {"failures": []}
    return {f"{f['type']}|{op}" for f in data["failures"] for op in f.get("operations", [])}, elapsed


def measure(mock: RunningMock, proxy: RunningProxy, fault: Fault | None, max_examples: int, seed: int) -> dict:
    results = {}
    for tool, runner in (("ours", ours), ("schemathesis", plain_schemathesis)):
        httpx.post(mock.url + "/_mock/reset").raise_for_status()
        proxy.use(fault)
        try:
            findings, elapsed = runner(proxy, max_examples, seed)
        finally:
            proxy.use(None)
        results[tool] = {"findings": findings, "seconds": round(elapsed, 1)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faults", help="comma-separated fault names (default: all)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    chosen = [f for f in FAULTS if not args.faults or f.name in args.faults.split(",")]
    rows = []
    with running_mock("--clock", "manual", "--seed", "1") as mock, running_proxy(mock.url) as proxy:
        baseline = measure(mock, proxy, None, args.max_examples, args.seed)
        print(f"{'fault':<32} {'ours':<6} {'schemathesis':<13} ours: new findings (caught by)")
        for fault in chosen:
            result = measure(mock, proxy, fault, args.max_examples, args.seed)
            new = {tool: result[tool]["findings"] - baseline[tool]["findings"] for tool in result}
            ours_checks = sorted({key.split("|")[0] for key in new["ours"]})
            row = {
                "fault": fault.name,
                "description": fault.description,
                "ours": bool(new["ours"]),
                "ours_expected_check": bool(set(ours_checks) & fault.caught_by),
                "ours_checks": ours_checks,
                "schemathesis": bool(new["schemathesis"]),
                "schemathesis_findings": sorted(new["schemathesis"]),
                "seconds": {tool: result[tool]["seconds"] for tool in result},
            }
            rows.append(row)
            mark = {True: "caught", False: "MISSED"}
            print(
                f"{fault.name:<32} {mark[row['ours']]:<6} {mark[row['schemathesis']]:<13} {', '.join(ours_checks)[:90]}"
            )
    total = len(rows)
    caught = {tool: sum(r[tool] for r in rows) for tool in ("ours", "schemathesis")}
    rate = {tool: f"{caught[tool]}/{total} ({100 * caught[tool] / max(total, 1):.0f}%)" for tool in caught}
    print(f"\ncatch rate (max examples {args.max_examples}, seed {args.seed}): contract suite {rate['ours']}, "
          f"plain schemathesis run {rate['schemathesis']}")  # fmt: skip
    seconds = {tool: sum(r["seconds"][tool] for r in rows) / max(total, 1) for tool in ("ours", "schemathesis")}
    print(f"mean seconds per fault: contract suite {seconds['ours']:.1f}, schemathesis {seconds['schemathesis']:.1f}")
    if args.json:
        args.json.write_text(json.dumps({"max_examples": args.max_examples, "seed": args.seed, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
