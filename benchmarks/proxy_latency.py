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
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import servers
import wrkrun
from servers import LOGS, ROOT, log

WAYS = ("direct", "proxied", "prism")
PROXIES = {"proxied": "orchestration-contract proxy", "prism": "prism proxy"}


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


def _start_prism_proxy(upstream: str) -> tuple[Any, str]:
    """Prism's validating proxy on the project's v1 spec (the contract ours checks), forwarding to `upstream`."""
    servers.ensure_prism()
    port = servers.free_port()
    spec = servers.PROJECT_SPECS["v1"]
    command = [str(servers.prism_bin()), "proxy", "-h", servers.HOST, "-p", str(port), "-v", "warn"]
    command += [str(spec), upstream]
    log_path = LOGS / "prism-proxy-latency.log"
    proc = procs.spawn(command, log_path, cwd=servers.CACHE)

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"prism proxy exited with {proc.returncode}; see {log_path}")
        return servers.http_status(port, "/_info", timeout=0.5) == 200

    if not procs.wait_until(answers, timeout=60, interval=0.05):
        raise RuntimeError("prism proxy did not answer within 60 s")
    return proc, f"http://{servers.HOST}:{port}"


def run_proxy_latency(*, seconds: float = 4.0, concurrency: int = 32, rounds: int = 3) -> dict[str, Any]:
    """Figures for `results["proxy"]`: p50/p99 direct, proxied, and the difference (added per request)."""
    servers.ensure_wrk()
    mock = servers.start_mock("proxy-latency")
    proxy = prism = None
    try:
        servers.wait_ready(mock)
        proxy, proxy_origin = _start_proxy(mock.origin)
        prism, prism_origin = _start_prism_proxy(mock.origin + servers.MOCK_PREFIX)
        token = servers.mock_token(mock)
        auth = f"Bearer {token}"
        created = httpx.post(mock.url("/workflows"), json={"stages": [{"noop": {}}]}, headers={"Authorization": auth})
        path = f"{servers.MOCK_PREFIX}/workflows/{created.json()['data']['id']}"
        by_id = path.removeprefix(servers.MOCK_PREFIX)  # Prism serves the spec's paths at its root
        targets = {"direct": mock.origin + path, "proxied": proxy_origin + path, "prism": prism_origin + by_id}
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
        for name, prefix in (("proxied", ""), ("prism", "prism_")):
            figures[f"{prefix}added_p50_ms"] = round(figures[name]["p50_ms"] - figures["direct"]["p50_ms"], 2)
            figures[f"{prefix}added_p99_ms"] = round(figures[name]["p99_ms"] - figures["direct"]["p99_ms"], 2)
            figures[f"{prefix}serial_added_p50_ms"] = round(serial[name].p50_ms - serial["direct"].p50_ms, 3)
        figures["prism_version"] = servers.prism_version()
        return figures
    finally:
        for proc in (proxy, prism):
            if proc is not None:
                procs.stop(proc)
        procs.stop(mock.proc)


def summary(figures: dict[str, Any]) -> str:
    direct, proxied, prism = figures["direct"], figures["proxied"], figures["prism"]
    return (
        f"validating proxy, {figures['concurrency']} clients, at least {figures['requests_each']} requests each way: "
        f"direct p50 {direct['p50_ms']} ms p99 {direct['p99_ms']} ms ({direct['rps']} rps); through the proxy "
        f"p50 {proxied['p50_ms']} ms p99 {proxied['p99_ms']} ms ({proxied['rps']} rps), "
        f"added p50 {figures['added_p50_ms']} ms, p99 {figures['added_p99_ms']} ms "
        f"(one client at a time: {figures['serial_added_p50_ms']} ms at p50); through prism proxy "
        f"p50 {prism['p50_ms']} ms p99 {prism['p99_ms']} ms ({prism['rps']} rps), "
        f"added p50 {figures['prism_added_p50_ms']} ms, p99 {figures['prism_added_p99_ms']} ms "
        f"(one client at a time: {figures['prism_serial_added_p50_ms']} ms at p50)"
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
    print("| way | p50 ms | p99 ms | requests/s | added p50 / p99 ms | added p50, one client |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    direct = figures["direct"]
    print(f"| direct | {direct['p50_ms']} | {direct['p99_ms']} | {direct['rps']} | | |")
    for name, prefix in (("proxied", ""), ("prism", "prism_")):
        way = figures[name]
        added = f"{figures[prefix + 'added_p50_ms']} / {figures[prefix + 'added_p99_ms']}"
        serial = figures[prefix + "serial_added_p50_ms"]
        print(f"| {PROXIES[name]} | {way['p50_ms']} | {way['p99_ms']} | {way['rps']} | {added} | {serial} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
