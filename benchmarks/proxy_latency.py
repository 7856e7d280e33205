"""What the validating proxy adds to each request: p50/p99 latency at 32 concurrent clients, straight to the
mock, through `orchestration-contract proxy` in front of it, and through the peer users keep next to their
backend for the same job, Stoplight Prism's validating proxy (`prism proxy`), on the same spec, in the same run.

    .venv/bin/python benchmarks/proxy_latency.py [--seconds S] [--concurrency C] [--rounds R]

The request is `GET /workflows/{id}`, which every response check and the traffic model judge (Prism checks the
request and the response against the spec). The load is
wrk (C, so the load generator does not take the CPU the servers need on a small machine), 32 keep-alive
connections, bounded in time. Direct and proxied loads alternate for `--rounds` rounds, so a neighbour's
load on the shared machine falls on both alike; the median round is reported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import servers
import wrkrun
from servers import LOGS, ROOT, log

# The proxies measured against the direct answer, by the key their figures have, with the name shown.
PROXIES = {"proxied": "orchestration-contract proxy", "prism": "prism proxy"}
WAYS = ("direct", *PROXIES)


def _serve(name: str, command: list[str], cwd: Path, ready: Callable[[], bool]) -> Any:
    """Start `command`; return its process once `ready()` holds (60 s at most)."""
    log_path = LOGS / f"{name.replace(' ', '-')}-latency.log"
    proc = procs.spawn(command, log_path, cwd=cwd)

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
        return ready()

    if not procs.wait_until(answers, timeout=60, interval=0.02):
        raise RuntimeError(f"{name} did not answer within 60 s")
    return proc


def _start_proxy(upstream: str) -> tuple[Any, str]:
    port = servers.free_port()
    command = [sys.executable, "-m", "contract_tests", "proxy", "--upstream", upstream, "--port", str(port)]
    origin = f"http://{servers.HOST}:{port}"

    def ready() -> bool:
        try:
            return httpx.get(origin + "/_proxy/violations", timeout=0.5).status_code == 200
        except httpx.TransportError:
            return False

    return _serve("proxy", command, ROOT, ready), origin


def _start_prism_proxy(upstream: str) -> tuple[Any, str]:
    """Prism's validating proxy on the project's v1 spec (the contract ours checks), forwarding to `upstream`."""
    servers.ensure_prism()
    port = servers.free_port()
    command = [str(servers.prism_bin()), "proxy", "-h", servers.HOST, "-p", str(port), "-v", "warn"]
    command += [str(servers.PROJECT_SPECS["v1"]), upstream]
    proc = _serve("prism proxy", command, servers.CACHE, lambda: servers.http_status(port, "/_info", 0.5) == 200)
    return proc, f"http://{servers.HOST}:{port}"


def run_proxy_latency(*, seconds: float = 4.0, concurrency: int = 32, rounds: int = 3) -> dict[str, Any]:
    """Figures for `results["proxy"]`: p50/p99 and req/s of each way; for each proxy, what it adds to the direct
    answer at `concurrency` clients and one client at a time."""
    servers.ensure_wrk()
    mock = servers.start_mock("proxy-latency")
    started: list[Any] = []
    try:
        servers.wait_ready(mock)
        proxy, proxy_origin = _start_proxy(mock.origin)
        started.append(proxy)
        prism, prism_origin = _start_prism_proxy(mock.origin + servers.MOCK_PREFIX)
        started.append(prism)
        token = servers.mock_token(mock)
        auth = f"Bearer {token}"
        created = httpx.post(mock.url("/workflows"), json={"stages": [{"noop": {}}]}, headers={"Authorization": auth})
        by_id = f"/workflows/{created.json()['data']['id']}"  # Prism serves the spec's paths at its root
        path = servers.MOCK_PREFIX + by_id
        targets = {"direct": mock.origin + path, "proxied": proxy_origin + path, "prism": prism_origin + by_id}
        for url in targets.values():  # warm every path: connections, caches, compiled validators
            wrkrun.run_wrk(url, duration=1, auth=auth, connections=concurrency)
        loads: dict[str, list[wrkrun.WrkResult]] = {name: [] for name in WAYS}
        for _ in range(rounds):
            for name, url in targets.items():
                procs.wait_quiet()
                loads[name].append(wrkrun.run_wrk(url, duration=seconds, auth=auth, connections=concurrency))
        # One client at a time as well: at 32 a proxy's added time is mostly queueing behind its CPU, alone
        # it is the work it does per request.
        serial = {
            name: wrkrun.run_wrk(url, duration=seconds, auth=auth, threads=1, connections=1)
            for name, url in targets.items()
        }
        figures: dict[str, Any] = {"concurrency": concurrency, "seconds_each": seconds * rounds}
        for name in WAYS:
            combined = wrkrun.combine(loads[name])
            if combined.status_errors or combined.socket_errors or serial[name].status_errors:
                errors = f"{combined.status_errors} error answers, {combined.socket_errors} socket errors"
                raise RuntimeError(f"{name}: {errors}; see {LOGS}")
            figures[name] = {"p50_ms": combined.p50_ms, "p99_ms": combined.p99_ms, "rps": combined.rps}
        direct = figures["direct"]
        for name in PROXIES:
            figures[name]["added_p50_ms"] = round(figures[name]["p50_ms"] - direct["p50_ms"], 2)
            figures[name]["added_p99_ms"] = round(figures[name]["p99_ms"] - direct["p99_ms"], 2)
            figures[name]["serial_added_p50_ms"] = round(serial[name].p50_ms - serial["direct"].p50_ms, 3)
        figures["requests_each"] = min(sum(r.requests for r in loads[name]) for name in WAYS)
        figures["prism_version"] = servers.prism_version()
        return figures
    finally:
        for proc in started:
            procs.stop(proc)
        procs.stop(mock.proc)


def summary(figures: dict[str, Any]) -> str:
    parts = [f"validating proxy, {figures['concurrency']} clients, at least {figures['requests_each']} requests each"]
    for name in WAYS:
        way = figures[name]
        part = f"{PROXIES.get(name, name)}: p50 {way['p50_ms']} ms p99 {way['p99_ms']} ms ({way['rps']} rps)"
        if name in PROXIES:
            part += (
                f", added p50 {way['added_p50_ms']} ms p99 {way['added_p99_ms']} ms"
                f" (one client at a time: {way['serial_added_p50_ms']} ms at p50)"
            )
        parts.append(part)
    return "; ".join(parts)


def table(figures: dict[str, Any], number: Callable[..., str] = lambda value, *_: str(value)) -> list[str]:
    """The Markdown table of every way; `number(value, digits)` formats a figure."""
    lines = [
        "| way | p50 ms | p99 ms | requests/s | added p50 / p99 ms | added p50, one client ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in WAYS:
        way = figures[name]
        added = serial = ""
        if name in PROXIES:
            added = f"{number(way['added_p50_ms'], 2)} / {number(way['added_p99_ms'], 2)}"
            serial = number(way["serial_added_p50_ms"], 3)
        cells = [PROXIES.get(name, name), number(way["p50_ms"], 3), number(way["p99_ms"], 3), number(way["rps"], 1)]
        lines.append("|" + "|".join(f" {cell} " if cell else " " for cell in [*cells, added, serial]) + "|")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds per load (wrk counts whole seconds)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating direct/proxied loads")
    args = parser.parse_args()
    try:
        figures = run_proxy_latency(seconds=args.seconds, concurrency=args.concurrency, rounds=args.rounds)
    finally:
        procs.stop_all()
    log(summary(figures))
    print("\n".join(table(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
