"""The ledger API (`/api/ledger`): head to head with Prism, reads as the ledger grows, bytes per transaction.

    .venv/bin/python benchmarks/ledger.py [--duration S] [--sizes 1000,10000,100000] [--memory-count N]
                                          [--skip-pair] [--skip-scale] [--skip-memory]

`make bench` (run.py) measures the two ledger scenarios side by side with a Prism serving
`spec/ledger.v2.yaml`, then calls `run_ledger_scale` and `measure_memory`; run alone, this
script does the same for the ledger only and writes benchmarks/results/ledger.json.

- Head to head: `POST /v2/{ledger}/transactions` (two postings, world -> users:bench ->
  merchants:bench), the same with a Numscript split payment (SPLIT_SCRIPT: scripts per second
  beside plain postings, for information) and `GET /v2/{ledger}/transactions?pageSize=15` on a
  ledger holding STORED_TRANSACTIONS (listed first: the create loads then add thousands more).
- Scale (mock alone): the ledger is filled through `POST /v2/{ledger}/_bulk` (chunks of BULK_CHUNK
  transactions) to each size; a transaction by id, the first page of a filtered list (a body
  filter on one account, which every PROBE_EVERY-th transaction touches), and the page its `next`
  cursors lead to after WALKED_PAGES pages are loaded with wrk; a sequential walk follows the
  `next` cursors page by page (at most WALK_PAGES pages or WALK_SECONDS).
- Memory: a child process books `--memory-count` two-posting transactions through the service's own
  write (`LedgerService.create_transaction`, each body decoded from JSON bytes as a request's is);
  tracemalloc gives the bytes still held per transaction (two bounded structures that do not grow
  with the store are emptied before and after: the event bus's last events, a ring of
  EventBus.DEFAULT_CAPACITY, and the cache of rendered instants, timefmt.timestamp's 65,536 at
  most). The scale step adds the mock server's RSS growth per transaction.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import procs
import servers
import wrkrun
from scenarios import Scenario
from servers import RESULTS, ROOT, Server, log

LEDGER = "bench"
PREFIX = "/api/ledger"
PAGE_SIZE = 15
# What the ledger holds while the list is measured (before the create load adds more).
STORED_TRANSACTIONS = 10_000
BULK_CHUNK = 100  # the release's --bulk-max-size default, which the mock enforces (413 above it)
USERS, MERCHANTS = 1_000, 100
PROBE_ACCOUNT = "probe:a"
PROBE_EVERY = 10  # every 10th stored transaction touches the probe account: 10,000 of 100,000
WALKED_PAGES = 3
WALK_PAGES, WALK_SECONDS = 20, 6.0
DEFAULT_SIZES = (1_000, 10_000, 100_000)
MEMORY_COUNT = 100_000
MEMORY_TARGET_BYTES = 2048
# Acceptance: the mock's req/s >= this times Prism's, its p99 <= this fraction of Prism's.
RPS_FACTOR, P99_FRACTION = 3.0, 0.25
ROUNDS = 3
PROBE_THREADS, PROBE_CONNECTIONS = 1, 8  # as scale.py: a core for wrk, a core for the server
FLAT_GROWTH = 2.0  # flat: the 100k figure within 2x the 1k one


def posting(source: str, destination: str, amount: int) -> dict[str, Any]:
    return {"source": source, "destination": destination, "amount": amount, "asset": "USD/2"}


def two_postings(user: str, merchant: str, amount: int = 100) -> dict[str, Any]:
    """world -> user -> merchant: the second posting is funded by the first."""
    return {"postings": [posting("world", user, amount), posting(user, merchant, amount)]}


# The body POST /transactions sends on every request of the load.
CREATE_BODY = json.dumps(two_postings("users:bench", "merchants:bench"))
# The same money movement as a Numscript split payment (issue 26: scripts per second beside plain
# postings): world pays the user, who pays 85% to the merchant and the rest to the platform, so the
# engine parses, checks funds and rounds an allotment on every request (three postings booked).
SPLIT_SCRIPT = """vars {
  monetary $amount
}
send $amount (
  source = @world
  destination = @users:bench
)
send $amount (
  source = @users:bench
  destination = {
    85% to @merchants:bench
    remaining to @platform:fees
  }
)"""
SCRIPT_BODY = json.dumps({"script": {"plain": SPLIT_SCRIPT, "vars": {"amount": "USD/2 100"}}})
PAGE_PATH = f"/v2/{LEDGER}/transactions?pageSize={PAGE_SIZE}"


def stored_body(n: int) -> dict[str, Any]:
    """The n-th transaction a store is filled with: one in PROBE_EVERY pays the probe account."""
    merchant = PROBE_ACCOUNT if n % PROBE_EVERY == 0 else f"merchants:{n % MERCHANTS}"
    return two_postings(f"users:{n % USERS}", merchant, 100 + n % 7)


def scenarios() -> list[Scenario]:
    """The ledger's rows of the head-to-head table; the list first, while the store holds STORED_TRANSACTIONS."""
    return [
        Scenario(
            "ledger_list",
            f"GET /api/ledger/v2/{{ledger}}/transactions ({PAGE_SIZE} of {STORED_TRANSACTIONS // 1000}k)",
            "GET",
            PAGE_PATH,
            PAGE_PATH,
            None,
            200,
            True,
            "ledger",
            PREFIX,
        ),
        Scenario(
            "ledger_create",
            "POST /api/ledger/v2/{ledger}/transactions (2 postings)",
            "POST",
            f"/v2/{LEDGER}/transactions",
            f"/v2/{LEDGER}/transactions",
            CREATE_BODY,
            200,
            True,
            "ledger",
            PREFIX,
        ),
        Scenario(
            "ledger_script",
            "POST /api/ledger/v2/{ledger}/transactions (Numscript split)",
            "POST",
            f"/v2/{LEDGER}/transactions",
            f"/v2/{LEDGER}/transactions",
            SCRIPT_BODY,
            200,
            False,
            "ledger",
            PREFIX,
        ),
    ]


class LedgerClient:
    """The mock's ledger API over one keep-alive connection."""

    def __init__(self, server: Server, token: str) -> None:
        self.http = httpx.Client(
            base_url=f"{server.origin}{PREFIX}/v2", headers={"Authorization": f"Bearer {token}"}, timeout=300
        )

    def close(self) -> None:
        self.http.close()

    def create_ledger(self) -> None:
        _expect(self.http.post(f"/{LEDGER}"), 204)

    def bulk(self, first: int, last: int) -> None:
        """Transactions first..last-1 of the store, in chunks of BULK_CHUNK bulk elements."""
        for start in range(first, last, BULK_CHUNK):
            elements = [
                {"action": "CREATE_TRANSACTION", "data": stored_body(n)}
                for n in range(start, min(last, start + BULK_CHUNK))
            ]
            response = self.http.post(f"/{LEDGER}/_bulk", json=elements)
            _expect(response, 200)
            if any(item.get("responseType") == "ERROR" for item in response.json()["data"]):
                raise RuntimeError(f"bulk refused an element: {response.text[:500]}")

    def create(self, body: dict[str, Any]) -> int:
        response = self.http.post(f"/{LEDGER}/transactions", json=body)
        _expect(response, 200)
        return int(response.json()["data"]["id"])

    def count(self) -> int:
        return int(self.http.get(f"/{LEDGER}/stats").json()["data"]["transactions"])

    def page(self, path: str, body: Any = None) -> dict[str, Any]:
        """A list page of the ledger (`path` below it, a filter as the body when given): its `cursor`."""
        url = f"/{LEDGER}{path}"
        response = self.http.request("GET", url, json=body) if body is not None else self.http.get(url)
        _expect(response, 200)
        return dict(response.json()["cursor"])


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} answered {response.status_code}"
            f" (expected {status}): {response.text[:500]}"
        )


def seed_ledger(server: Server, token: str, count: int = STORED_TRANSACTIONS) -> None:
    """The ledger the head-to-head scenarios read and write, holding `count` transactions."""
    client = LedgerClient(server, token)
    try:
        client.create_ledger()
        client.bulk(0, count)
        stored = client.count()
        if stored != count:
            raise RuntimeError(f"expected {count} transactions in ledger {LEDGER}, the mock holds {stored}")
        page = client.page(f"/transactions?pageSize={PAGE_SIZE}")
        if len(page["data"]) != PAGE_SIZE or not page["hasMore"]:
            raise RuntimeError(f"expected a first page of {PAGE_SIZE} with more after it, got {page}")
    finally:
        client.close()


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """(name, measured, bound, pass, gap) of the ledger scenarios, as report.py lists the others."""
    found = []
    for row in rows:
        # The script row is held to no bound: Prism answers a script with the same canned example as
        # postings, so the row only shows what running the script costs the mock.
        if row.get("api") != "ledger" or not row.get("target"):
            continue
        mine, theirs = row["mock"], row["prism"]
        times = row["ratio"]["rps"] or 0.0
        found.append(
            {
                "name": f"{row['label']} req/s",
                "measured": f"{mine['rps']:,.0f} vs {theirs['rps']:,.0f} ({times:.2f}x)",
                "target": f">= {RPS_FACTOR:g}x Prism",
                "pass": times >= RPS_FACTOR,
                "gap": ""
                if times >= RPS_FACTOR
                else (f"{RPS_FACTOR / times:.2f}x more req/s needed" if times else "-"),
            }
        )
        share = mine["p99_ms"] / theirs["p99_ms"] if theirs["p99_ms"] else 0.0
        ok = share <= P99_FRACTION
        found.append(
            {
                "name": f"{row['label']} p99",
                "measured": f"{mine['p99_ms']:.1f} ms vs {theirs['p99_ms']:.1f} ms ({share:.2f}x)",
                "target": f"<= {P99_FRACTION:g}x Prism's p99",
                "pass": ok,
                "gap": "" if ok else f"{share / P99_FRACTION:.2f}x over the bound",
            }
        )
    return found


# --- scale: by-id reads and filtered cursor pages as the ledger grows ----------------------------


def _filter() -> dict[str, Any]:
    return {"$match": {"account": PROBE_ACCOUNT}}


def _probe_paths(client: LedgerClient, probe_id: int) -> dict[str, tuple[str, str | None]]:
    """name -> (path below the ledger, GET body): by id, the filtered first page, the deep cursor page."""
    first = f"/transactions?pageSize={PAGE_SIZE}"
    paths: dict[str, tuple[str, str | None]] = {
        "by_id": (f"/transactions/{probe_id}", None),
        "filtered_first_page": (first, json.dumps(_filter())),
    }
    page = client.page(first, _filter())
    for _ in range(WALKED_PAGES - 1):
        if not page.get("next"):
            return paths
        page = client.page(f"/transactions?cursor={page['next']}")
    if page.get("next"):
        # `cursor` alone: the page size and the filter travel inside it.
        paths["filtered_deep_page"] = (f"/transactions?cursor={page['next']}", None)
    return paths


def walk_pages(client: LedgerClient) -> dict[str, Any]:
    """Follow `next` from the filtered first page, one request at a time: the time of each page."""
    times: list[float] = []
    started = time.perf_counter()
    begin = time.perf_counter()
    page = client.page(f"/transactions?pageSize={PAGE_SIZE}", _filter())
    times.append(time.perf_counter() - begin)
    while page.get("next") and len(times) < WALK_PAGES and time.perf_counter() - started < WALK_SECONDS:
        begin = time.perf_counter()
        page = client.page(f"/transactions?cursor={page['next']}")
        times.append(time.perf_counter() - begin)
    return {
        "pages": len(times),
        "mean_ms": round(statistics.mean(times) * 1000, 3),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "max_ms": round(max(times) * 1000, 3),
    }


def _measure_size(server: Server, token: str, client: LedgerClient, probe_id: int, duration: float) -> dict[str, Any]:
    paths = _probe_paths(client, probe_id)
    rounds: dict[str, list[wrkrun.WrkResult]] = {name: [] for name in paths}
    noise: dict[str, list[float]] = {name: [] for name in paths}
    seconds = max(1.0, round(duration / ROUNDS))
    for _ in range(ROUNDS):
        for name, (path, body) in paths.items():
            procs.wait_quiet()
            with procs.Noise(server.pid).watching() as watch:
                rounds[name].append(
                    wrkrun.run_wrk(
                        f"{server.origin}{PREFIX}/v2/{LEDGER}{path}",
                        duration=seconds,
                        body=body,
                        auth=f"Bearer {token}",
                        threads=PROBE_THREADS,
                        connections=PROBE_CONNECTIONS,
                    )
                )
            noise[name].append(watch.other_cores)
    figures: dict[str, Any] = {}
    for name in paths:
        result = wrkrun.combine(rounds[name])
        figures[name] = {
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "rps": result.rps,
            "errors": result.status_errors + result.socket_errors,
            "other_load_cores": round(statistics.mean(noise[name]), 2),
        }
    figures["cursor_walk"] = walk_pages(client)
    return figures


def run_ledger_scale(*, duration: float = 3.0, sizes: tuple[int, ...] = DEFAULT_SIZES) -> dict[str, Any]:
    log(f"ledger scale: {', '.join(f'{s:,}' for s in sizes)} stored transactions, {duration:g} s per probe ...")
    server = servers.start_mock("ledger-scale")
    try:
        servers.wait_ready(server)
        token = servers.mock_token(server)
        client = LedgerClient(server, token)
        try:
            client.create_ledger()
            rss_empty = procs.rss_mib(server.pid)
            probe_id = client.create(stored_body(0))  # transaction 1, read by id at every size
            steps = []
            loaded = 1
            for size in sizes:
                started = time.perf_counter()
                client.bulk(loaded, size)
                loaded = size
                load_s = time.perf_counter() - started
                time.sleep(1.0)
                rss = procs.rss_mib(server.pid)
                step = {"size": client.count(), "load_s": round(load_s, 1), "rss_mib": round(rss, 1)}
                step["probes"] = _measure_size(server, token, client, probe_id, duration)
                steps.append(step)
                p = step["probes"]
                log(
                    f"  {step['size']:>9,} stored: RSS {rss:7.1f} MiB, loaded in {load_s:5.1f} s; by id p50/p99 "
                    f"{p['by_id']['p50_ms']:.2f}/{p['by_id']['p99_ms']:.2f} ms; filtered page p50/p99 "
                    f"{p['filtered_first_page']['p50_ms']:.2f}/{p['filtered_first_page']['p99_ms']:.2f} ms; "
                    f"cursor walk {p['cursor_walk']['pages']} pages, {p['cursor_walk']['mean_ms']:.2f} ms a page"
                )
        finally:
            client.close()
        result = {
            "steps": steps,
            "rss_empty_mib": round(rss_empty, 1),
            "probe_duration_s": duration,
            "probe_wrk": f"{PROBE_THREADS} thread, {PROBE_CONNECTIONS} connections",
            "probe_every": PROBE_EVERY,
        }
        result["verdict"] = scale_verdict(steps)
        if len(steps) > 1:
            first, last = steps[0], steps[-1]
            grown = (last["rss_mib"] - first["rss_mib"]) * 1024 * 1024
            result["rss_bytes_per_transaction"] = round(grown / (last["size"] - first["size"]))
        log(f"  flat (within {FLAT_GROWTH:g}x from the smallest to the largest): {result['verdict']}")
        return result
    finally:
        procs.stop(server.proc)


SCALE_PROBES = ("by_id", "filtered_first_page", "filtered_deep_page")


def scale_verdict(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Each probe's p50 and p99 (and the cursor walk's mean) at the largest size over the smallest."""
    first, last = steps[0]["probes"], steps[-1]["probes"]
    growth: dict[str, Any] = {}
    for name in SCALE_PROBES:
        if name in first and name in last:
            growth[name] = {
                "p50_x": round(last[name]["p50_ms"] / first[name]["p50_ms"], 2),
                "p99_x": round(last[name]["p99_ms"] / first[name]["p99_ms"], 2),
            }
    growth["cursor_walk"] = {"mean_x": round(last["cursor_walk"]["mean_ms"] / first["cursor_walk"]["mean_ms"], 2)}
    flat = all(value <= FLAT_GROWTH for g in growth.values() for value in g.values())
    return {"growth": growth, "flat": flat, "small": steps[0]["size"], "large": steps[-1]["size"]}


# --- memory per stored transaction ----------------------------------------------------------------

_MEMORY_CHILD = """
import gc, json, sys, time, tracemalloc
import orjson
sys.path.insert(0, {bench!r})
from ledger import stored_body
from mockserver.core.bus import EventBus
from mockserver.core.clock import SystemClock
from mockserver.core.timefmt import timestamp
from mockserver.ledger.service import LedgerService

count = {count}
service = LedgerService(clock=SystemClock(), bus=EventBus())
service.create_ledger("bench")
bodies = [orjson.dumps(stored_body(n)) for n in range(count)]
for raw in bodies[:1000]:  # every account exists: what is measured is what one more transaction adds
    service.create_transaction("bench", orjson.loads(raw))
service.bus.clear()
timestamp.cache_clear()
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
started = time.perf_counter()
for raw in bodies:
    service.create_transaction("bench", orjson.loads(raw))  # decoded here, as a request body is
elapsed = time.perf_counter() - started
service.bus.clear()  # a bounded ring of the last events, not the store
timestamp.cache_clear()  # a bounded cache of rendered instants (65,536 at most), not the store
gc.collect()
after = tracemalloc.get_traced_memory()[0]
top = [
    {{"where": f"{{s.traceback[0].filename.split('/mockserver/')[-1]}}:{{s.traceback[0].lineno}}",
      "bytes_per_tx": round(s.size / count, 1), "blocks_per_tx": round(s.count / count, 2)}}
    for s in tracemalloc.take_snapshot().statistics("lineno")[:12]
]
print(json.dumps({{"count": count, "bytes_per_transaction": round((after - before) / count, 1),
                  "traced_us_per_transaction": round(elapsed / count * 1e6, 1), "top": top}}))
"""


def measure_memory(count: int = MEMORY_COUNT) -> dict[str, Any]:
    """Bytes held per stored two-posting transaction (tracemalloc, in a child process of its own)."""
    log(f"ledger memory: {count:,} two-posting transactions through the service, tracemalloc ...")
    code = _MEMORY_CHILD.format(bench=str(Path(__file__).resolve().parent), count=count)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory probe failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["target_bytes"] = MEMORY_TARGET_BYTES
    log(f"  {result['bytes_per_transaction']:,.0f} bytes per stored transaction (target <= {MEMORY_TARGET_BYTES:,})")
    return result


# --- standalone: the ledger alone, head to head, scale and memory ---------------------------------


def head_to_head(duration: float, rounds: int) -> list[dict[str, Any]]:
    import run

    args = run.parse_args(["--duration", str(duration), "--rounds", str(rounds)])
    mock = servers.start_mock("ledger")
    prism = servers.start_prism("ledger", args.prism_log_level, "ledger")
    try:
        for server in (mock, prism):
            servers.wait_ready(server)
        token = servers.mock_token(mock)
        seed_ledger(mock, token)
        samplers = {server.pid: procs.RssSampler(server.pid) for server in (mock, prism)}
        rows = []
        for scenario in scenarios():
            row: dict[str, Any] = {
                "key": scenario.key,
                "label": scenario.label,
                "target": scenario.target,
                "api": "ledger",
            }
            row.update(run.measure_pair((mock, prism), scenario, token, args, samplers))
            row["ratio"] = {
                "rps": run.ratio(row["mock"]["rps"], row["prism"]["rps"]),
                "p50": run.ratio(row["mock"]["p50_ms"], row["prism"]["p50_ms"]),
                "p99": run.ratio(row["mock"]["p99_ms"], row["prism"]["p99_ms"]),
                "cpu": run.ratio(row["mock"]["cpu_ms_per_request"], row["prism"]["cpu_ms_per_request"]),
            }
            rows.append(row)
        return rows
    finally:
        procs.stop(mock.proc)
        procs.stop(prism.proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds of each head-to-head load")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--probe-duration", type=float, default=3.0, help="seconds of wrk per scale probe and size")
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--memory-count", type=int, default=MEMORY_COUNT)
    parser.add_argument("--skip-pair", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    servers.ensure_wrk()
    results: dict[str, Any] = {}
    try:
        if not args.skip_pair:
            servers.ensure_prism()
            results["scenarios"] = head_to_head(args.duration, args.rounds)
            for t in targets(results["scenarios"]):
                log(f"  {'PASS' if t['pass'] else 'MISS'}  {t['name']}: {t['measured']} [bound {t['target']}]")
        if not args.skip_scale:
            sizes = tuple(int(s) for s in args.sizes.split(","))
            results["scale"] = run_ledger_scale(duration=args.probe_duration, sizes=sizes)
        if not args.skip_memory:
            results["memory"] = measure_memory(args.memory_count)
    finally:
        procs.stop_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ledger.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {RESULTS / 'ledger.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
