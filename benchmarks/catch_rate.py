"""Catch rate of the contract suite next to plain `schemathesis run`, on the same injected faults.

Starts the project's mock (spec mode, the test suite's settings) with the fault-injection proxy of
tests/contract in front of it. For every fault list of tests/contract/faults*.py it runs, once through the
fault-free proxy (the baseline) and once per fault:

- the contract suite as that list's fault-detection test runs it (tests/contract/test_fault_detection*.py:
  the same API, phases, poll timeout, max examples 2 and seed 0 of `harness_config`);
- plain `st run` on the spec the list's faults break, with the project's documented configuration
  (docs/schemathesis*.toml, README "Plain Schemathesis": every check on, none named on the command line), the
  same seed and max examples, one worker, no shrinking.

A fault counts as caught by a tool when the tool reports a finding its baseline does not have (suite: a
failure key; Schemathesis: a failure type on an operation). The stack's faults (the `--api all` cross-service
phase) have no spec of their own: Schemathesis runs on the spec(s) of the service(s) whose answers the fault
changes, and a finding new on any of them counts.

    .venv/bin/python benchmarks/catch_rate.py [--apis v1,v2,...] [--faults a,b] [--max-examples 2] [--seed 0]
        [--json out.json]

`--apis` takes list names (orchestration, stateful, inputs, related, v260, v2, views, ledger, ledger_reads,
wallets, webhooks, stack) or the suite API they run with (v1, v2, orchestration, ledger, wallets, webhooks).
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contract_tests.runner import run  # noqa: E402
from spec import LEDGER_SPEC, ORCHESTRATION_SPEC, ORCHESTRATION_V2_SPEC, WALLETS_SPEC, WEBHOOKS_SPEC  # noqa: E402
from tests.contract.conftest import harness_config, reset  # noqa: E402
from tests.contract.faults import FAULTS  # noqa: E402
from tests.contract.faults_ledger import LEDGER_FAULTS  # noqa: E402
from tests.contract.faults_stack import STACK_FAULTS  # noqa: E402
from tests.contract.faults_v2 import V2_FAULTS, VIEWS_FAULT  # noqa: E402
from tests.contract.faults_wallets import WALLETS_FAULTS  # noqa: E402
from tests.contract.faults_webhooks import WEBHOOKS_FAULTS  # noqa: E402
from tests.contract.proxy import Fault, Request, Response, RunningProxy, Send, running_proxy  # noqa: E402
from tests.contract.test_fault_detection_ledger import PHASES as LEDGER_PHASES  # noqa: E402
from tests.contract.test_fault_detection_stack import SETTINGS as STACK_SETTINGS  # noqa: E402
from tests.contract.test_fault_detection_wallets import PHASES as WALLETS_PHASES  # noqa: E402
from tests.contract.test_fault_detection_webhooks import PHASES as WEBHOOKS_PHASES  # noqa: E402
from tests.support import LEDGERS, RunningMock, running_mock, token_for  # noqa: E402

CONTRACT = ROOT / "tests" / "contract"
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Target:
    """One plain Schemathesis run: a spec, its API root below the proxy's origin, the documented config."""

    name: str
    spec: Path
    prefix: str
    config: Path


V1 = Target("orchestration.v1", ORCHESTRATION_SPEC, "/api/orchestration", DOCS / "schemathesis.toml")
V2 = Target("orchestration.v2", ORCHESTRATION_V2_SPEC, "/api/orchestration", DOCS / "schemathesis.toml")
LEDGER = Target("ledger.v2", LEDGER_SPEC, "/api/ledger", DOCS / "schemathesis-ledger.toml")
WALLETS = Target("wallets.v1", WALLETS_SPEC, "/api/wallets", DOCS / "schemathesis-wallets.toml")
WEBHOOKS = Target("webhooks.v1", WEBHOOKS_SPEC, "/api/webhooks", DOCS / "schemathesis-webhooks.toml")


@dataclass(frozen=True)
class FaultList:
    """A fault list, the suite run its fault-detection test makes for it, and the specs plain st runs on."""

    name: str
    source: str
    faults: tuple[Fault, ...]
    prefix: str  # the suite's base URL below the proxy's origin
    settings: dict[str, Any]  # changes to harness_config, as the fault-detection test passes them
    targets: tuple[Target, ...]
    # Stack faults: the specs of the services whose answers each fault changes.
    fault_targets: dict[str, tuple[Target, ...]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return self.settings.get("api", "v1")

    def targets_for(self, fault: Fault) -> tuple[Target, ...]:
        return self.fault_targets.get(fault.name, self.targets)


def _registered_in(module: str) -> set[str]:
    """The names a faults module registers with its `fault(...)` decorator (the lists are filled on import)."""
    names = set()
    for node in ast.walk(ast.parse((CONTRACT / f"{module}.py").read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "fault" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def _part(faults: list[Fault], module: str) -> tuple[Fault, ...]:
    names = _registered_in(module)
    return tuple(f for f in faults if f.name in names)


def fault_lists() -> list[FaultList]:
    # test_fault_detection.py runs every fault of FAULTS (faults.py registers the other four modules' too)
    # with `run_suite(proxy.api)`: API v1, every phase. test_fault_detection_v2.py: V2_FAULTS with api v2, and
    # VIEWS_FAULT with both versions and the invariants phase. The others import their settings from their test.
    v1 = {"prefix": "/api/orchestration", "settings": {}, "targets": (V1,)}
    lists = [
        FaultList("orchestration", "faults.py", _part(FAULTS, "faults"), **v1),
        FaultList("stateful", "faults_stateful.py", _part(FAULTS, "faults_stateful"), **v1),
        FaultList("inputs", "faults_inputs.py", _part(FAULTS, "faults_inputs"), **v1),
        FaultList("related", "faults_related.py", _part(FAULTS, "faults_related"), **v1),
        FaultList("v260", "faults_v260.py", _part(FAULTS, "faults_v260"), **v1),
        FaultList("v2", "faults_v2.py", tuple(V2_FAULTS), "/api/orchestration", {"api": "v2"}, (V2,)),
        FaultList(
            "views", "faults_v2.py (VIEWS_FAULT)", (VIEWS_FAULT,), "/api/orchestration",
            {"api": "orchestration", "phases": ("invariants",)}, (V1, V2),
        ),
        FaultList(
            "ledger", "faults_ledger.py", _part(LEDGER_FAULTS, "faults_ledger"), "/api/ledger",
            {"api": "ledger", "phases": LEDGER_PHASES}, (LEDGER,),
        ),
        FaultList(
            "ledger_reads", "faults_ledger_reads.py", _part(LEDGER_FAULTS, "faults_ledger_reads"), "/api/ledger",
            {"api": "ledger", "phases": LEDGER_PHASES}, (LEDGER,),
        ),
        FaultList(
            "wallets", "faults_wallets.py", tuple(WALLETS_FAULTS), "/api/wallets",
            {"api": "wallets", "phases": WALLETS_PHASES}, (WALLETS,),
        ),
        FaultList(
            "webhooks", "faults_webhooks.py", tuple(WEBHOOKS_FAULTS), "/api/webhooks",
            {"api": "webhooks", "phases": WEBHOOKS_PHASES}, (WEBHOOKS,),
        ),
        FaultList(
            "stack", "faults_stack.py (STACK_FAULTS)", tuple(STACK_FAULTS), "", dict(STACK_SETTINGS), (),
            fault_targets={
                "ledger_hides_workflow_bookings": (LEDGER,),  # GET /v2/{ledger}/transactions
                "wallet_not_its_account": (WALLETS,),  # GET /wallets/{id}
                "webhook_sends_everything": (WEBHOOKS,),  # POST /configs
                "trigger_ignores_ledger_writes": (V1, V2),  # GET .../triggers/{id}/occurrences
            },
        ),
    ]  # fmt: skip
    every = {f.name for f in (*FAULTS, *V2_FAULTS, VIEWS_FAULT, *LEDGER_FAULTS)}
    listed = {f.name for fault_list in lists for f in fault_list.faults}
    missing = every - listed
    assert not missing, f"faults in no list (a new faults module?): {sorted(missing)}"
    return lists


def tolerant(fault: Fault, crashes: list[str]) -> Fault:
    """The fault, except where its hook raises: there the exchange passes unchanged and the crash is recorded.

    A hook written for the answers its own check reads can raise on others (an error body, the other API
    version's shape): the proxy would answer 500, which any tool reports, though it is not the bug the fault
    stands for. Both tools get the same tolerant copy.
    """

    async def on_request(f: Fault, request: Request, send: Send) -> Request | Response:
        assert fault.on_request is not None
        try:
            return await fault.on_request(f, request, send)
        except Exception as error:  # any crash of the hook
            crashes.append(f"{request.method} {request.path}: {error!r}")
            return request

    async def on_response(f: Fault, request: Request, response: Response, send: Send) -> Response:
        assert fault.on_response is not None
        kept = Response(response.status, dict(response.headers), response.body)
        try:
            return await fault.on_response(f, request, response, send)
        except Exception as error:  # any crash of the hook
            crashes.append(f"{request.method} {request.path} {response.status}: {error!r}")
            return kept

    return replace(
        fault,
        on_request=on_request if fault.on_request else None,
        on_response=on_response if fault.on_response else None,
        state={},
    )


def suite(proxy: RunningProxy, fault_list: FaultList, max_examples: int, seed: int) -> tuple[dict[str, str], float]:
    """The suite's failures (key -> check) and its time."""
    began = time.monotonic()
    config = harness_config(proxy.url + fault_list.prefix, max_examples=max_examples, seed=seed, **fault_list.settings)
    report = run(config)
    return {key: f.check for key, f in report.results.failures.items()}, time.monotonic() - began


def plain_schemathesis(proxy: RunningProxy, target: Target, max_examples: int, seed: int) -> tuple[set[str], float]:
    """`st run` as README shows it, with the same budget; findings as `spec|failure type|operation`."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(target.config), "run", str(target.spec),
            "-u", proxy.url + target.prefix, "-H", f"Authorization: Bearer {token_for(proxy.url)}",
            "--max-examples", str(max_examples), "--seed", str(seed), "--no-shrink", "--generation-database", "none",
            "--workers", "1", "--report", "json", "--report-json-path", str(report), "--no-color",
        ]  # fmt: skip
        began = time.monotonic()
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=900, check=False)
        elapsed = time.monotonic() - began
        if not report.exists():
            raise RuntimeError(
                f"st wrote no report (exit {done.returncode}): {done.stdout[-3000:]}{done.stderr[-2000:]}"
            )
        data = json.loads(report.read_text())
    return {
        f"{target.name}|{f['type']}|{op}" for f in data.get("failures", []) for op in f.get("operations", [])
    }, elapsed


def measure(
    mock: RunningMock, proxy: RunningProxy, fault_list: FaultList, fault: Fault | None,
    targets: tuple[Target, ...], max_examples: int, seed: int,
) -> dict[str, Any]:  # fmt: skip
    """Both tools against one fault (None: the baseline), each on a freshly reset mock."""
    results: dict[str, Any] = {"crashes": {"suite": [], "st": []}}
    reset(mock)
    proxy.use(tolerant(fault, results["crashes"]["suite"]) if fault else None)
    try:
        results["suite"], results["suite_seconds"] = suite(proxy, fault_list, max_examples, seed)
    finally:
        proxy.use(None)
    results["st"], results["st_seconds"] = set(), 0.0
    for target in targets:
        reset(mock)
        proxy.use(tolerant(fault, results["crashes"]["st"]) if fault else None)
        try:
            findings, seconds = plain_schemathesis(proxy, target, max_examples, seed)
        finally:
            proxy.use(None)
        results["st"] |= findings
        results["st_seconds"] += seconds
    return results


def selected(fault_lists: list[FaultList], apis: str | None, faults: str | None) -> list[FaultList]:
    chosen = []
    wanted_apis = set(apis.split(",")) if apis else None
    wanted_faults = set(faults.split(",")) if faults else None
    for fault_list in fault_lists:
        if wanted_apis and not wanted_apis & {fault_list.name, fault_list.api}:
            continue
        kept = tuple(f for f in fault_list.faults if not wanted_faults or f.name in wanted_faults)
        if kept:
            chosen.append(replace(fault_list, faults=kept))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apis", help="comma-separated list names or suite APIs (default: every list)")
    parser.add_argument("--faults", help="comma-separated fault names (default: all)")
    parser.add_argument("--max-examples", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    chosen = selected(fault_lists(), args.apis, args.faults)
    if not chosen:
        parser.error("no fault matches --apis/--faults")
    began = time.monotonic()
    rows: list[dict[str, Any]] = []
    baselines: dict[str, dict[str, Any]] = {}
    mock_args = ("--clock", "manual", "--seed", "7", "--fixtures", str(LEDGERS))  # tests/conftest.py's mock_server
    with running_mock(*mock_args) as mock, running_proxy(mock.url) as proxy:
        for fault_list in chosen:
            specs = sorted({t.name for f in fault_list.faults for t in fault_list.targets_for(f)})
            print(f"\n== {fault_list.name} ({fault_list.source}, {len(fault_list.faults)} faults, suite api "
                  f"{fault_list.api}, st on {', '.join(specs)})", flush=True)  # fmt: skip
            print(f"{'fault':<36} {'suite':<7} {'st':<7} suite s  st s  suite checks | st findings", flush=True)
            for fault in fault_list.faults:
                targets = fault_list.targets_for(fault)
                key = json.dumps([fault_list.prefix, fault_list.settings, [t.name for t in targets]], default=str)
                if key not in baselines:
                    baselines[key] = measure(mock, proxy, fault_list, None, targets, args.max_examples, args.seed)
                    base = baselines[key]
                    print(f"{'(baseline)':<36} {len(base['suite']):<7} {len(base['st']):<7} "
                          f"{base['suite_seconds']:>6.1f} {base['st_seconds']:>5.1f}  "
                          f"{', '.join(sorted(set(base['suite'].values())))} | {', '.join(sorted(base['st']))}",
                          flush=True)  # fmt: skip
                base = baselines[key]
                result = measure(mock, proxy, fault_list, fault, targets, args.max_examples, args.seed)
                suite_new = {k: c for k, c in result["suite"].items() if k not in base["suite"]}
                st_new = sorted(result["st"] - base["st"])
                checks = sorted(set(suite_new.values()))
                row = {
                    "list": fault_list.name,
                    "fault": fault.name,
                    "description": fault.description,
                    "suite": bool(suite_new),
                    "suite_expected_check": bool(set(checks) & fault.caught_by),
                    "suite_checks": checks,
                    "st": bool(st_new),
                    "st_specs": [t.name for t in targets],
                    "st_findings": st_new,
                    "seconds": {"suite": round(result["suite_seconds"], 1), "st": round(result["st_seconds"], 1)},
                    # Exchanges the fault's hook raised on, passed unchanged (see `tolerant`); a sample of each.
                    "hook_crashes": {tool: len(c) for tool, c in result["crashes"].items()},
                    "hook_crash_samples": {tool: c[:3] for tool, c in result["crashes"].items() if c},
                }
                rows.append(row)
                mark = {True: "caught", False: "MISSED"}
                print(f"{fault.name:<36} {mark[row['suite']]:<7} {mark[row['st']]:<7} "
                      f"{row['seconds']['suite']:>6.1f} {row['seconds']['st']:>5.1f}  "
                      f"{', '.join(checks)[:60]} | {', '.join(st_new)[:100]}", flush=True)  # fmt: skip
                if any(row["hook_crashes"].values()):
                    print(f"{'':<36} the fault's hook raised (passed unchanged): {row['hook_crashes']}", flush=True)
    totals = summary(rows, chosen)
    gaps = [r for r in rows if r["st"] and not r["suite"]]
    elapsed = time.monotonic() - began
    print(f"\ncatch rate (max examples {args.max_examples}, seed {args.seed}, {elapsed / 60:.1f} min)")
    print(f"{'list':<14} {'faults':>6} {'suite':>7} {'st':>7} {'st only':>8}")
    for name, t in totals.items():
        print(f"{name:<14} {t['faults']:>6} {t['suite']:>7} {t['st']:>7} {t['st_only']:>8}")
    if gaps:
        print("\nSUITE GAP: plain Schemathesis caught faults the suite missed:")
        for r in gaps:
            print(f"  {r['list']}/{r['fault']}: {', '.join(r['st_findings'])}")
    if args.json:
        args.json.write_text(json.dumps({
            "max_examples": args.max_examples, "seed": args.seed, "seconds": round(elapsed, 1),
            "baselines": {k: {"suite": sorted(v["suite"]), "st": sorted(v["st"])} for k, v in baselines.items()},
            "totals": totals, "rows": rows,
        }, indent=2) + "\n")  # fmt: skip
    return 0


def summary(rows: list[dict[str, Any]], chosen: list[FaultList]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for name in [fault_list.name for fault_list in chosen] + ["total"]:
        mine = [r for r in rows if name in (r["list"], "total")]
        totals[name] = {
            "faults": len(mine),
            "suite": sum(r["suite"] for r in mine),
            "st": sum(r["st"] for r in mine),
            "st_only": sum(r["st"] and not r["suite"] for r in mine),
        }
    return totals


if __name__ == "__main__":
    sys.exit(main())
