"""--tenancy client at scale: 1,000 tenants of 10 workflows each against one tenant of 10, side by side.

Prints, for each store, the server's RSS and the p50/p99 of GET /workflows/{id} by one tenant
(wrk, 1 thread, 8 connections, 3 s after a 1 s warm-up). The target: a read by id costs the same
whatever the other tenants hold, and each extra tenant costs a bounded amount of memory.

    .venv/bin/python benchmarks/tenants.py [--tenants 1000] [--workflows 10]
"""

from __future__ import annotations

import argparse
import time

import httpx
import procs
import servers
from wrkrun import run_wrk

WORKFLOW = {"name": "tenant-bench", "stages": [{"noop": {}}]}


def _token(origin: str, client: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": client, "client_secret": "bench"}
    reply = httpx.post(origin + "/api/auth/oauth/token", data=form, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def _fill(origin: str, tenant: str, workflows: int) -> None:
    doc = {"workflows": [{**WORKFLOW, "name": f"{tenant}-{n}"} for n in range(workflows)]}
    httpx.post(origin + "/_mock/fixtures", json=doc, headers={"X-Mock-Tenant": tenant}, timeout=30).raise_for_status()


def measure(tenants: int, workflows: int) -> dict[str, float]:
    server = servers.start_mock(f"tenants-{tenants}", extra=("--tenancy", "client"))
    try:
        servers.wait_ready(server)
        started = time.perf_counter()
        for number in range(tenants):
            _fill(server.origin, f"tenant-{number}", workflows)
        load_s = time.perf_counter() - started
        token = _token(server.origin, "tenant-0")
        listed = httpx.get(server.url("/workflows"), headers={"Authorization": f"Bearer {token}"}).json()["data"]
        assert len(listed) == workflows, f"tenant-0 lists {len(listed)} workflows"
        url = server.url(f"/workflows/{listed[0]['id']}")
        run_wrk(url, duration=1, auth=f"Bearer {token}", threads=1, connections=8)
        result = run_wrk(url, duration=3, auth=f"Bearer {token}", threads=1, connections=8)
        return {
            "rss_mib": procs.rss_mib(server.pid),
            "load_s": load_s,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "rps": result.rps,
        }
    finally:
        procs.stop(server.proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--workflows", type=int, default=10)
    args = parser.parse_args()
    servers.ensure_wrk()
    one = measure(1, args.workflows)
    many = measure(args.tenants, args.workflows)
    print("| store | RSS MiB | load s | by-id p50 ms | by-id p99 ms | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, row in ((f"1 tenant x {args.workflows}", one), (f"{args.tenants} tenants x {args.workflows}", many)):
        print(
            f"| {label} | {row['rss_mib']:.1f} | {row['load_s']:.1f} | {row['p50_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {row['rps']:,.0f} |"
        )
    per_tenant = (many["rss_mib"] - one["rss_mib"]) / max(args.tenants - 1, 1) * 1024
    print(f"\nper extra tenant: {per_tenant:.0f} KiB; by-id p99 {many['p99_ms'] / one['p99_ms']:.2f}x one tenant's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
