"""The robustness report: hostile input, concurrent clients, auth attacks, restarts.

    .venv/bin/python benchmarks/robustness_report.py [--quick] [--json PATH]

Runs the same libraries as ``tests/robustness`` at report size: more than 10,000 hostile
requests over every operation, 32 concurrent clients for 20 s (then again with resets
racing), every auth case, SIGTERM and SIGKILL restarts on a state file (and a restart
after hostile input was recorded in one). Every mock it
starts binds 127.0.0.1 and is stopped before it returns, every load is bounded in count
and in time. Exit code: 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.robustness import forgery, restarts, servers  # noqa: E402
from tests.robustness.fuzzing import FuzzReport, fuzz_all  # noqa: E402
from tests.robustness.load import check_empty, check_invariants, run_load  # noqa: E402
from tests.robustness.operations import ALL, BY_NAME  # noqa: E402


@dataclass(frozen=True, slots=True)
class Size:
    """How much of each load to run; every one is bounded in count and in seconds."""

    per_operation: int  # hostile requests per operation (31 operations)
    fuzz_budget: float  # seconds, per fuzzing process
    clients: int
    seconds: float  # of concurrent traffic
    race: float  # seconds of traffic with resets racing
    kills: int  # SIGKILL runs
    fuzzed_restart: int  # hostile requests per operation recorded, then replayed


FULL = Size(per_operation=330, fuzz_budget=240, clients=32, seconds=20, race=10, kills=3, fuzzed_restart=30)
QUICK = Size(per_operation=40, fuzz_budget=60, clients=32, seconds=5, race=3, kills=1, fuzzed_restart=8)
DEMO = ("--clock", "manual", "--seed", "1", "--fixtures", "fixtures/demo.yaml")


def fuzz_shard(names: list[str], per_operation: int, budget: float) -> FuzzReport:
    """One worker process: its own mock, its share of the operations."""
    with servers.serving(*DEMO) as server:
        return fuzz_all(
            server.url, per_operation=per_operation, operations=tuple(BY_NAME[n] for n in names), budget=budget
        )


def hostile_input(size: Size) -> dict[str, Any]:
    servers.log_dir()  # made before the workers fork, so that this process removes it at exit
    names = [op.name for op in ALL]
    shards = [names[0::2], names[1::2]]  # two pipelines: each waits on its mock half the time
    with ProcessPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(fuzz_shard, shards, [size.per_operation] * 2, [size.fuzz_budget] * 2))
    tried: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for report in reports:
        tried.update(report.tried)
        statuses.update(report.statuses)
    failures = [f for r in reports for f in r.failures]
    return {
        "requests": sum(tried.values()),
        "operations": len(tried),
        "fewest_per_operation": min(tried.values()) if tried else 0,
        "server_errors": sum(r.server_errors for r in reports),
        "hangs": sum(r.hangs for r in reports),
        "dropped": sum(r.dropped for r in reports),
        "other_failures": len(failures) - sum(r.server_errors + r.hangs + r.dropped for r in reports),
        "skipped_over_budget": sum(r.skipped for r in reports),
        "statuses": dict(sorted(statuses.items())),
        "first_failures": failures[:5],
    }


def concurrency(size: Size) -> dict[str, Any]:
    with servers.serving() as server:  # a real clock: delays end while the clients run
        token = servers.token(server.url)
        book = run_load(server.url, token, clients=size.clients, seconds=size.seconds)
        problems = check_invariants(server.url, token, book)
        race = run_load(server.url, token, clients=size.clients, seconds=size.race, resets=True)
        httpx.post(server.url + "/_mock/reset", timeout=10).raise_for_status()
        after_reset = check_empty(server.url, token)
    return {
        "clients": size.clients,
        "seconds": size.seconds,
        "requests": book.requests,
        "server_errors": sum(n for s, n in book.statuses.items() if s >= 500),
        "client_violations": len(book.violations),
        "invariant_violations": len(problems),
        "created": {"workflows": len(book.workflows), "instances": len(book.instances), "triggers": len(book.triggers)},
        "race_requests": race.requests,
        "race_resets": race.resets,
        "race_violations": len(race.violations),
        "after_final_reset_violations": len(after_reset),
        "first_problems": (book.violations + problems + race.violations + after_reset)[:5],
    }


def auth(workdir: Path) -> dict[str, Any]:
    key = servers.write_signing_key(workdir / "auth-key.pem")
    with servers.serving("--signing-key", str(key), *forgery.CLIENT_ARGS) as server:
        outcomes = forgery.attack(server.url, key)
        leaked_paths = forgery.bypasses(server.url)
    leaked, _ = forgery.log_leaks(key)
    refusals = [o for o in outcomes if o.case.expected >= 400]
    controls = [o for o in outcomes if o.case.expected < 400]
    return {
        "refusal_cases": len(refusals),
        "refused_as_expected": sum(o.as_expected for o in refusals),
        "accepted_controls": f"{sum(o.as_expected for o in controls)}/{len(controls)}",
        "path_bypasses": f"{len(leaked_paths)}/{len(forgery.BYPASSES)}",
        "secrets_in_access_log": len(leaked),
        "wrong": [f"{o.case.name}: {o.status}" for o in outcomes if not o.as_expected] + leaked_paths + leaked,
    }


def persistence(workdir: Path, size: Size) -> dict[str, Any]:
    key = servers.write_signing_key(workdir / "state-key.pem")
    sigterm = [restarts.sigterm_run(workdir / f"term-{clock}.jsonl", key, clock=clock) for clock in ("manual", "real")]
    kills = [restarts.sigkill_run(workdir / f"kill-{n}.jsonl", seconds=2.0) for n in range(size.kills)]
    fuzzed = restarts.fuzzed_restart(workdir / "fuzzed.jsonl", per_operation=size.fuzzed_restart)
    return {
        "fuzzed_restart_resources_compared": fuzzed.resources,
        "fuzzed_restart_resources_lost": len(fuzzed.lost),
        "sigterm_runs": len(sigterm),
        "sigterm_resources_compared": sum(r.resources for r in sigterm),
        "sigterm_resources_lost": sum(len(r.lost) for r in sigterm),
        "sigkill_runs": len(kills),
        "sigkill_acknowledged": sum(r.acknowledged for r in kills),
        "sigkill_kept": sum(r.kept for r in kills),
        "sigkill_lost_beyond_interval": sum(len(r.lost_beyond_interval) for r in kills),
        "sigkill_holes": sum(len(r.holes) for r in kills),
        "file_reads_during_traffic": sum(r.file_reads for r in kills),
        "half_written_reads": sum(len(r.bad_reads) for r in kills),
        "leftover_temp_files": sum(len(r.leftovers) for r in kills),
    }


def passed(results: dict[str, dict[str, Any]]) -> bool:
    fuzz, load, auth_, state = results["hostile_input"], results["concurrency"], results["auth"], results["persistence"]
    return (fuzz["requests"] >= 10_000 or fuzz.get("quick", False)) and not any(
        [
            fuzz["server_errors"],
            fuzz["hangs"],
            fuzz["dropped"],
            fuzz["other_failures"],
            load["server_errors"],
            load["client_violations"],
            load["invariant_violations"],
            load["race_violations"],
            load["after_final_reset_violations"],
            auth_["refused_as_expected"] != auth_["refusal_cases"],
            auth_["wrong"],
            state["sigterm_resources_lost"],
            state["fuzzed_restart_resources_lost"],
            state["sigkill_lost_beyond_interval"],
            state["sigkill_holes"],
            state["half_written_reads"],
            state["leftover_temp_files"],
        ]
    )


def timed(title: str, section: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    print(f"... {title}", file=sys.stderr, flush=True)
    started = time.monotonic()
    result = section()
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    return result


def render(results: dict[str, dict[str, Any]], ok: bool) -> str:
    fuzz, load, auth_, state = results["hostile_input"], results["concurrency"], results["auth"], results["persistence"]
    lines = [
        f"Robustness report ({os.cpu_count()} CPUs, {results['meta']['size']} size)",
        "",
        f"hostile input   {fuzz['requests']:,} requests over {fuzz['operations']} operations "
        f"(17 API, 13 control, token; at least {fuzz['fewest_per_operation']} each) in {fuzz['elapsed_s']} s",
        f"                5xx: {fuzz['server_errors']}   hangs: {fuzz['hangs']}   dropped: {fuzz['dropped']}   "
        f"other failures: {fuzz['other_failures']}   not sent (over budget): {fuzz['skipped_over_budget']}",
        f"                statuses: {fuzz['statuses']}",
        f"concurrency     {load['clients']} clients x {load['seconds']:.0f} s: {load['requests']:,} requests, "
        f"5xx: {load['server_errors']}, invariant violations: {load['invariant_violations']}, "
        f"other client violations: {load['client_violations']}",
        f"                created {load['created']}",
        f"reset race      {load['race_requests']:,} requests with {load['race_resets']} resets racing: "
        f"violations: {load['race_violations']}, after the final reset: {load['after_final_reset_violations']}",
        f"auth            refused {auth_['refused_as_expected']}/{auth_['refusal_cases']} attacks "
        f"(accepted controls {auth_['accepted_controls']}), path bypasses {auth_['path_bypasses']}, "
        f"secrets in the access log: {auth_['secrets_in_access_log']}",
        f"persistence     SIGTERM x{state['sigterm_runs']}: {state['sigterm_resources_compared']} resources compared "
        f"byte for byte, lost: {state['sigterm_resources_lost']}",
        f"                SIGKILL x{state['sigkill_runs']}: {state['sigkill_kept']}/{state['sigkill_acknowledged']} "
        f"acknowledged workflows kept, lost beyond the save interval: {state['sigkill_lost_beyond_interval']}, "
        f"holes: {state['sigkill_holes']}, half-written reads: {state['half_written_reads']}"
        f"/{state['file_reads_during_traffic']:,}",
        f"                hostile input, SIGTERM, restart: {state['fuzzed_restart_resources_compared']} resources "
        f"compared, lost: {state['fuzzed_restart_resources_lost']}",
        "",
        f"verdict         {'PASS' if ok else 'FAIL'}",
    ]
    for key in ("first_failures", "first_problems", "wrong"):
        for section in results.values():
            for item in section.get(key, []) if isinstance(section, dict) else []:
                lines.append(f"  ! {item}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (not the report's 10,000 inputs)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "robustness.json")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    os.chdir(ROOT)
    results: dict[str, Any] = {"meta": {"size": "quick" if args.quick else "full", "started": time.time()}}
    with tempfile.TemporaryDirectory(prefix="robustness-") as scratch:
        workdir = Path(scratch)
        results["hostile_input"] = timed("hostile input", lambda: hostile_input(size))
        results["hostile_input"]["quick"] = args.quick
        results["concurrency"] = timed("concurrent clients", lambda: concurrency(size))
        results["auth"] = timed("auth attacks", lambda: auth(workdir))
        results["persistence"] = timed("restarts", lambda: persistence(workdir, size))
    ok = passed(results)
    print(render(results, ok))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
