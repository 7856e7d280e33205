"""Side-by-side benchmark of the mock and Stoplight Prism, plus scale, profile and contract-suite figures.

    .venv/bin/python benchmarks/run.py [--quick] [--duration S] [--skip-scale] [--skip-profile] [--skip-contract]
                                       [--skip-proxy] [--skip-ledger]

Writes benchmarks/results/latest.json and benchmarks/RESULTS.md. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ledger
import procs
import report
import servers
import wrkrun
from scenarios import MockClient, Scenario, probe, scenarios, seed_mock
from servers import RESULTS, Server, log

LATEST = RESULTS / "latest.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=None, help="seconds of each measured load (default 10)")
    parser.add_argument("--quick", action="store_true", help="3 s loads and smaller scale steps: a smoke run")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured load before each measured one")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="each load is split in this many rounds alternating mock and Prism (latencies: median round)",
    )
    parser.add_argument("--startup-tries", type=int, default=3, help="starts of each server; the best counts")
    parser.add_argument(
        "--prism-log-level",
        default="warn",
        help="Prism's --verboseLevel; 'warn' matches the mock's --quiet (no per-request log)",
    )
    parser.add_argument(
        "--quiet-budget",
        type=float,
        default=60.0,
        help="total seconds the run may wait, before loads, for other processes to leave the CPU",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of the benchmark, both servers and wrk (e.g. -10 on a machine shared with "
        "other jobs; needs root)",
    )
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--skip-contract", action="store_true")
    parser.add_argument("--skip-proxy", action="store_true", help="skip the validating proxy's added latency")
    parser.add_argument(
        "--skip-ledger",
        action="store_true",
        help="skip the ledger's scale and memory steps (not its head-to-head rows)",
    )
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 3.0 if args.quick else 10.0
    return args


def startup_times(tries: int, prism_level: str) -> dict[str, dict[str, Any]]:
    """Spawn -> first 200 on /_info, alternating the servers so neither gets a warmer page cache."""
    times: dict[str, list[float]] = {"mock": [], "prism": []}
    for attempt in range(tries):
        for name in ("mock", "prism"):
            procs.wait_quiet()
            started = time.perf_counter()
            server = (
                servers.start_mock(f"startup{attempt}")
                if name == "mock"
                else servers.start_prism(f"startup{attempt}", prism_level)
            )
            try:
                times[name].append(round(servers.wait_ready(server) - started, 3))
            finally:
                procs.stop(server.proc)
    return {name: {"best_s": min(values), "tries_s": values} for name, values in times.items()}


def idle_rss(server: Server, settle: float = 2.0) -> float:
    servers.wait_ready(server)
    time.sleep(settle)  # let node's and Python's start-up garbage be collected before calling it idle
    return round(procs.rss_mib(server.pid), 1)


@dataclass
class Load:
    """One server's side of a scenario: its URL, and what its rounds have added up to so far."""

    server: Server
    url: str
    status: int
    size: int
    rounds: list[wrkrun.WrkResult] = field(default_factory=list)
    cpu_s: float = 0.0
    # Outside load, weighted by each round's length.
    other_core_s: float = 0.0
    quiet_before: list[float] = field(default_factory=list)


def prepare(server: Server, scenario: Scenario, token: str, args: argparse.Namespace) -> Load:
    """One probe request (its status and size go in the table), then the unmeasured warm-up."""
    url = scenario.mock_url(server) if server.name == "mock" else server.url(scenario.prism_path)
    status, size = probe(url, scenario.method, scenario.body, token)
    if args.warmup > 0:
        wrkrun.run_wrk(url, duration=args.warmup, method=scenario.method, body=scenario.body, auth=f"Bearer {token}")
    return Load(server, url, status, size)


def one_round(load: Load, scenario: Scenario, token: str, seconds: float) -> None:
    load.quiet_before.append(procs.wait_quiet())
    cpu_before = procs.cpu_seconds(load.server.pid)
    with procs.Noise(load.server.pid).watching() as noise:
        result = wrkrun.run_wrk(
            load.url, duration=seconds, method=scenario.method, body=scenario.body, auth=f"Bearer {token}"
        )
    load.cpu_s += procs.cpu_seconds(load.server.pid) - cpu_before
    load.other_core_s += noise.other_cores * result.seconds
    load.rounds.append(result)


def figures_of(load: Load, scenario: Scenario, sampler: procs.RssSampler) -> dict[str, Any]:
    result = wrkrun.combine(load.rounds)
    figures: dict[str, Any] = result.as_dict()
    figures.update(
        rounds=len(load.rounds),
        probe_status=load.status,
        response_bytes=load.size,
        cpu_s=round(load.cpu_s, 3),
        cpu_ms_per_request=round(load.cpu_s * 1000 / result.requests, 4) if result.requests else None,
        rss_after_mib=round(procs.rss_mib(load.server.pid), 1),
        sampled_peak_mib=round(sampler.peak, 1),
        other_load_before_cores=max(load.quiet_before),
        other_load_cores=round(load.other_core_s / result.seconds, 2) if result.seconds else None,
    )
    ok = (
        ""
        if load.status == scenario.expect and not result.status_errors
        else (f"  !! probe {load.status}, {result.status_errors} non-2xx")
    )
    log(
        f"  {load.server.name:5} {scenario.label:45} {result.rps:9.1f} req/s  p50 {result.p50_ms:8.2f} ms"
        f"  p99 {result.p99_ms:8.2f} ms  cpu {figures['cpu_ms_per_request']} ms/req"
        f"  other load {figures['other_load_cores']}{ok}"
    )
    return figures


def measure_pair(
    pair: tuple[Server, Server],
    scenario: Scenario,
    token: str,
    args: argparse.Namespace,
    samplers: dict[int, procs.RssSampler],
) -> dict[str, dict[str, Any]]:
    """Short rounds alternating mock and Prism: outside load that comes and goes hits both alike."""
    loads = [prepare(server, scenario, token, args) for server in pair]
    seconds = max(1.0, round(args.duration / args.rounds))
    for _ in range(args.rounds):
        for load in loads:
            one_round(load, scenario, token, seconds)
    return {load.server.name: figures_of(load, scenario, samplers[load.server.pid]) for load in loads}


def ratio(mine: float | None, theirs: float | None) -> float | None:
    if not mine or not theirs:
        return None
    return round(mine / theirs, 3)


def peak_rss(server: Server, sampler: procs.RssSampler) -> float:
    """VmHWM is exact for one process; for a tree the sampled maximum of the summed RSS is honest."""
    if len(procs.tree_pids(server.pid)) == 1:
        return round(max(procs.hwm_mib(server.pid), sampler.peak), 1)
    return round(sampler.peak, 1)


# Where each server's memory figures go: "prism" is the v1 Prism, the one the RSS target compares.
MEMORY_KEYS = {"v1": "prism", "v2": "prism_v2", "ledger": "prism_ledger"}
PRISM_APIS = (*servers.API_VERSIONS, "ledger")


def head_to_head(args: argparse.Namespace) -> dict[str, Any]:
    mock = servers.start_mock("bench")
    prisms = {api: servers.start_prism("bench", args.prism_log_level, api) for api in PRISM_APIS}
    by_key = {"mock": mock, **{MEMORY_KEYS[version]: prism for version, prism in prisms.items()}}
    try:
        memory: dict[str, Any] = {key: {"idle_mib": idle_rss(server)} for key, server in by_key.items()}
        token = servers.mock_token(mock)
        client = MockClient(mock, token)
        try:
            started = time.perf_counter()
            ids = seed_mock(client)
            ledger.seed_ledger(mock, token)
            log(f"seeded the mock in {time.perf_counter() - started:.1f} s: {client.state()}")
        finally:
            client.close()
        samplers = {server.pid: procs.RssSampler(server.pid) for server in by_key.values()}
        rows = []
        with contextlib.ExitStack() as sampling:
            for sampler in samplers.values():
                sampling.enter_context(sampler.running())
            for scenario in [*scenarios(ids), *ledger.scenarios()]:
                row: dict[str, Any] = {
                    "key": scenario.key,
                    "label": scenario.label,
                    "target": scenario.target,
                    "api": scenario.api,
                }
                row.update(measure_pair((mock, prisms[scenario.api]), scenario, token, args, samplers))
                row["ratio"] = {
                    "rps": ratio(row["mock"]["rps"], row["prism"]["rps"]),
                    "p50": ratio(row["mock"]["p50_ms"], row["prism"]["p50_ms"]),
                    "p99": ratio(row["mock"]["p99_ms"], row["prism"]["p99_ms"]),
                    "cpu": ratio(row["mock"]["cpu_ms_per_request"], row["prism"]["cpu_ms_per_request"]),
                }
                rows.append(row)
        for key, server in by_key.items():
            memory[key]["peak_mib"] = peak_rss(server, samplers[server.pid])
            memory[key]["processes"] = len(procs.tree_pids(server.pid))
        memory["ratio"] = {
            "idle": ratio(memory["mock"]["idle_mib"], memory["prism"]["idle_mib"]),
            "peak": ratio(memory["mock"]["peak_mib"], memory["prism"]["peak_mib"]),
        }
        return {"scenarios": rows, "memory": memory}
    finally:
        for server in by_key.values():
            procs.stop(server.proc)


def meta(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "prism_version": servers.prism_version(),
        "prism_spec": str(servers.prism_spec()),
        "prism_v2_spec": str(servers.prism_spec("v2")),
        "prism_ledger_spec": str(servers.prism_spec("ledger").relative_to(servers.ROOT)),
        "prism_log_level": args.prism_log_level,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "rounds": args.rounds,
        "round_s": max(1.0, round(args.duration / args.rounds)),
        "wrk": f"{wrkrun.THREADS} threads, {wrkrun.CONNECTIONS} connections",
        "quick": args.quick,
        "nice": args.nice,
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def save(results: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    LATEST.write_text(json.dumps(results, indent=2) + "\n")
    report.write_markdown(results)


def _raise_on_term(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_term)
    procs.set_quiet_budget(args.quiet_budget)
    if args.nice:
        # Inherited by everything started from here on: both servers alike, and wrk.
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    wall = time.perf_counter()
    try:
        servers.ensure_wrk()
        servers.ensure_prism()
        servers.ensure_bytecode()
        results: dict[str, Any] = {"meta": meta(args)}
        log(f"startup (best of {args.startup_tries}) ...")
        results["startup"] = startup_times(args.startup_tries, args.prism_log_level)
        log(f"  mock {results['startup']['mock']}  prism {results['startup']['prism']}")
        log(f"head to head, {args.duration:g} s per load, mock and Prism interleaved ...")
        results.update(head_to_head(args))
        save(results)
        if not args.skip_profile:
            import profiling

            results["profile"] = profiling.run_profile(duration=min(args.duration, 6.0))
            save(results)
        if not args.skip_scale:
            import scale

            results["scale"] = scale.run_scale(duration=2.0 if args.quick else 3.0)
            save(results)
        if not args.skip_ledger:
            results["ledger_scale"] = ledger.run_ledger_scale(duration=2.0 if args.quick else 3.0)
            save(results)
            results["ledger_memory"] = ledger.measure_memory()
            save(results)
        if not args.skip_contract:
            import contract_speed

            results["contract"] = contract_speed.run_contract_speed()
            save(results)
        if not args.skip_proxy:
            import proxy_latency

            log("validating proxy: added latency at 32 concurrent clients ...")
            results["proxy"] = proxy_latency.run_proxy_latency(seconds=2 if args.quick else 4)
            log(f"  {proxy_latency.summary(results['proxy'])}")
            save(results)
        results["meta"]["total_s"] = round(time.perf_counter() - wall, 1)
        results["targets"] = report.targets(results)
        save(results)
        log(report.summary(results))
        log(f"wrote {LATEST} and {report.MARKDOWN} in {results['meta']['total_s']} s")
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
