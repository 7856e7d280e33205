"""What the validating proxy adds to each request: p50/p99 latency at 32 concurrent clients, straight to the
mock and through `orchestration-contract proxy` in front of it, in the same run.

    .venv/bin/python benchmarks/proxy_latency.py [--requests N] [--concurrency C] [--rounds R]

The request is `GET /workflows/{id}`, which every response check and the traffic model judge. Direct and
proxied batches alternate for `--rounds` rounds, so a neighbour's load on the shared machine falls on both
alike; each batch sends a bounded number of requests (`--requests`, split over the rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import servers
from servers import LOGS, ROOT, log

SERIAL_REQUESTS = 300


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _batch(url: str, token: str, requests: int, concurrency: int) -> list[float]:
    """Latencies (ms) of `requests` GETs shared by `concurrency` clients, each on its own connection."""
    remaining = requests
    latencies: list[float] = []

    async def client() -> None:
        nonlocal remaining
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            while remaining > 0:
                remaining -= 1
                began = time.perf_counter()
                reply = await http.get(url)
                latencies.append((time.perf_counter() - began) * 1000)
                if reply.status_code != 200:
                    raise RuntimeError(f"{url} answered {reply.status_code}: {reply.text[:200]}")

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies


def _start_proxy(upstream: str) -> tuple[Any, str]:
    port = servers.free_port()
    command = [sys.executable, "-m", "contract_tests", "proxy", "--upstream", upstream, "--port", str(port)]
    proc = procs.spawn(command, LOGS / "proxy-latency.log", cwd=ROOT)
    origin = f"http://{servers.HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited with {proc.returncode}; see {LOGS / 'proxy-latency.log'}")
        try:
            if httpx.get(origin + "/_proxy/violations", timeout=0.5).status_code == 200:
                return proc, origin
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError("the proxy did not answer within 60 s")


def run_proxy_latency(*, requests: int = 2000, concurrency: int = 32, rounds: int = 2) -> dict[str, Any]:
    """Figures for `results["proxy"]`: p50/p99 direct, proxied, and the difference (added per request)."""
    mock = servers.start_mock("proxy-latency")
    proxy = None
    try:
        servers.wait_ready(mock)
        proxy, proxy_origin = _start_proxy(mock.origin)
        token = servers.mock_token(mock)
        created = httpx.post(
            mock.url("/workflows"), json={"stages": [{"noop": {}}]}, headers={"Authorization": f"Bearer {token}"}
        )
        path = f"{servers.MOCK_PREFIX}/workflows/{created.json()['data']['id']}"
        targets = {"direct": mock.origin + path, "proxied": proxy_origin + path}
        latencies: dict[str, list[float]] = {"direct": [], "proxied": []}
        per_round = max(concurrency, requests // rounds)
        for url in targets.values():  # warm both paths: connections, caches, compiled validators
            asyncio.run(_batch(url, token, concurrency * 2, concurrency))
        for _ in range(rounds):
            for name, url in targets.items():
                procs.wait_quiet()
                latencies[name] += asyncio.run(_batch(url, token, per_round, concurrency))
        figures: dict[str, Any] = {"requests_each": len(latencies["direct"]), "concurrency": concurrency}
        for name, values in latencies.items():
            figures[name] = {
                "p50_ms": round(statistics.median(values), 2),
                "p99_ms": round(_percentile(values, 0.99), 2),
            }
        figures["added_p50_ms"] = round(figures["proxied"]["p50_ms"] - figures["direct"]["p50_ms"], 2)
        figures["added_p99_ms"] = round(figures["proxied"]["p99_ms"] - figures["direct"]["p99_ms"], 2)
        # One client at a time as well: at 32 the proxy's added time is mostly queueing behind its CPU, alone
        # it is the work it does per request.
        serial = {name: asyncio.run(_batch(url, token, SERIAL_REQUESTS, 1)) for name, url in targets.items()}
        figures["serial_added_p50_ms"] = round(
            statistics.median(serial["proxied"]) - statistics.median(serial["direct"]), 2
        )
        return figures
    finally:
        if proxy is not None:
            procs.stop(proxy)
        procs.stop(mock.proc)


def summary(figures: dict[str, Any]) -> str:
    direct, proxied = figures["direct"], figures["proxied"]
    return (
        f"validating proxy, {figures['concurrency']} clients, {figures['requests_each']} requests each way: "
        f"direct p50 {direct['p50_ms']} ms p99 {direct['p99_ms']} ms; through the proxy p50 {proxied['p50_ms']} ms "
        f"p99 {proxied['p99_ms']} ms; added p50 {figures['added_p50_ms']} ms, p99 {figures['added_p99_ms']} ms "
        f"(one client at a time: {figures['serial_added_p50_ms']} ms at p50)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per way (direct, proxied), in total")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating direct/proxied batches")
    args = parser.parse_args()
    try:
        figures = run_proxy_latency(requests=args.requests, concurrency=args.concurrency, rounds=args.rounds)
    finally:
        procs.stop_all()
    log(summary(figures))
    print("| way | p50 ms | p99 ms |\n| --- | ---: | ---: |")
    for name in ("direct", "proxied"):
        print(f"| {name} | {figures[name]['p50_ms']} | {figures[name]['p99_ms']} |")
    print(f"| added by the proxy | {figures['added_p50_ms']} | {figures['added_p99_ms']} |")
    print(f"\none client at a time, added at p50: {figures['serial_added_p50_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
