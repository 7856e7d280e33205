"""How long the contract suite takes against each faulty server of the fault-injection harness, next to the
healthy one: a suite that slows down exactly when it has found a bug makes CI time out instead of failing.

Starts the project's mock (spec mode, as a process) with tests/contract's proxy in front of it, runs the suite
with its default settings (default poll timeout and poll budget; `--profile` picks the generation budget, each
service's own under `--api all`) once through the fault-free proxy and once per fault, and prints each time,
the ratio to the healthy run, and whether it stays within the bound (2x by default). A harness fault (one that
is not a bug: slow, dropping, duplicating) must also leave the verdict as the healthy run's.

Without `--api`, every orchestration fault on its version (v1's on v1, v2's on v2). With `--api`, the named
faults (default: the harness faults of faults_stack.py) on each API named, e.g. the whole stack:

    .venv/bin/python benchmarks/fault_speed.py --api all --faults slow,dropping,duplicating --seed 3

`--count` also prints where the requests of each run went: per service and phase, and per mechanism (the
suite's code that sent them: view re-reads, page walks, polls, generated cases, ...).

    .venv/bin/python benchmarks/fault_speed.py [--api v1,v2,...|all] [--profile quick|default] [--faults a,b]
        [--seed N] [--healthy-runs N] [--faulty-runs N] [--bound 2] [--count] [--json out]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import requests
import requests.adapters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import contract_tests.runner as runner  # noqa: E402
from contract_tests.core.config import PROFILES, Config, examples_for  # noqa: E402
from contract_tests.phases.checking import PHASE  # noqa: E402
from contract_tests.reports.report import Report  # noqa: E402
from tests.contract.faults import FAULTS  # noqa: E402
from tests.contract.faults_ledger import LEDGER_FAULTS  # noqa: E402
from tests.contract.faults_stack import HARNESS_FAULTS, STACK_FAULTS  # noqa: E402
from tests.contract.faults_v2 import V2_FAULTS, VIEWS_FAULT  # noqa: E402
from tests.contract.faults_wallets import WALLETS_FAULTS  # noqa: E402
from tests.contract.faults_webhooks import WEBHOOKS_FAULTS  # noqa: E402
from tests.contract.proxy import Fault, RunningProxy, running_proxy  # noqa: E402
from tests.support import RunningMock, running_mock  # noqa: E402

APIS = ("v1", "v2", "orchestration", "ledger", "wallets", "webhooks", "all")
KNOWN_FAULTS = {
    f.name: f
    for f in (*FAULTS, *V2_FAULTS, VIEWS_FAULT, *LEDGER_FAULTS, *WALLETS_FAULTS, *WEBHOOKS_FAULTS, *STACK_FAULTS,
              *HARNESS_FAULTS)
}  # fmt: skip


def base_url(proxy: RunningProxy, api: str) -> str:
    return {
        "ledger": proxy.ledger_api,
        "wallets": proxy.wallets_api,
        "webhooks": proxy.url + "/api/webhooks",
        "all": proxy.url,
    }.get(api, proxy.api)


# ---------------------------------------------------------------------------------------------- request counts
# Where a request came from: the first of these the call stack passes through (innermost first), else the
# innermost frame of the suite's own code.
_MECHANISMS = (
    ("transport/client.py", "poll", "poll"),
    ("phases/pipeline.py", "", "conformance: generated cases"),
    ("phases/views.py", "changed", "views: re-read after a change"),
    ("phases/views.py", "observe", "views: verify a new copy"),
    ("phases/views.py", "", "views: other"),
    ("phases/walks.py", "_in_halves", "page walk: halves"),
    ("phases/walks.py", "", "page walk"),
    ("phases/coverage.py", "", "coverage probes"),
    ("phases/conformance.py", "", "conformance: generated cases"),
    ("phases/links.py", "", "stateful: links"),
)
_PLUMBING = ("transport/client.py", "phases/checking.py")


def _mechanism() -> str:
    frame = sys._getframe(2)
    own: list[tuple[str, str]] = []
    while frame is not None:
        path = frame.f_code.co_filename
        if "/contract_tests/" in path:
            own.append((path.split("/contract_tests/", 1)[1], frame.f_code.co_name))
        frame = frame.f_back
    for where, function, name in _MECHANISMS:
        if any(p == where and (not function or f == function) for p, f in own):
            return name
    inner = next(((p, f) for p, f in own if p not in _PLUMBING), own[0] if own else ("?", "?"))
    return f"{inner[0].removesuffix('.py')}:{inner[1]}"


# The mechanism that handed a call to a worker thread (the suite's pools), for the requests that thread sends.
_submitted = threading.local()


class Counts:
    """Every request the suite sends (requests and httpx clients alike), by service/phase and by mechanism."""

    def __init__(self) -> None:
        self.by_phase: Counter[str] = Counter()
        self.by_mechanism: Counter[str] = Counter()
        self.by_both: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[str] = Counter()  # by mechanism, the requests that are not GETs
        # Round trips that wait on the network: a request sent while none of the run's is in flight starts one
        # (under a slow network each costs the delay; requests sent together share theirs).
        self.rounds: Counter[str] = Counter()
        self.rounds_by_both: Counter[tuple[str, str]] = Counter()
        self._in_flight = 0
        self.service = ""
        self._lock = threading.Lock()

    def started(self, method: str) -> None:
        phase = f"{self.service} {PHASE.get() or '(setup)'}"
        mechanism = getattr(_submitted, "by", None) or _mechanism()
        with self._lock:
            if not self._in_flight:
                self.rounds[phase] += 1
                self.rounds_by_both[(phase, mechanism)] += 1
            self._in_flight += 1
            self.by_phase[phase] += 1
            self.by_mechanism[mechanism] += 1
            self.by_both[(phase, mechanism)] += 1
            if method.upper() != "GET":
                self.writes[mechanism] += 1

    def ended(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def print(self, title: str) -> None:
        total = sum(self.by_phase.values())
        print(f"\nrequests of {title}: {total} in {sum(self.rounds.values())} round trips")
        print(f"  {'by service phase':<60} {'requests':>8} {'rounds':>8}")
        for key, n in self.by_phase.most_common():
            print(f"  {key:<60} {n:>8} {self.rounds[key]:>8}")
        print(f"  {'by mechanism':<60} {'requests':>8} {'not GET':>8}")
        for key, n in self.by_mechanism.most_common():
            print(f"  {key:<60} {n:>8} {self.writes[key]:>8}")
        print(f"  {'top (service phase, mechanism)':<60} {'requests':>8} {'rounds':>8}")
        for (phase, mechanism), n in self.by_both.most_common(30):
            print(f"  {phase + ' / ' + mechanism:<60} {n:>8} {self.rounds_by_both[(phase, mechanism)]:>8}")
        print(f"  {'most rounds (service phase, mechanism)':<60} {'requests':>8} {'rounds':>8}")
        for (phase, mechanism), n in self.rounds_by_both.most_common(30):
            print(f"  {phase + ' / ' + mechanism:<60} {self.by_both[(phase, mechanism)]:>8} {n:>8}")

    def as_json(self) -> dict[str, Any]:
        return {
            "by_phase": dict(self.by_phase),
            "rounds_by_phase": dict(self.rounds),
            "by_mechanism": dict(self.by_mechanism),
            "not_get_by_mechanism": dict(self.writes),
            "by_phase_and_mechanism": {f"{p} / {m}": n for (p, m), n in self.by_both.items()},
            "rounds_by_phase_and_mechanism": {f"{p} / {m}": n for (p, m), n in self.rounds_by_both.items()},
        }


@contextmanager
def counting(counts: Counts) -> Iterator[None]:
    """Count every request sent while inside, and which service's run sent it."""
    # requests' adapter, not its session: a session's send also serves the suite's dry runs, which send nothing.
    sends = (requests.adapters.HTTPAdapter.send, httpx.Client.send)
    run = runner.run
    submit = ThreadPoolExecutor.submit

    def submitted(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        by = _mechanism()

        def attributed() -> Any:
            _submitted.by = by
            try:
                return fn(*args, **kwargs)
            finally:
                _submitted.by = None

        return submit(self, attributed)

    def requests_send(self: requests.adapters.HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        counts.started(request.method or "")
        try:
            return sends[0](self, request, *args, **kwargs)
        finally:
            counts.ended()

    def httpx_send(self: httpx.Client, request: Any, **kwargs: Any) -> Any:
        counts.started(request.method)
        try:
            return sends[1](self, request, **kwargs)
        finally:
            counts.ended()

    def service_run(config: Config, **kwargs: Any) -> Report:
        outer, counts.service = counts.service, config.api if config.api != "all" else "stack"
        try:
            return run(config, **kwargs)
        finally:
            counts.service = outer

    requests.adapters.HTTPAdapter.send, httpx.Client.send = requests_send, httpx_send  # type: ignore[method-assign]
    runner.run = service_run  # _run_stack calls each service's run through the module
    ThreadPoolExecutor.submit = submitted  # type: ignore[method-assign]
    try:
        yield
    finally:
        ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
        requests.adapters.HTTPAdapter.send, httpx.Client.send = sends  # type: ignore[method-assign]
        runner.run = run


def print_phases(healthy: Report, faulty: Report | None = None) -> None:
    """Each phase's duration (the faulty run's next to the healthy one's)."""
    print(f"  {'phase':<40} {'healthy':>8}" + (f" {'faulty':>8} {'extra':>7}" if faulty else ""))
    for label, stats in healthy.results.phases.items():
        line = f"  {label:<40} {stats.duration:>7.1f}s"
        if faulty is not None and label in faulty.results.phases:
            other = faulty.results.phases[label].duration
            line += f" {other:>7.1f}s {other - stats.duration:>+6.1f}s"
        print(line)


# ---------------------------------------------------------------------------------------------- timed runs
def verdict(report: Report) -> tuple[int, tuple[str, ...]]:
    """What a run concluded: its exit code and its distinct findings (check, operation, title)."""
    found = sorted({f"{f.check} {f.operation} {f.title}" for f in report.results.failures.values()})
    return report.exit_code, tuple(found)


def timed_run(
    mock: RunningMock, proxy: RunningProxy, fault: Fault | None, api: str, args: argparse.Namespace,
    counts: Counts | None = None,
) -> tuple[float, Report]:  # fmt: skip
    httpx.post(mock.url + "/_mock/reset", timeout=10).raise_for_status()
    proxy.use(fault)
    config = Config(
        base_url=base_url(proxy, api), client_id="fault-speed", client_secret="secret", api=api, seed=args.seed,
        max_examples=examples_for(api, args.profile) if api != "all" else PROFILES[args.profile].max_examples,
        profile_name=args.profile,
    )  # fmt: skip
    began = time.monotonic()
    try:
        if counts is None:
            report = runner.run(config)
        else:
            with counting(counts):
                report = runner.run(config)
    finally:
        proxy.use(None)
    return time.monotonic() - began, report


def cases_for(args: argparse.Namespace) -> list[tuple[Fault, str]]:
    if args.api:
        apis = args.api.split(",")
        unknown = [a for a in apis if a not in APIS]
        names = args.faults.split(",") if args.faults else [f.name for f in HARNESS_FAULTS]
        names = [] if names == ["none"] else names  # only the healthy runs (with --count: where requests go)
        unknown += [n for n in names if n not in KNOWN_FAULTS]
        if unknown:
            sys.exit(f"unknown: {', '.join(unknown)}")
        return [(KNOWN_FAULTS[n], api) for api in apis for n in names]
    cases = [(f, "v1") for f in FAULTS] + [(f, "v2") for f in (*V2_FAULTS, VIEWS_FAULT)]
    if args.faults:
        wanted = set(args.faults.split(","))
        cases = [(f, api) for f, api in cases if f.name in wanted]
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", help=f"comma-separated, of {', '.join(APIS)} (default: the orchestration faults)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument(
        "--faults", help="comma-separated fault names (default: every fault; with --api, the harness faults; none)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--healthy-runs", type=int, default=2, help="the healthy time is the fastest of these")
    parser.add_argument("--faulty-runs", type=int, default=1, help="each faulty time is the fastest of these")
    parser.add_argument("--bound", type=float, default=2.0, help="the allowed ratio to the healthy run")
    parser.add_argument("--count", action="store_true", help="print where each run's requests went")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cases = cases_for(args)
    rows: list[dict[str, Any]] = []
    healthy: dict[str, float] = {}
    verdicts: dict[str, tuple[int, tuple[str, ...]]] = {}
    reports: dict[str, Report] = {}
    counted: dict[str, Any] = {}
    with running_mock("--clock", "manual", "--seed", "7") as mock, running_proxy(mock.url) as proxy:
        apis = args.api.split(",") if args.api else [a for _, a in cases]
        for api in dict.fromkeys(apis):
            # The first run of a process also pays for imports, spec loading and warm caches: the healthy time
            # is the fastest of the runs (two by default), so that warm-up does not flatter the ratios.
            times = []
            for attempt in range(args.healthy_runs):
                counts = Counts() if args.count and attempt == args.healthy_runs - 1 else None
                seconds, report = timed_run(mock, proxy, None, api, args, counts)
                times.append(seconds)
                verdicts.setdefault(api, verdict(report))
                if seconds <= min(times):
                    reports[api] = report  # the fastest healthy run's phases are what faulty runs are held to
                if counts is not None:
                    counts.print(f"{api}, healthy ({seconds:.1f} s)")
                    print_phases(report)
                    counted[f"{api} healthy"] = counts.as_json()
            healthy[api] = min(times)
            code, found = verdicts[api]
            print(f"{api}: healthy {healthy[api]:.1f}s (runs: {', '.join(f'{t:.1f}' for t in times)}), "
                  f"exit {code}, {len(found)} finding(s)", flush=True)  # fmt: skip
        print(f"profile {args.profile}, seed {args.seed}")
        print(f"{'fault':<34} {'api':<13} {'faulty':>8} {'healthy':>8} {'ratio':>6}  within {args.bound:g}x  verdict")
        for fault, api in cases:
            counts = Counts() if args.count else None
            # On a shared machine one run can be slowed by others: the fastest of --faulty-runs, as for healthy.
            timed = [
                timed_run(mock, proxy, fault, api, args, counts if n == 0 else None) for n in range(args.faulty_runs)
            ]
            seconds, report = min(timed, key=lambda t: t[0])
            ratio = seconds / healthy[api]
            same = all(verdict(r) == verdicts[api] for _, r in timed)
            # A harness fault is no bug: its verdict must be the healthy one. A bug's is expected to differ.
            harness = not fault.caught_by
            row = {"fault": fault.name, "api": api, "faulty": seconds, "healthy": healthy[api], "ratio": ratio,
                   "same_verdict": same, "harness": harness, "faulty_runs": [t for t, _ in timed]}  # fmt: skip
            rows.append(row)
            mark = "yes" if ratio <= args.bound else "NO"
            said = ("same" if same else "CHANGED") if harness else ("same" if same else "differs")
            runs = f"  (runs: {', '.join(f'{t:.1f}' for t, _ in timed)})" if len(timed) > 1 else ""
            print(f"{fault.name:<34} {api:<13} {seconds:>7.1f}s {healthy[api]:>7.1f}s {ratio:>6.2f}  {mark:<9}  "
                  f"{said}{runs}", flush=True)  # fmt: skip
            if harness and not same:
                changed = next(verdict(r) for _, r in timed if verdict(r) != verdicts[api])
                print(f"  healthy: {verdicts[api]}\n  faulty:  {changed}")
            if counts is not None:  # counted on the first run: its time and phases are the ones shown
                counts.print(f"{api} under {fault.name} ({timed[0][0]:.1f} s)")
                print_phases(reports[api], timed[0][1])
                counted[f"{api} {fault.name}"] = counts.as_json()
    if rows:
        worst = max(rows, key=lambda r: float(r["ratio"]))
        print(f"worst: {worst['fault']} on {worst['api']} {float(worst['ratio']):.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"runs": rows, "healthy": healthy, "requests": counted}, indent=2) + "\n")
    within = all(float(r["ratio"]) <= args.bound for r in rows)
    return 0 if within and all(r["same_verdict"] or not r["harness"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
