"""Restarts on a state file: traffic, a byte-for-byte snapshot of every resource, and crash runs.

``sigterm_run`` asks for a graceful stop and expects every resource back identical.
``sigkill_run`` kills the mock mid-traffic and expects a loadable file that lost at
most the last save interval, as a prefix: nothing acknowledged long enough ago is
missing, and nothing later is present while something earlier is not.
``fuzzed_restart`` records hostile input, restarts, and expects the same state back.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mockserver.state.persistence import StateFile
from tests.robustness import servers
from tests.robustness.fuzzing import fuzz_all
from tests.robustness.operations import ALL

WAIT = [{"wait_event": {"event": "go"}}, {"noop": {}}]
DELAY = [{"delay": {"duration": "1h"}}, {"noop": {}}]
SEND = [
    {
        "send": {
            "source": {"account": {"id": "world", "ledger": "default"}},
            "destination": {"account": {"id": "users:kept", "ledger": "default"}},
            "amount": {"amount": 250, "asset": "USD/2"},
        }
    },
    {"update": {"account": {"id": "users:kept", "ledger": "default", "metadata": {"kept": "yes"}}}},
]
OVERDRAFT = [
    {
        "send": {
            "source": {"account": {"id": "users:broke", "ledger": "default"}},
            "destination": {"account": {"id": "users:kept", "ledger": "default"}},
            "amount": {"amount": 1, "asset": "USD/2"},
        }
    }
]
FIXTURE = {"workflows": [{"name": "loaded", "stages": WAIT}], "instances": [{"workflow": "loaded"}]}


def traffic(url: str, token: str, *, manual_clock: bool) -> None:
    """Every kind of state change the backend records, including a reset half-way.

    With a real clock, nothing may keep changing on its own once the traffic stops, so the
    retrying workflow (whose history grows with time) runs only on a manual clock."""
    kinds = {"wait": WAIT, "delay": DELAY, "send": SEND, "overdraft": OVERDRAFT if manual_clock else SEND}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        for part in ("before the reset", "after the reset"):
            flows = {}
            for name, stages in kinds.items():
                flows[name] = http.post("/workflows", json={"name": name, "stages": stages}).json()["data"]["id"]
            runs = [http.post(f"/workflows/{flows[n]}/instances", json={}).json()["data"]["id"] for n in flows]
            runs += [http.post(f"/workflows/{flows['wait']}/instances", json={"k": "v"}).json()["data"]["id"]]
            http.post(f"/instances/{runs[0]}/events", json={"name": "go"})
            http.put(f"/instances/{runs[1]}/abort")
            http.put(f"/instances/{runs[2]}/abort")
            trigger = {"event": "SAVED_PAYMENT", "workflowID": flows["wait"], "filter": "event.amount > 10"}
            http.post("/triggers", json={**trigger, "vars": {"n": "event.amount"}})
            gone = http.post("/triggers", json={"event": "OTHER", "workflowID": flows["send"]}).json()["data"]["id"]
            http.delete(f"/triggers/{gone}")
            for amount in (5, 50, 500):
                payload = {"id": f"p{amount}", "amount": amount}
                http.post("/_mock/events", json={"type": "SAVED_PAYMENT", "payload": payload})
            http.post("/_mock/ledgers/default/accounts/users:funded/fund", json={"asset": "EUR/2", "amount": 10**20})
            http.post("/_mock/fixtures", json=FIXTURE)
            http.delete(f"/workflows/{flows['overdraft']}")
            if manual_clock:
                http.post("/_mock/clock/advance", json={"seconds": 3600 + 5})  # delays end, retries run
            if part == "before the reset":
                http.post("/_mock/reset")


def snapshot(url: str, token: str, *, with_clock: bool) -> dict[str, bytes]:
    """Every GET that shows state, keyed by path, body bytes as served."""
    out: dict[str, bytes] = {}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:

        def get(path: str) -> httpx.Response:
            reply = http.get(path)
            out[path] = f"{reply.status_code} ".encode() + reply.content
            return reply

        for workflow in get("/workflows").json()["data"]:
            get(f"/workflows/{workflow['id']}")
        get("/instances?running=true")
        for instance in get("/instances").json()["data"]:
            get(f"/instances/{instance['id']}")
            history = get(f"/instances/{instance['id']}/history").json()["data"]
            for number in range(len(history) + 1):
                get(f"/instances/{instance['id']}/stages/{number}/history")
        for trigger in get("/triggers").json()["data"]:
            get(f"/triggers/{trigger['id']}")
            get(f"/triggers/{trigger['id']}/occurrences")
        for address in ("users:kept", "users:funded", "users:broke", "world"):
            get(f"/_mock/ledgers/default/accounts/{address}")
        for path in ("/_mock/ledgers/default/transactions", "/_mock/wallets", "/_mock/payments"):
            get(path)
        for path in ("/_mock/events", "/_mock/state"):
            get(path)
        if with_clock:
            get("/_mock/clock")
    return out


def differences(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return [path for path in sorted(set(before) | set(after)) if before.get(path) != after.get(path)]


@dataclass
class RestartResult:
    resources: int = 0
    lost: list[str] = field(default_factory=list)  # paths whose answer changed across the restart


def sigterm_run(state_file: Path, key: Path, *, clock: str = "manual") -> RestartResult:
    """Traffic, SIGTERM (well before any interval save), restart: every answer must be identical."""
    args = ("--state-file", str(state_file), "--state-interval", "3600", "--signing-key", str(key), "--clock", clock)
    # The demo fixtures hold an instance that retries for ever: only a manual clock keeps it still.
    args += ("--seed", "11", "--fixtures", "fixtures/demo.yaml") if clock == "manual" else ()
    server = servers.start(*args)
    try:
        token = servers.token(server.url)
        traffic(server.url, token, manual_clock=clock == "manual")
        before = snapshot(server.url, token, with_clock=clock == "manual")
    finally:
        code = servers.stop(server, signal.SIGTERM)
    assert code == 0, f"SIGTERM exit code {code}"
    # The same port and key: the token issued before the restart is still good.
    again = servers.start(*args, port=int(server.url.rsplit(":", 1)[1]))
    try:
        after = snapshot(again.url, token, with_clock=clock == "manual")
    finally:
        servers.stop(again)
    return RestartResult(resources=len(before), lost=differences(before, after))


@dataclass
class CrashResult:
    acknowledged: int = 0
    kept: int = 0
    lost_beyond_interval: list[str] = field(default_factory=list)
    holes: list[str] = field(default_factory=list)  # present although an earlier one is missing
    file_reads: int = 0
    bad_reads: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


def sigkill_run(
    state_file: Path, *, seconds: float = 2.0, interval: float = 0.3, slack: float = 0.7, min_acks: int = 20
) -> CrashResult:
    """Steady traffic, ``kill -9`` after ``seconds`` (longer on a slow machine, until ``min_acks``
    workflows were acknowledged, but never more than four times as long), restart on the same file."""
    args = ("--state-file", str(state_file), "--state-interval", str(interval), "--clock", "manual")
    result = CrashResult()
    acked: list[tuple[str, float]] = []
    stop = threading.Event()
    server = servers.start(*args)
    try:
        killed_at = _traffic_then_kill(server, state_file, result, acked, stop, seconds=seconds, min_acks=min_acks)
    finally:
        stop.set()
        servers.stop(server, signal.SIGKILL)
    again = servers.start(*args)  # must load whatever the kill left
    try:
        http = httpx.Client(base_url=again.url, headers={"Authorization": f"Bearer {servers.token(again.url)}"})
        present = {w["id"] for w in http.get("/workflows").json()["data"]}
        http.close()
    finally:
        servers.stop(again)
    result.acknowledged = len(acked)
    result.kept = sum(1 for ident, _ in acked if ident in present)
    result.lost_beyond_interval = [i for i, at in acked if at < killed_at - interval - slack and i not in present]
    missing_seen = False
    for ident, _ in acked:
        missing_seen = missing_seen or ident not in present
        if missing_seen and ident in present:
            result.holes.append(ident)
    result.leftovers = [p.name for p in state_file.parent.glob(f".{state_file.name}.*.tmp")]
    return result


def _traffic_then_kill(
    server: servers.RunningMock,
    state_file: Path,
    result: CrashResult,
    acked: list[tuple[str, float]],
    stop: threading.Event,
    *,
    seconds: float,
    min_acks: int,
) -> float:
    """A writer creating workflows, a reader checking the file, then kill -9; returns when it was killed."""
    token = servers.token(server.url)

    def write() -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=5) as http:
            while not stop.is_set():
                try:
                    reply = http.post("/workflows", json={"stages": WAIT})
                    acked.append((reply.json()["data"]["id"], time.monotonic()))
                    http.post(f"/workflows/{acked[-1][0]}/instances", json={})
                except (httpx.HTTPError, ValueError, KeyError):
                    return  # the server is gone

    def read() -> None:
        file = StateFile(state_file)
        while not stop.is_set():
            try:
                file.read()
                result.file_reads += 1
            except (ValueError, json.JSONDecodeError) as exc:
                result.bad_reads.append(str(exc))
            time.sleep(0.001)  # let the writer thread have the GIL

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    try:
        started = time.monotonic()
        time.sleep(seconds)
        while len(acked) < min_acks and time.monotonic() - started < 4 * seconds:
            time.sleep(0.05)
        killed_at = time.monotonic()
        servers.stop(server, signal.SIGKILL)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    return killed_at


def fuzzed_restart(state_file: Path, *, per_operation: int) -> RestartResult:
    """Hostile input recorded in a state file, SIGTERM, restart: the log replays to the same state.

    Whatever a hostile client managed to get stored (odd strings, big numbers, failed
    commands) must survive the trip through the log; a divergence is logged at start."""
    args = ("--state-file", str(state_file), "--state-interval", "3600", "--clock", "manual", "--seed", "1")
    args += ("--fixtures", "fixtures/demo.yaml")
    server = servers.start(*args)
    try:
        # No reset at all: a reset restarts the log, and the point is a long one.
        operations = tuple(op for op in ALL if op.name != "reset")
        fuzz = fuzz_all(server.url, per_operation=per_operation, operations=operations, budget=120, reseed_every=10**9)
        token = servers.token(server.url)
        before = snapshot(server.url, token, with_clock=True)
    finally:
        servers.stop(server)
    again = servers.start(*args)
    try:
        after = snapshot(again.url, servers.token(again.url), with_clock=True)
    finally:
        servers.stop(again)
    lost = differences(before, after)
    if "divergence" in again.log.read_text():
        lost.append("the replay reported a divergence")
    lost += [f"fuzz: {failure.splitlines()[0]}" for failure in fuzz.failures]
    return RestartResult(resources=len(before), lost=lost)
