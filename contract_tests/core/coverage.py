"""Status coverage: which declared responses the implementation was seen to answer, and the gate on them.

Every operation of every spec a run loads declares its statuses (the explicit codes of `responses`; a
`default` names no status). The transport counts each answer it receives under its operation, so the table
covers every phase. A run then knows, for each declared (operation, status) pair, how often it was answered
(0 included), and which answered statuses were never declared.

The gate (`--require-status OP:STATUS`, `--min-status-coverage PCT`) turns that table into findings: a
required pair never answered, or too small a share of declared pairs answered. They fail the run (exit 1)
without being check violations: nothing the server answered was wrong, the run just did not see enough.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contract_tests.core.errors import ConfigError

__all__ = ["StatusCoverage", "StatusPair", "parse_status_pair"]


@dataclass(frozen=True, order=True)
class StatusPair:
    operation: str
    status: int

    def __str__(self) -> str:
        return f"{self.operation}:{self.status}"


def parse_status_pair(text: str) -> StatusPair:
    """`createWorkflow:413` -> StatusPair; a ConfigError (exit 2) for anything else."""
    operation, _, status = text.rpartition(":")
    if not operation or not status.isdigit() or not 100 <= int(status) <= 599:
        raise ConfigError(f"--require-status takes OPERATION:STATUS (e.g. createWorkflow:413), got {text!r}")
    return StatusPair(operation, int(status))


@dataclass
class StatusCoverage:
    """Answers counted per operation and status, against what each operation declares."""

    declared: dict[str, frozenset[int]] = field(default_factory=dict)
    answered: dict[str, dict[int, int]] = field(default_factory=dict)
    # Operations with a `default` response: a status outside their codes is still one they describe.
    defaults: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def declare(self, operation: str, statuses: Iterable[int], *, default: bool = False) -> None:
        with self._lock:
            self.declared[operation] = self.declared.get(operation, frozenset()) | frozenset(statuses)
            if default:
                self.defaults.add(operation)

    def count(self, operation: str, status: int) -> None:
        with self._lock:
            per_status = self.answered.setdefault(operation, {})
            per_status[status] = per_status.get(status, 0) + 1

    def times(self, operation: str, status: int) -> int:
        return self.answered.get(operation, {}).get(status, 0)

    @property
    def pairs(self) -> list[StatusPair]:
        return sorted(StatusPair(op, status) for op, statuses in self.declared.items() for status in statuses)

    @property
    def missing(self) -> list[StatusPair]:
        """Declared pairs never answered."""
        return [pair for pair in self.pairs if not self.times(pair.operation, pair.status)]

    @property
    def percent(self) -> float:
        pairs = self.pairs
        return 100.0 * (len(pairs) - len(self.missing)) / len(pairs) if pairs else 100.0

    def undeclared(self) -> dict[str, dict[int, int]]:
        """Answered statuses outside an operation's codes (its `default`, if any, covers them: `defaults`)."""
        found: dict[str, dict[int, int]] = {}
        for operation, statuses in self.answered.items():
            for status, times in statuses.items():
                if status not in self.declared.get(operation, frozenset()):
                    found.setdefault(operation, {})[status] = times
        return found

    def validate(self, required: Iterable[StatusPair]) -> None:
        """Refuse required pairs this run cannot meet by definition: an unknown operation, an undeclared status."""
        for pair in required:
            if pair.operation not in self.declared:
                raise ConfigError(f"--require-status {pair}: no operation {pair.operation!r} in the API run")
            if pair.status not in self.declared[pair.operation]:
                declared = ", ".join(map(str, sorted(self.declared[pair.operation])))
                raise ConfigError(f"--require-status {pair}: {pair.operation} declares only {declared}")

    def gate(self, required: Iterable[StatusPair], min_percent: float | None) -> list[str]:
        """What fails the run: each required pair never answered, then a coverage below `min_percent`."""
        unmet = [f"required status never answered: {pair}" for pair in required if not self.times(*_key(pair))]
        if min_percent is not None and self.percent + 1e-9 < min_percent:
            missing = ", ".join(map(str, self.missing))
            unmet.append(
                f"status coverage {self.percent:.1f}% is below --min-status-coverage {min_percent:g}%; "
                f"never answered: {missing}"
            )
        return unmet

    def as_dict(self) -> dict[str, Any]:
        pairs, missing = self.pairs, self.missing
        return {
            "declared": len(pairs),
            "answered": len(pairs) - len(missing),
            "percent": round(self.percent, 1),
            "operations": {
                op: {str(status): self.times(op, status) for status in sorted(statuses)}
                for op, statuses in sorted(self.declared.items())
            },
            "missing": [str(pair) for pair in missing],
            "with_default": sorted(self.defaults),
            "undeclared": {
                op: {str(status): n for status, n in sorted(statuses.items())}
                for op, statuses in sorted(self.undeclared().items())
            },
        }

    def rows(self) -> list[tuple[str, int, int]]:
        """(operation, status, times answered) for every declared pair, for the tables of each report."""
        return [(pair.operation, pair.status, self.times(pair.operation, pair.status)) for pair in self.pairs]


def _key(pair: StatusPair) -> tuple[str, int]:
    return pair.operation, pair.status
