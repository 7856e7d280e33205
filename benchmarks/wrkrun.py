"""Run wrk with fixed threads/connections and read its exact figures from the Lua `done` hook."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "request.lua"
THREADS = 2
CONNECTIONS = 32


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bytes: int
    # Non-2xx/3xx answers and socket errors: a fast server that answers errors must not look good.
    status_errors: int
    socket_errors: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _parse(stdout: str) -> WrkResult:
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{stdout[-2000:]}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    seconds = raw["duration_us"] / 1e6
    return WrkResult(
        requests=raw["requests"],
        seconds=round(seconds, 3),
        rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(raw["p50_us"] / 1000, 3),
        p90_ms=round(raw["p90_us"] / 1000, 3),
        p99_ms=round(raw["p99_us"] / 1000, 3),
        max_ms=round(raw["max_us"] / 1000, 3),
        mean_ms=round(raw["mean_us"] / 1000, 3),
        bytes=raw["bytes"],
        status_errors=raw["status_errors"],
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"],
    )


def run_wrk(
    url: str,
    *,
    duration: float,
    method: str = "GET",
    body: str | None = None,
    auth: str | None = None,
    threads: int = THREADS,
    connections: int = CONNECTIONS,
    timeout_s: int = 10,
) -> WrkResult:
    """One bounded load: `duration` seconds, then wrk stops by itself (a hard kill guards a stuck wrk)."""
    env = dict(os.environ, BENCH_METHOD=method, BENCH_AUTH=auth or "")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(body or "")
        body_path = handle.name
    env["BENCH_BODY_FILE"] = body_path if body is not None else ""
    # wrk only understands whole seconds.
    seconds = max(1, round(duration))
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_s}s",
        "--latency",
        "-s",
        str(LUA),
        url,
    ]
    try:
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False
        )
    finally:
        os.unlink(body_path)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return _parse(done.stdout)


def combine(rounds: list[WrkResult]) -> WrkResult:
    """Several short loads of one scenario as one figure: totals for counts, the median round for latencies.

    Short rounds alternated between two servers share out bursts of outside load fairly; the median
    keeps one disturbed round from deciding a percentile.
    """
    requests = sum(r.requests for r in rounds)
    seconds = sum(r.seconds for r in rounds)

    def middle(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    return WrkResult(
        requests=requests,
        seconds=round(seconds, 3),
        rps=round(requests / seconds, 1) if seconds else 0.0,
        p50_ms=middle([r.p50_ms for r in rounds]),
        p90_ms=middle([r.p90_ms for r in rounds]),
        p99_ms=middle([r.p99_ms for r in rounds]),
        max_ms=max(r.max_ms for r in rounds),
        mean_ms=middle([r.mean_ms for r in rounds]),
        bytes=sum(r.bytes for r in rounds),
        status_errors=sum(r.status_errors for r in rounds),
        socket_errors=sum(r.socket_errors for r in rounds),
    )
