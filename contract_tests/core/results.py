"""What a run found: failures deduplicated by key, and counters per operation, check and phase.

One `Results` is shared by every phase of a run (and by worker threads, hence the lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from contract_tests.core.coverage import StatusCoverage

__all__ = ["CheckStats", "Failure", "OperationStats", "PhaseStats", "Results", "Skip"]


@dataclass
class Failure:
    """One distinct violation, as reported: what was checked, expected, returned, and how to reproduce it."""

    check: str
    operation: str
    title: str
    expected: str
    actual: str
    curl: str
    phase: str
    status: int | None
    kind: str
    occurrences: int = 1
    # The reason from the deviations file when this failure is a known, accepted deviation.
    accepted: str | None = None

    @property
    def key(self) -> str:
        """Dedup key: check name + operation + class of what came back."""
        return f"{self.check}|{self.operation}|{self.kind}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["key"] = self.key
        return data


@dataclass
class OperationStats:
    requests: int = 0
    failures: int = 0


@dataclass
class CheckStats:
    runs: int = 0
    failures: int = 0


@dataclass
class PhaseStats:
    duration: float = 0.0
    status: str = "pending"  # pending / passed / failed / skipped / error
    note: str = ""


@dataclass(frozen=True)
class Skip:
    """A check or phase that did not run, and why (e.g. no control API, no scoped tokens)."""

    name: str
    reason: str


@dataclass
class Results:
    failures: dict[str, Failure] = field(default_factory=dict)
    operations: dict[str, OperationStats] = field(default_factory=dict)
    checks: dict[str, CheckStats] = field(default_factory=dict)
    # operation -> check -> counters: which checks ran on each operation (the HTML report shows them).
    operation_checks: dict[str, dict[str, CheckStats]] = field(default_factory=dict)
    phases: dict[str, PhaseStats] = field(default_factory=dict)
    # Every answer's status per operation, against what each declares (the status-coverage table and gate).
    coverage: StatusCoverage = field(default_factory=StatusCoverage)
    skipped: list[Skip] = field(default_factory=list)
    # Errors of the suite itself (a bug in a check, an unexpected exception): reported, never hidden.
    errors: list[str] = field(default_factory=list)
    on_failure: Callable[[Failure], None] | None = None
    # Maps a failure to the reason it is an accepted deviation, or None (see `deviations`).
    acceptor: Callable[[Failure], str | None] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def count_request(self, operation: str, status: int | None = None) -> None:
        with self._lock:
            self.operations.setdefault(operation, OperationStats()).requests += 1
        if status is not None:
            self.coverage.count(operation, status)

    def count_check(self, name: str, operation: str | None = None) -> None:
        # Called for every check on every exchange: no CheckStats is built just to be thrown away.
        with self._lock:
            stats = self.checks.get(name) or self.checks.setdefault(name, CheckStats())
            stats.runs += 1
            if operation:
                per_operation = self.operation_checks.get(operation) or self.operation_checks.setdefault(operation, {})
                stats = per_operation.get(name) or per_operation.setdefault(name, CheckStats())
                stats.runs += 1

    def add_failure(self, failure: Failure) -> bool:
        """Record a failure; return True when it is new (not a duplicate of an earlier one)."""
        with self._lock:
            self.checks.setdefault(failure.check, CheckStats()).failures += 1
            self.operations.setdefault(failure.operation, OperationStats()).failures += 1
            if failure.operation:
                per_operation = self.operation_checks.setdefault(failure.operation, {})
                per_operation.setdefault(failure.check, CheckStats()).failures += 1
            existing = self.failures.get(failure.key)
            if existing is not None:
                existing.occurrences += 1
                return False
            if self.acceptor is not None:
                failure.accepted = self.acceptor(failure)
            self.failures[failure.key] = failure
        if self.on_failure is not None:
            self.on_failure(failure)
        return True

    def skip(self, name: str, reason: str) -> None:
        with self._lock:
            if all(s.name != name for s in self.skipped):
                self.skipped.append(Skip(name, reason))

    def error(self, message: str) -> None:
        with self._lock:
            self.errors.append(message)

    @property
    def new_failures(self) -> list[Failure]:
        return [f for f in self.failures.values() if f.accepted is None]

    @property
    def accepted_failures(self) -> list[Failure]:
        return [f for f in self.failures.values() if f.accepted is not None]
