"""Processes the benchmarks start: each in its own session, measured through /proc, always killed.

Only Linux /proc is used (no psutil) so the benchmark adds no dependency to the project.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")

# Every process group we started, so an interrupted run still cleans up in `stop_all`.
_STARTED: list[subprocess.Popen[bytes]] = []


def spawn(
    cmd: Sequence[str], log_path: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `cmd` in a new session so that stopping it also stops whatever it forked (node, workers)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    try:
        proc = subprocess.Popen(
            list(cmd),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    finally:
        log.close()  # the child keeps its own descriptor
    _STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM the whole process group, then SIGKILL what is left after `timeout`."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
    # A leader that exited may leave children in its group (node forks): sweep the group anyway.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc in _STARTED:
        _STARTED.remove(proc)


def stop_all() -> None:
    for proc in list(_STARTED):
        stop(proc)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces and parentheses: the fixed fields start after the last ')'.
    return raw[raw.rindex(")") + 2 :].split()


def tree_pids(root: int) -> list[int]:
    """`root` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root: int) -> float:
    """User + system CPU of the tree, including reaped children (cutime/cstime)."""
    ticks = 0
    for pid in tree_pids(root):
        fields = _stat_fields(pid)
        if fields is not None:
            # Fields 14-17 of stat (1-based); here shifted by the two leading fields we cut.
            ticks += sum(int(v) for v in fields[11:15])
    return ticks / CLK_TCK


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(root: int) -> float:
    """Resident memory of the whole tree now (node's workers count too)."""
    return sum(_status_kib(pid, "VmRSS") for pid in tree_pids(root)) / 1024


def hwm_mib(root: int) -> float:
    """Sum of each live process's peak RSS: exact for one process, an upper bound for a tree."""
    return sum(_status_kib(pid, "VmHWM") for pid in tree_pids(root)) / 1024


@dataclass
class RssSampler:
    """Samples the tree's RSS in a thread: catches peaks of multi-process trees that VmHWM sums overstate."""

    root: int
    # Coarse on purpose: scanning /proc steals CPU from the servers on a 2-core machine.
    interval: float = 0.25
    peak: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _loop(self) -> None:
        pids: list[int] = []
        rounds = 0
        while not self._stop.is_set():
            if rounds % 20 == 0:  # the tree rarely changes: rescan /proc every 5 s, not every sample
                pids = tree_pids(self.root)
            rounds += 1
            self.peak = max(self.peak, sum(_status_kib(pid, "VmRSS") for pid in pids) / 1024)
            self._stop.wait(self.interval)

    @contextlib.contextmanager
    def running(self) -> Iterator[RssSampler]:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self._stop.clear()


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def system_busy_seconds() -> float:
    """CPU time every core spent not idle since boot (/proc/stat), all processes together."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def own_cpu_seconds() -> float:
    """This process and its reaped children (wrk): what the benchmark itself burns."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + kids.ru_utime + kids.ru_stime


# Seconds all calls of wait_quiet may still spend, so a machine that never calms down cannot stretch the run.
_quiet_budget = [60.0]


def set_quiet_budget(seconds: float) -> None:
    _quiet_budget[0] = seconds


def wait_quiet(max_wait: float = 10.0, threshold_cores: float = 0.3, window: float = 0.5) -> float:
    """Wait (bounded) until other processes leave the cores alone; return the load seen in the last window.

    Other sessions may share the machine: a test suite running next to a load halves the figures.
    """
    started = time.monotonic()
    deadline = started + min(max_wait, _quiet_budget[0])
    while True:
        busy, own = system_busy_seconds(), own_cpu_seconds()
        time.sleep(window)
        load = (system_busy_seconds() - busy - (own_cpu_seconds() - own)) / window
        if load < threshold_cores or time.monotonic() >= deadline:
            _quiet_budget[0] = max(0.0, _quiet_budget[0] - (time.monotonic() - started - window))
            return round(load, 2)


@dataclass
class Noise:
    """CPU used during a load by everything but the server under test and the benchmark itself (wrk, samplers)."""

    server_pid: int
    other_cores: float = 0.0

    @contextlib.contextmanager
    def watching(self) -> Iterator[Noise]:
        busy, own, server = system_busy_seconds(), own_cpu_seconds(), cpu_seconds(self.server_pid)
        started = time.monotonic()
        yield self
        elapsed = time.monotonic() - started
        other = (system_busy_seconds() - busy) - (own_cpu_seconds() - own) - (cpu_seconds(self.server_pid) - server)
        self.other_cores = round(max(other, 0.0) / elapsed, 2) if elapsed else 0.0
