"""Turn the results dictionary into the acceptance verdicts, RESULTS.md and the console summary."""

from __future__ import annotations

from typing import Any

import ledger
import proxy_latency
from servers import BENCH

MARKDOWN = BENCH / "RESULTS.md"
# Scenario key -> the req/s the mock must reach, in times Prism's. The v2 pages are small and
# bounded whatever the store holds, so more is asked of them than of the v1 scenarios.
RPS_FACTORS = {"info": 1.5, "occurrences": 1.5, "create_workflow": 1.5, "v2_workflows": 3.0, "v2_occurrences": 3.0}
# A v2 page read at 100k stored instances may cost at most this many times its cost at 100.
V2_PAGE_GROWTH = 2.0
V2_PAGE_LABELS = {
    "v2_first_page": "GET /v2/instances?pageSize=15 (first page)",
    "v2_deep_page": "GET /v2/instances?cursor=... (deep page)",
}


def _verdict(name: str, measured: str, target: str, ok: bool | None, gap: str = "") -> dict[str, Any]:
    return {"name": name, "measured": measured, "target": target, "pass": ok, "gap": "" if ok else gap}


def _throughput_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        factor = RPS_FACTORS.get(row["key"])
        if factor is None:
            continue
        mine, theirs = row["mock"], row["prism"]
        times = row["ratio"]["rps"] or 0.0
        found.append(
            _verdict(
                f"{row['label']} req/s",
                f"{mine['rps']:,.0f} vs {theirs['rps']:,.0f} ({times:.2f}x)",
                f">= {factor:g}x Prism",
                times >= factor,
                f"{factor / times:.2f}x more req/s needed" if times else "no figure",
            )
        )
        over = (mine["p99_ms"] / theirs["p99_ms"] - 1) * 100 if theirs["p99_ms"] else 0.0
        found.append(
            _verdict(
                f"{row['label']} p99",
                f"{mine['p99_ms']:.1f} ms vs {theirs['p99_ms']:.1f} ms",
                "<= Prism's p99",
                mine["p99_ms"] <= theirs["p99_ms"],
                f"{over:+.0f}% vs Prism",
            )
        )
    return found


def _scale_targets(scale: dict[str, Any]) -> list[dict[str, Any]]:
    steps = scale["steps"]
    first, last = steps[0], steps[-1]
    found = []
    for name in ("workflow_by_id", "instance_by_id"):
        base, big = first["probes"][name]["p99_ms"], last["probes"][name]["p99_ms"]
        times = big / base if base else 0.0
        found.append(
            _verdict(
                f"GET {name.split('_')[0]} by id p99 at {last['label']}",
                f"{big:.1f} ms vs {base:.1f} ms ({times:.2f}x)",
                "<= 2x the probe-only store",
                times <= 2,
                f"{times / 2:.2f}x over the bound",
            )
        )
    found += _v2_page_targets(scale)
    peak = scale["verdict"]["peak_rss_mib"]
    found.append(
        _verdict(
            f"RSS at {last['label']}", f"{peak:,.0f} MiB", "< 1024 MiB", peak < 1024, f"{peak - 1024:,.0f} MiB over"
        )
    )
    return found


def _v2_page_targets(scale: dict[str, Any]) -> list[dict[str, Any]]:
    """The v2 pages at the 100k step against the 100 step; absent from scale runs without those sizes."""
    pages = scale["verdict"].get("v2_pages")
    if not pages:
        return []
    found = []
    for name, page in pages["probes"].items():
        times = page["p99_x"]
        found.append(
            _verdict(
                f"{V2_PAGE_LABELS.get(name, name)} p99 at {pages['large']:,} stored instances",
                f"{page['large_p99_ms']:.1f} ms vs {page['small_p99_ms']:.1f} ms at {pages['small']:,} ({times:.2f}x)",
                f"<= {V2_PAGE_GROWTH:g}x the figure at {pages['small']:,}",
                times <= V2_PAGE_GROWTH,
                f"{times / V2_PAGE_GROWTH:.2f}x over the bound",
            )
        )
    return found


def _ledger_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The ledger's rows against Prism, its reads flat from the smallest store to the largest, its bytes."""
    found = ledger.targets(results.get("scenarios", []))
    scale = results.get("ledger_scale")
    if scale:
        v = scale["verdict"]
        for name, growth in v["growth"].items():
            worst = max(growth.values())
            each = ", ".join(f"{k} {x:.2f}x" for k, x in growth.items())
            found.append(
                _verdict(
                    f"ledger {LEDGER_PROBES.get(name, name)} at {v['large']:,} stored transactions",
                    f"{worst:.2f}x the figure at {v['small']:,} ({each})",
                    f"<= {ledger.FLAT_GROWTH:g}x (flat)",
                    worst <= ledger.FLAT_GROWTH,
                    f"{worst / ledger.FLAT_GROWTH:.2f}x over the bound",
                )
            )
    memory = results.get("ledger_memory")
    if memory:
        size = memory["bytes_per_transaction"]
        found.append(
            _verdict(
                "ledger memory per stored two-posting transaction",
                f"{size:,.0f} bytes (tracemalloc, {memory['count']:,} transactions)",
                f"<= {memory['target_bytes']:,} bytes",
                size <= memory["target_bytes"],
                f"{size - memory['target_bytes']:,.0f} bytes over",
            )
        )
    return found


LEDGER_PROBES = {
    "by_id": "GET transaction by id",
    "filtered_first_page": "filtered first page (body filter on one account)",
    "filtered_deep_page": "filtered page by its cursor (after 3 pages)",
    "cursor_walk": "cursor walk, per page",
}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = _throughput_targets(results.get("scenarios", [])) + _ledger_targets(results)
    memory = results.get("memory")
    if memory:
        idle, prism_idle = memory["mock"]["idle_mib"], memory["prism"]["idle_mib"]
        found.append(
            _verdict(
                "RSS idle",
                f"{idle:.0f} MiB vs {prism_idle:.0f} MiB ({idle / prism_idle:.2f}x)",
                "<= 0.5x Prism",
                idle <= prism_idle / 2,
                f"{idle - prism_idle / 2:.0f} MiB over",
            )
        )
    startup = results.get("startup")
    if startup:
        best = startup["mock"]["best_s"]
        found.append(
            _verdict(
                "ready to answer (best of starts)",
                f"{best:.2f} s (Prism {startup['prism']['best_s']:.2f} s)",
                "< 0.5 s",
                best < 0.5,
                f"{best - 0.5:.2f} s over",
            )
        )
    if results.get("scale"):
        found += _scale_targets(results["scale"])
    suite = (results.get("contract") or {}).get("suite")
    if suite is not None:
        if suite.get("available"):
            found.append(
                _verdict(
                    "default contract run",
                    f"{suite['wall_s']:.1f} s",
                    "< 60 s",
                    suite["wall_s"] < 60,
                    f"{suite['wall_s'] - 60:.1f} s over",
                )
            )
        else:
            found.append(_verdict("default contract run", f"not available ({suite.get('reason')})", "< 60 s", None))
    return found


def _mark(ok: bool | None) -> str:
    return {True: "PASS", False: "MISS", None: "n/a"}[ok]


def _n(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _targets_md(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Acceptance targets",
        "",
        "| target | measured (mock vs Prism) | bound | verdict | gap |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in results.get("targets") or targets(results):
        lines.append(f"| {t['name']} | {t['measured']} | {t['target']} | **{_mark(t['pass'])}** | {t['gap']} |")
    return [*lines, ""]


NOISE_CORES = 0.25


def _scenarios_md(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Throughput and latency (wrk, interleaved: mock, Prism, next scenario)",
        "",
        "| scenario | server | req/s | p50 ms | p90 ms | p99 ms | CPU ms/req | body bytes | non-2xx | other load |"
        " x Prism req/s | x Prism p99 | x Prism CPU |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    noisy = []
    for row in results.get("scenarios", []):
        for name in ("mock", "prism"):
            f = row[name]
            ratios = row["ratio"] if name == "mock" else {}
            label = row["label"] + (" *" if row["target"] else "") if name == "mock" else ""
            other = f.get("other_load_cores")
            if other is not None and other > NOISE_CORES:
                noisy.append(f"{row['label']} ({name}, {other} cores)")
            lines.append(
                f"| {label} | {name} | {_n(f['rps'], 0)} | {_n(f['p50_ms'])} | {_n(f['p90_ms'])} | {_n(f['p99_ms'])} "
                f"| {_n(f['cpu_ms_per_request'], 3)} | {_n(f['response_bytes'])} "
                f"| {_n(f['status_errors'] + f['socket_errors'])} | {_n(other)} | {_n(ratios.get('rps'))} "
                f"| {_n(ratios.get('p99'))} | {_n(ratios.get('cpu'))} |"
            )
    lines += [
        "",
        "`*` scenarios named by the acceptance targets. `body bytes`: the size of one answer; "
        "Prism answers the spec's static example (one list item), the mock the real state. "
        "`other load`: cores used during the load by processes other than the server under test and the "
        "benchmark (wrk included in the benchmark); near 0 means a clean measurement.",
        "",
    ]
    if noisy:
        lines += [
            f"**Warning**: other processes used more than {NOISE_CORES} cores during: {'; '.join(noisy)}. "
            "Those figures understate the server; rerun on an idle machine.",
            "",
        ]
    return lines


def _memory_md(results: dict[str, Any]) -> list[str]:
    memory, startup = results.get("memory"), results.get("startup")
    if not memory or not startup:
        return []
    lines = [
        "## Memory and start-up",
        "",
        "| server | RSS idle MiB | RSS peak MiB | processes | ready in (best) s | all starts s |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in ("mock", "prism"):
        m, s = memory[name], startup[name]
        lines.append(
            f"| {name} | {_n(m['idle_mib'], 1)} | {_n(m['peak_mib'], 1)} | {m['processes']} "
            f"| {_n(s['best_s'], 3)} | {', '.join(f'{t:.3f}' for t in s['tries_s'])} |"
        )
    for key, label in (("prism_v2", "prism (v2 spec)"), ("prism_ledger", "prism (ledger spec)")):
        if key in memory:
            m = memory[key]
            # Start-up is timed on the v1 spec only: the other Prisms answer the v2 and ledger scenarios.
            lines.append(f"| {label} | {_n(m['idle_mib'], 1)} | {_n(m['peak_mib'], 1)} | {m['processes']} | - | - |")
    lines += [
        "",
        f"Mock / Prism: idle {_n(memory['ratio']['idle'])}x, peak {_n(memory['ratio']['peak'])}x. Peak is "
        "over the whole head-to-head run (the mock's store grows with every POST).",
        "",
    ]
    return lines


def _scale_md(scale: dict[str, Any] | None) -> list[str]:
    if not scale:
        return []
    lines = [
        "## Scale (mock alone)",
        "",
        f"wrk ({scale.get('probe_wrk', '2 threads, 32 connections')}) {scale['probe_duration_s']:g} s per probe "
        "and size, in rounds of 1 s with the probes taking turns "
        "(latencies from the median round); p50 / p99 in ms. By-id probes, the lists of 10 "
        "items and the v2 pages of 15 (`GET /v2/instances?pageSize=15`, and the page after the third, "
        "by its `cursor`; `-` where the store has no such page) must not grow with the store; "
        "the full `GET /workflows` returns everything (O(store)).",
        "",
        "| store | RSS MiB | load s | workflow by id | instance by id | trigger by id | instances of a workflow "
        "(10) | running (10) | occurrences (10) | v2 first page (15) | v2 deep page (15) "
        "| GET /workflows (all) p50 ms | µs/item | other load |",
        "| --- | ---: | ---: | --- | --- | --- | --- | --- | --- | --- | --- | ---: | ---: | ---: |",
    ]
    probes = ("workflow_by_id", "instance_by_id", "trigger_by_id", "instances_of_workflow", "running_instances")
    shown = (*probes, "occurrences", *V2_PAGE_LABELS)
    for step in scale["steps"]:
        p = step["probes"]
        cells = " | ".join(f"{p[name]['p50_ms']:.2f} / {p[name]['p99_ms']:.2f}" if name in p else "-" for name in shown)
        full = p["workflows_list"]
        lines.append(
            f"| {step['label']} ({step['workflows']:,} wf, {step['instances']:,} inst, {step['triggers']:,} trg) "
            f"| {_n(step['rss_mib'], 1)} | {_n(step['load_s'], 1)} | {cells} "
            f"| {_n(full['p50_ms'], 1)} ({full['items']:,} items) | {_n(full['us_per_item'])} "
            f"| {_n(max(p[name].get('other_load_cores', 0.0) for name in shown if name in p))} |"
        )
    v = scale["verdict"]
    pages = v.get("v2_pages")
    v2_line = (
        f"; v2 pages O(page): **{'yes' if v['v2_pages_o_page'] else 'NO'}** (p99 at {pages['large']:,} vs "
        f"{pages['small']:,} stored, within {V2_PAGE_GROWTH:g}x)"
        if pages
        else ""
    )
    lines += [
        "",
        f"Verdict: reads by id O(1): **{'yes' if v['reads_by_id_o1'] else 'NO'}**; "
        f"fixed-size lists O(result): **{'yes' if v['fixed_lists_o_result'] else 'NO'}** "
        f"(largest store vs probe-only, p50 and p99 within 2x){v2_line}; peak RSS "
        f"{_n(v['peak_rss_mib'], 0)} MiB (VmHWM {_n(scale['hwm_mib'], 0)} MiB).",
        "",
        "Growth, largest store / probe-only store:",
        "",
        "| probe | p50 x | p99 x |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {g['p50']} | {g['p99']} |" for name, g in v["growth_largest_vs_empty"].items()]
    if pages:
        lines += [
            "",
            f"v2 pages, {pages['large']:,} / {pages['small']:,} stored:",
            "",
            "| probe | p50 x | p99 x |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {name} | {g['p50_x']} | {g['p99_x']} |" for name, g in pages["probes"].items()]
    return [*lines, ""]


def _ledger_md(results: dict[str, Any]) -> list[str]:
    scale, memory = results.get("ledger_scale"), results.get("ledger_memory")
    lines: list[str] = []
    if scale:
        lines += [
            "## Ledger: reads as the ledger grows (mock alone)",
            "",
            f"One ledger filled through `POST /api/ledger/v2/{{ledger}}/_bulk` ({ledger.BULK_CHUNK} transactions a "
            f"request); every {scale['probe_every']}th transaction pays the account `{ledger.PROBE_ACCOUNT}`. wrk "
            f"({scale['probe_wrk']}) {scale['probe_duration_s']:g} s per probe and size, in rounds of 1 s with the "
            "probes taking turns (latencies from the median round); p50 / p99 in ms. `by id`: "
            "`GET .../transactions/1`; `filtered page`: `GET .../transactions?pageSize=15` with the body "
            f'`{{"$match": {{"account": "{ledger.PROBE_ACCOUNT}"}}}}`; `cursor page`: the page the `next` cursor of '
            "the third filtered page points to, by `cursor` alone; `cursor walk`: one client following `next` from "
            f"the filtered first page, one request at a time (at most {ledger.WALK_PAGES} pages), mean ms per page.",
            "",
            "| stored transactions | RSS MiB | load s | by id | filtered page (15) | cursor page (15) "
            "| cursor walk ms/page (pages) | other load |",
            "| ---: | ---: | ---: | --- | --- | --- | --- | ---: |",
        ]
        for step in scale["steps"]:
            p = step["probes"]
            cells = " | ".join(
                f"{p[name]['p50_ms']:.2f} / {p[name]['p99_ms']:.2f}" if name in p else "-"
                for name in ("by_id", "filtered_first_page", "filtered_deep_page")
            )
            walk = p["cursor_walk"]
            other = max(p[name]["other_load_cores"] for name in ("by_id", "filtered_first_page") if name in p)
            lines.append(
                f"| {step['size']:,} | {_n(step['rss_mib'], 1)} | {_n(step['load_s'], 1)} | {cells} "
                f"| {walk['mean_ms']:.2f} ({walk['pages']}) | {_n(other)} |"
            )
        v = scale["verdict"]
        growth = "; ".join(
            f"{LEDGER_PROBES.get(name, name)} {', '.join(f'{k} {x:.2f}x' for k, x in g.items())}"
            for name, g in v["growth"].items()
        )
        lines += [
            "",
            f"Flat from {v['small']:,} to {v['large']:,} stored transactions (each figure within "
            f"{ledger.FLAT_GROWTH:g}x): **{'yes' if v['flat'] else 'NO'}** ({growth}).",
        ]
        if scale.get("rss_bytes_per_transaction") is not None:
            lines.append(
                f"The server's RSS grew by {scale['rss_bytes_per_transaction']:,} bytes per transaction stored "
                "between the smallest and the largest step (logs, indexes and allocator slack included)."
            )
        lines.append("")
    if memory:
        top = "; ".join(f"`{t['where']}` {t['bytes_per_tx']:.0f} B" for t in memory["top"][:8])
        lines += [
            "## Ledger: memory per stored transaction",
            "",
            f"{memory['count']:,} two-posting transactions booked through `LedgerService.create_transaction` (each "
            "body decoded from JSON bytes, as a request's), in a process of their own under tracemalloc: "
            f"**{memory['bytes_per_transaction']:,.0f} bytes** held per transaction (target <= "
            f"{memory['target_bytes']:,}): the transaction, its postings, moves and volumes, its log (payload "
            "and hash) and the indexes. Two bounded structures that do not grow with the store are emptied "
            "before and after: the event bus's last events (a ring of 10,000) and the cache of rendered instants "
            f"(65,536 at most). Where it goes, per transaction: {top}.",
            "",
        ]
    return lines


def _profile_md(profile: dict[str, Any] | None) -> list[str]:
    if not profile:
        return []
    lines = ["## Profile (py-spy, see [PROFILE.md](PROFILE.md))", ""]
    for key, data in profile.items():
        top = "; ".join(f"`{name.split(' (')[0]}` {pct}%" for name, pct in data["self"][:5])
        areas = ", ".join(f"{name} {pct}%" for name, pct in data["areas"][:5])
        lines.append(f"- **{key}** ({data['samples']} samples) self time by library: {areas}. Top: {top}.")
    return [*lines, ""]


def _contract_md(contract: dict[str, Any] | None) -> list[str]:
    if not contract:
        return []
    lines = [
        "## Contract suite speed (against a fresh mock each)",
        "",
        "| run | wall s | requests served | requests/s | cases | cases/s | check runs | exit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    suite, plain = contract["suite"], contract["schemathesis"]
    if suite.get("available"):
        lines.append(
            "| `orchestration-contract --base-url ... --client-id bench --client-secret bench` (default options) "
            f"| {_n(suite['wall_s'], 1)} | {_n(suite['requests'])} | {_n(suite['requests_per_s'], 1)} "
            f"| {_n(suite.get('cases'))} | {_n(suite.get('cases_per_s'), 1)} | {_n(suite.get('check_runs'))} "
            f"| {suite['exit_code']} |"
        )
    else:
        lines.append(f"| `orchestration-contract` | not available: {suite.get('reason')} | | | | | | |")
    lines.append(
        f"| `schemathesis run spec/orchestration.v1.yaml --max-examples {contract['max_examples']}` "
        f"| {_n(plain['wall_s'], 1)} | {_n(plain['requests'])} | {_n(plain['requests_per_s'], 1)} "
        f"| {_n(plain.get('cases'))} | {_n(plain.get('cases_per_s'), 1)} | - | {plain['exit_code']} |"
    )
    return [
        *lines,
        "",
        "Requests served are counted from the mock's access log, the same way for both tools. Cases: the suite's "
        'own request count (its JSON report), Schemathesis\'s "generated" test cases. Exit 1 means violations '
        "were found; the run completed and its time counts.",
        "",
    ]


def _proxy_md(proxy: dict[str, Any] | None) -> list[str]:
    if not proxy:
        return []
    return [
        f"## Validating proxy: what it adds per request ({proxy['concurrency']} clients, wrk)",
        "",
        "`GET /workflows/{id}` straight to the mock, through `orchestration-contract proxy` in front of it (every "
        "response check and the traffic model judge each answer) and through Prism's validating proxy "
        f"(`prism proxy`, {proxy['prism_version']}, request and response against the same spec), "
        "alternating.",
        "",
        *proxy_latency.table(proxy, _n),
        "",
        f"At {proxy['concurrency']} clients most of the added time is queueing behind each proxy's one process; one "
        "client at a time shows the work per request.",
        "",
    ]


def write_markdown(results: dict[str, Any]) -> None:
    meta = results["meta"]
    lines = [
        "# Benchmark results",
        "",
        "Generated by `benchmarks/run.py` (see [README.md](README.md) for how to read it); do not edit by hand.",
        "",
        f"- run: {meta['date']}, {meta['machine']}, Python {meta['python']}, total {meta.get('total_s', '-')} s",
        f"- Prism {meta['prism_version']} on `{meta['prism_spec']}`"
        + (f" and, for the v2 scenarios, on `{meta['prism_v2_spec']}`" if meta.get("prism_v2_spec") else "")
        + (f", for the ledger ones on `{meta['prism_ledger_spec']}`" if meta.get("prism_ledger_spec") else "")
        + f" (`--verboseLevel {meta['prism_log_level']}`); the mock with `--quiet --auth on`",
        f"- wrk {meta['wrk']}, loopback; each load: a {meta['warmup_s']:g} s warm-up, then "
        f"{meta.get('rounds', 1)} rounds of {meta.get('round_s', meta['duration_s']):g} s alternating mock and Prism "
        "(req/s over all rounds, latencies from the median round)",
        f"- load average at start {' '.join(meta.get('loadavg_at_start', []))}; "
        f"benchmark niceness {meta.get('nice', 0)}",
        "",
    ]
    lines += _targets_md(results) + _scenarios_md(results) + _memory_md(results)
    lines += _scale_md(results.get("scale")) + _ledger_md(results) + _profile_md(results.get("profile"))
    lines += _contract_md(results.get("contract")) + _proxy_md(results.get("proxy"))
    MARKDOWN.write_text("\n".join(lines).rstrip("\n") + "\n")


def summary(results: dict[str, Any]) -> str:
    lines = ["", "acceptance targets:"]
    for t in results.get("targets", []):
        gap = f"  ({t['gap']})" if t["gap"] else ""
        lines.append(f"  {_mark(t['pass']):4}  {t['name']}: {t['measured']} [bound {t['target']}]{gap}")
    return "\n".join(lines)
