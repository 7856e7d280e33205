"""Live progress: a spinner line on a terminal, plain lines in CI (env CI set) or when output is not a TTY."""

from __future__ import annotations

import os
import sys
import threading
from typing import Protocol, TextIO

from contract_tests.core.results import Failure, PhaseStats

__all__ = ["Listener", "NullListener", "PlainListener", "RichListener", "make_listener"]


class Listener(Protocol):
    def phase_started(self, name: str) -> None: ...
    def phase_finished(self, name: str, stats: PhaseStats) -> None: ...
    def operation_done(self, name: str) -> None: ...
    def failure(self, failure: Failure) -> None: ...


class NullListener:
    def phase_started(self, name: str) -> None:
        pass

    def phase_finished(self, name: str, stats: PhaseStats) -> None:
        pass

    def operation_done(self, name: str) -> None:
        pass

    def failure(self, failure: Failure) -> None:
        pass


def _failure_line(failure: Failure) -> str:
    state = "accepted" if failure.accepted else "violation"
    return f"  {state}: [{failure.check}] {failure.operation}: {failure.title}"


class PlainListener:
    """One line per event; safe for CI logs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def _print(self, line: str) -> None:
        with self._lock:
            print(line, file=self.stream, flush=True)

    def phase_started(self, name: str) -> None:
        self._print(f"[{name}] started")

    def phase_finished(self, name: str, stats: PhaseStats) -> None:
        self._print(f"[{name}] {stats.status} in {stats.duration:.1f}s")

    def operation_done(self, name: str) -> None:
        self._print(f"  done: {name}")

    def failure(self, failure: Failure) -> None:
        self._print(_failure_line(failure))


class RichListener:
    """A spinner naming the phase and the last finished step; new violations scroll above it."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.status = self.console.status("starting")
        self.phase = ""
        self.failures = 0

    def phase_started(self, name: str) -> None:
        self.phase = name
        self.status.start()
        self.status.update(f"[bold]{name}[/bold]  {self.failures} violation(s) so far")

    def phase_finished(self, name: str, stats: PhaseStats) -> None:
        self.status.stop()
        colour = {"passed": "green", "failed": "red"}.get(stats.status, "yellow")
        self.console.print(f"[{colour}]{name:<12} {stats.status:<7}[/{colour}] {stats.duration:.1f}s")

    def operation_done(self, name: str) -> None:
        self.status.update(f"[bold]{self.phase}[/bold]  {name} done  {self.failures} violation(s) so far")

    def failure(self, failure: Failure) -> None:
        self.failures += failure.accepted is None
        self.console.print(_failure_line(failure), markup=False, highlight=False)


def make_listener(*, stream: TextIO | None = None) -> Listener:
    """Rich on an interactive terminal, plain lines in CI or when stderr is redirected."""
    target = stream or sys.stderr
    if os.environ.get("CI") or not target.isatty():
        return PlainListener(target)
    try:
        return RichListener()
    except ImportError:
        return PlainListener(target)
