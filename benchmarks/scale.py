"""Scale figures: memory and read/list latency of the mock as its store grows to 100k workflows and instances.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--triggers 10000] [--duration 3]

A fixed set of probe resources is created first; bulk workflows and instances are then loaded
through `POST /_mock/fixtures` in chunks. At each size the same probe requests are loaded with
wrk: reads by id and lists with a fixed-size result must not slow down as the store grows,
nor must v2's cursor pages, the first one or one a few pages in (its cursor walked anew at each size).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import procs
import servers
import wrkrun
from scenarios import V2_PAGE_SIZE, MockClient
from servers import RESULTS, Server, log

# 100 is the small store the v2 page target compares the 100k one with.
DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
PROBE_ITEMS = 10
CHUNK = 5_000
# By-id probes must stay O(1); the list probes return PROBE_ITEMS items whatever the store holds.
BY_ID = ("workflow_by_id", "instance_by_id", "trigger_by_id")
FIXED_LISTS = ("instances_of_workflow", "running_instances", "occurrences")
# v2 cursor pages of all instances: a keyset page must cost its size, wherever it starts.
V2_PAGES = ("v2_first_page", "v2_deep_page")
V2_FIRST_PAGE = f"/v2/instances?pageSize={V2_PAGE_SIZE}"
# The deep page is the one the `next` of this page points to: at 100 stored instances (plus the
# probes') it still has a full page after it.
WALKED_PAGES = 3
V2_SMALL_STORE, V2_LARGE_STORE = 100, 100_000
RSS_LIMIT_MIB = 1024
ROUNDS = 3
# Latency, not throughput, is what must not grow with the store. With wrk's 2 threads and the
# server on 2 cores, the scheduler preempts the server for whole time slices, and p99 measured
# that (5-13 ms from run to run at any store size). One wrk thread and 8 connections leave a
# core each, so p99 is the server's own.
PROBE_THREADS = 1
PROBE_CONNECTIONS = 8


def create_probes(client: MockClient) -> dict[str, str]:
    """Resources every size step reads; created on the empty store so their ids never change."""
    probe = client.create_workflow("scale-probe", [{"noop": {}}])
    waiting = client.create_workflow("scale-wait", [{"wait_event": {"event": "never"}}])
    trigger = client.create_trigger("SCALE_PROBE", probe)
    instance = ""
    for _ in range(PROBE_ITEMS):
        instance = client.run(probe)
        client.run(waiting)
        client.publish("SCALE_PROBE", {"kind": "probe"})
    bulk = client.create_workflow("scale-bulk", [{"noop": {}}])
    return {"workflow": probe, "waiting": waiting, "trigger": trigger, "instance": instance, "bulk": bulk}


def probe_paths(ids: dict[str, str]) -> dict[str, str]:
    return {
        "workflow_by_id": f"/workflows/{ids['workflow']}",
        "instance_by_id": f"/instances/{ids['instance']}",
        "trigger_by_id": f"/triggers/{ids['trigger']}",
        "instances_of_workflow": f"/instances?workflowID={ids['waiting']}",
        "running_instances": "/instances?running=true",
        "occurrences": f"/triggers/{ids['trigger']}/occurrences",
    }


def load_workflows(client: MockClient, start: int, stop: int) -> None:
    for first in range(start, stop, CHUNK):
        last = min(first + CHUNK, stop)
        client.load_fixture(
            {"workflows": [{"name": f"scale-{n}", "stages": [{"noop": {}}]} for n in range(first, last)]}
        )


def load_instances(client: MockClient, workflow: str, count: int) -> None:
    for first in range(0, count, CHUNK):
        client.load_fixture({"instances": [{"workflow": workflow}] * min(CHUNK, count - first)})


def load_triggers(client: MockClient, workflow: str, count: int) -> None:
    # An event nobody publishes: the triggers only cost memory and lookups.
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        client.load_fixture(
            {"triggers": [{"event": "SCALE_IDLE", "workflow": workflow, "name": f"t{first + n}"} for n in range(size)]}
        )


def full_list(url: str, token: str, budget_s: float = 6.0, max_requests: int = 20) -> dict[str, Any]:
    """The unfiltered list is O(store) by nature: a few sequential requests give its cost per item."""
    times: list[float] = []
    size = items = 0
    deadline = time.perf_counter() + budget_s
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        while len(times) < max_requests and (not times or time.perf_counter() < deadline):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            size = len(response.content)
            if not items:
                items = len(response.json()["data"])
    p50 = statistics.median(times) * 1000
    return {
        "requests": len(times),
        "items": items,
        "bytes": size,
        "p50_ms": round(p50, 3),
        "max_ms": round(max(times) * 1000, 3),
        "us_per_item": round(p50 * 1000 / items, 3) if items else None,
    }


@dataclass
class Probe:
    """Everything a size step needs to load the probe requests."""

    client: MockClient
    server: Server
    token: str
    paths: dict[str, str]
    duration: float


def deep_page_path(client: MockClient) -> str | None:
    """Walk WALKED_PAGES pages from the first; the cursor of the next one, or None if the store ends first."""
    page = client.page(V2_FIRST_PAGE)
    for _ in range(WALKED_PAGES - 1):
        if not page.get("next"):
            return None
        page = client.page(f"/v2/instances?cursor={page['next']}")
    # `cursor` alone: the spec forbids other parameters beside it, the page size travels inside.
    return f"/v2/instances?cursor={page['next']}" if page.get("next") else None


def step_paths(probe: Probe) -> dict[str, str]:
    """The fixed probes, plus the v2 pages; the deep page only where the store is deep enough to have one."""
    paths = {**probe.paths, "v2_first_page": V2_FIRST_PAGE}
    deep = deep_page_path(probe.client)
    if deep is not None:
        paths["v2_deep_page"] = deep
    return paths


def measure_step(probe: Probe) -> dict[str, Any]:
    """Each probe in ROUNDS short loads, the probes taking turns: a burst of outside load spoils one round."""
    paths = step_paths(probe)
    rounds: dict[str, list[wrkrun.WrkResult]] = {name: [] for name in paths}
    noise: dict[str, list[float]] = {name: [] for name in paths}
    seconds = max(1.0, round(probe.duration / ROUNDS))
    for _ in range(ROUNDS):
        for name, path in paths.items():
            procs.wait_quiet()
            with procs.Noise(probe.server.pid).watching() as watch:
                rounds[name].append(
                    wrkrun.run_wrk(
                        probe.server.url(path),
                        duration=seconds,
                        auth=f"Bearer {probe.token}",
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
    figures["workflows_list"] = full_list(probe.server.url("/workflows"), probe.token)
    return figures


def settled_rss(server: Server) -> float:
    time.sleep(1.0)
    return round(procs.rss_mib(server.pid), 1)


def step_record(label: str, probe: Probe, load_s: float, size: int | None = None) -> dict[str, Any]:
    """`size`: the bulk workflows and instances loaded so far, on the steps that grow them."""
    state = probe.client.state()
    record = {"label": label, **state, "load_s": round(load_s, 1), "rss_mib": settled_rss(probe.server)}
    if size is not None:
        record["size"] = size
    record["probes"] = probes = measure_step(probe)
    by_id, running, full = probes["workflow_by_id"], probes["running_instances"], probes["workflows_list"]
    log(
        f"  {label:>26}: RSS {record['rss_mib']:7.1f} MiB  workflow by id p50/p99 {by_id['p50_ms']:.2f}/"
        f"{by_id['p99_ms']:.2f} ms  running list p50/p99 {running['p50_ms']:.2f}/{running['p99_ms']:.2f} ms  "
        f"full list {full['items']} items p50 {full['p50_ms']:.1f} ms  "
        + "  ".join(
            f"{name} p50/p99 {probes[name]['p50_ms']:.2f}/{probes[name]['p99_ms']:.2f} ms"
            for name in V2_PAGES
            if name in probes
        )
    )
    return record


def v2_page_growth(steps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The v2 pages at V2_LARGE_STORE against V2_SMALL_STORE; None when the run had not both sizes."""
    by_size = {s["size"]: s["probes"] for s in steps if "size" in s}
    small, large = by_size.get(V2_SMALL_STORE), by_size.get(V2_LARGE_STORE)
    if small is None or large is None:
        return None
    probes = {
        name: {
            "small_p99_ms": small[name]["p99_ms"],
            "large_p99_ms": large[name]["p99_ms"],
            "p50_x": round(large[name]["p50_ms"] / small[name]["p50_ms"], 2),
            "p99_x": round(large[name]["p99_ms"] / small[name]["p99_ms"], 2),
        }
        for name in V2_PAGES
        if name in small and name in large
    }
    return {"small": V2_SMALL_STORE, "large": V2_LARGE_STORE, "probes": probes}


def verdict(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare the largest store with the probe-only one: within 2x means no growth with the store size."""
    first, last = steps[0]["probes"], steps[-1]["probes"]
    growth = {
        name: {
            "p50": round(last[name]["p50_ms"] / first[name]["p50_ms"], 2),
            "p99": round(last[name]["p99_ms"] / first[name]["p99_ms"], 2),
        }
        for name in (*BY_ID, *FIXED_LISTS)
    }
    by_id_ok = all(growth[n]["p50"] <= 2 and growth[n]["p99"] <= 2 for n in BY_ID)
    lists_ok = all(growth[n]["p50"] <= 2 and growth[n]["p99"] <= 2 for n in FIXED_LISTS)
    per_item = [s["probes"]["workflows_list"]["us_per_item"] for s in steps]
    v2_pages = v2_page_growth(steps)
    return {
        "growth_largest_vs_empty": growth,
        "reads_by_id_o1": by_id_ok,
        "fixed_lists_o_result": lists_ok,
        "v2_pages": v2_pages,
        "v2_pages_o_page": None if v2_pages is None else all(p["p99_x"] <= 2 for p in v2_pages["probes"].values()),
        "full_list_us_per_item": per_item,
        "peak_rss_mib": max(s["rss_mib"] for s in steps),
        "rss_under_1gib": max(s["rss_mib"] for s in steps) < RSS_LIMIT_MIB,
    }


def run_scale(
    *,
    duration: float = 3.0,
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    triggers: int = 10_000,
) -> dict[str, Any]:
    log(f"scale: sizes {', '.join(f'{s:,}' for s in sizes)} (+{triggers:,} triggers), {duration:g} s per probe ...")
    server = servers.start_mock("scale")
    try:
        servers.wait_ready(server)
        token = servers.mock_token(server)
        client = MockClient(server, token)
        try:
            ids = create_probes(client)
            probe = Probe(client, server, token, probe_paths(ids), duration)
            return _steps(probe, ids["bulk"], sizes, triggers)
        finally:
            client.close()
    finally:
        procs.stop(server.proc)


def _steps(probe: Probe, bulk: str, sizes: tuple[int, ...], triggers: int) -> dict[str, Any]:
    steps = [step_record("probes only", probe, 0.0)]
    loaded = 0
    for size in sizes:
        started = time.perf_counter()
        load_workflows(probe.client, loaded, size)
        load_instances(probe.client, bulk, size - loaded)
        loaded = size
        steps.append(step_record(f"{size:,} wf + {size:,} inst", probe, time.perf_counter() - started, size))
    if triggers:
        started = time.perf_counter()
        load_triggers(probe.client, bulk, triggers)
        steps.append(step_record(f"+ {triggers:,} triggers", probe, time.perf_counter() - started))
    hwm = round(procs.hwm_mib(probe.server.pid), 1)
    result = {
        "steps": steps,
        "verdict": verdict(steps),
        "hwm_mib": hwm,
        "probe_duration_s": probe.duration,
        "probe_wrk": f"{PROBE_THREADS} thread, {PROBE_CONNECTIONS} connections",
    }
    log(
        f"  verdict: reads by id O(1): {result['verdict']['reads_by_id_o1']}; fixed-size lists O(result): "
        f"{result['verdict']['fixed_lists_o_result']}; v2 pages O(page): {result['verdict']['v2_pages_o_page']}; "
        f"peak RSS {hwm} MiB"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--triggers", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds of wrk per probe and size")
    args = parser.parse_args(argv)
    servers.ensure_wrk()
    try:
        result = run_scale(
            duration=args.duration, sizes=tuple(int(s) for s in args.sizes.split(",")), triggers=args.triggers
        )
    finally:
        procs.stop_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    log(f"wrote {RESULTS / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
