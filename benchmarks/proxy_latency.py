"""What the validating proxy adds to each request: p50/p99 latency at 32 concurrent clients, straight to the
mock and through `orchestration-contract proxy` in front of it, in the same run.

    .venv/bin/python benchmarks/proxy_latency.py [--seconds S] [--concurrency C] [--rounds R]

The request is `GET /workflows/{id}`, which every response check and the traffic model judge. The load is
wrk (C, so the load generator does not take the CPU the servers need on a small machine), 32 keep-alive
connections, bounded in time. Direct and proxied loads alternate for `--rounds` rounds, so a neighbour's
load on the shared machine falls on both alike; the median round is reported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import servers
import wrkrun
from servers import LOGS, ROOT, log

WAYS = ("direct", "proxied")


def _start_proxy(upstream: str) -> tuple[Any, str]:
    port = servers.free_port()
    command = [sys.executable, "-m", "contract_tests", "proxy", "--upstream", upstream, "--port", str(port)]
    proc = procs.spawn(command, LOGS / "proxy-latency.log", cwd=ROOT)
    origin = f"http://{servers.HOST}:{port}"

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited with {proc.returncode}; see {LOGS / 'proxy-latency.log'}")
        try:
            return httpx.get(origin + "/_proxy/violations", timeout=0.5).status_code == 200
        except httpx.TransportError:
            return False

    if not procs.wait_until(answers, timeout=60, interval=0.02):
        raise RuntimeError("the proxy did not answer within 60 s")
    return proc, origin


def run_proxy_latency(*, seconds: float = 4.0, concurrency: int = 32, rounds: int = 3) -> dict[str, Any]:
    """Figures for `results["proxy"]`: p50/p99 direct, proxied, and the difference (added per request)."""
    servers.ensure_wrk()
    mock = servers.start_mock("proxy-latency")
    proxy = None
    try:
        servers.wait_ready(mock)
        proxy, proxy_origin = _start_proxy(mock.origin)
        token = servers.mock_token(mock)
        auth = f"Bearer {token}"
        created = httpx.post(mock.url("/workflows"), json={"stages": [{"noop": {}}]}, headers={"Authorization": auth})
        path = f"{servers.MOCK_PREFIX}/workflows/{created.json()['data']['id']}"
        targets = {"direct": mock.origin + path, "proxied": proxy_origin + path}
        for url in targets.values():  # warm both paths: connections, caches, compiled validators
            wrkrun.run_wrk(url, duration=1, auth=auth, connections=concurrency)
        loads: dict[str, list[wrkrun.WrkResult]] = {name: [] for name in WAYS}
        for _ in range(rounds):
            for name, url in targets.items():
                procs.wait_quiet()
                loads[name].append(wrkrun.run_wrk(url, duration=seconds, auth=auth, connections=concurrency))
        # One client at a time as well: at 32 the proxy's added time is mostly queueing behind its CPU, alone
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
        figures["requests_each"] = min(sum(r.requests for r in loads[name]) for name in WAYS)
        figures["added_p50_ms"] = round(figures["proxied"]["p50_ms"] - figures["direct"]["p50_ms"], 2)
        figures["added_p99_ms"] = round(figures["proxied"]["p99_ms"] - figures["direct"]["p99_ms"], 2)
        figures["serial_added_p50_ms"] = round(serial["proxied"].p50_ms - serial["direct"].p50_ms, 3)
        return figures
    finally:
        if proxy is not None:
            procs.stop(proxy)
        procs.stop(mock.proc)


def summary(figures: dict[str, Any]) -> str:
    direct, proxied = figures["direct"], figures["proxied"]
    return (
        f"validating proxy, {figures['concurrency']} clients, at least {figures['requests_each']} requests each way: "
        f"direct p50 {direct['p50_ms']} ms p99 {direct['p99_ms']} ms ({direct['rps']} rps); through the proxy "
        f"p50 {proxied['p50_ms']} ms p99 {proxied['p99_ms']} ms ({proxied['rps']} rps); "
        f"added p50 {figures['added_p50_ms']} ms, p99 {figures['added_p99_ms']} ms "
        f"(one client at a time: {figures['serial_added_p50_ms']} ms at p50)"
    )


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
    print("| way | p50 ms | p99 ms | requests/s |\n| --- | ---: | ---: | ---: |")
    for name in WAYS:
        print(f"| {name} | {figures[name]['p50_ms']} | {figures[name]['p99_ms']} | {figures[name]['rps']} |")
    print(f"| added by the proxy | {figures['added_p50_ms']} | {figures['added_p99_ms']} | |")
    print(f"\none client at a time, added at p50: {figures['serial_added_p50_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
