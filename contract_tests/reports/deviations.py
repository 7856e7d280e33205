"""Known, accepted deviations: a vendor records them once so CI fails only on new findings.

The file is YAML, a list of entries::

    - check: not_a_server_error        # required: a check name (see `orchestration-contract --list-checks`)
      operation: getWorkflow           # optional: an operationId; any operation when absent
      status: 500                      # optional: the status that came back
      reason: unknown ids answer 500 (REAL, BEHAVIOR.md §2.3 row 1)   # required: why it is accepted

A failure matching an entry is reported as "accepted" and does not fail the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from contract_tests.core.errors import ConfigError
from contract_tests.core.results import Failure

__all__ = ["Deviation", "Deviations", "load_deviations"]


@dataclass(frozen=True)
class Deviation:
    check: str
    reason: str
    operation: str | None = None
    status: int | None = None

    def matches(self, failure: Failure) -> bool:
        return (
            self.check == failure.check
            and self.operation in (None, failure.operation)
            and self.status in (None, failure.status)
        )


@dataclass(frozen=True)
class Deviations:
    entries: tuple[Deviation, ...]

    def reason_for(self, failure: Failure) -> str | None:
        return next((d.reason for d in self.entries if d.matches(failure)), None)


def _entry(raw: object, index: int) -> Deviation:
    if not isinstance(raw, dict) or not isinstance(raw.get("check"), str) or not isinstance(raw.get("reason"), str):
        raise ConfigError(f"deviation #{index + 1}: need at least `check` and `reason` strings, got {raw!r}")
    unknown = set(raw) - {"check", "operation", "status", "reason"}
    if unknown:
        raise ConfigError(f"deviation #{index + 1}: unknown key(s) {', '.join(sorted(unknown))}")
    status = raw.get("status")
    if status is not None and not isinstance(status, int):
        raise ConfigError(f"deviation #{index + 1}: status must be an integer")
    return Deviation(check=raw["check"], reason=raw["reason"], operation=raw.get("operation"), status=status)


def load_deviations(path: Path) -> Deviations:
    from contract_tests.checks import load_all

    try:
        raw = yaml.safe_load(Path(path).read_text()) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read deviations file {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise ConfigError(f"deviations file {path} must hold a YAML list")
    entries = tuple(_entry(item, index) for index, item in enumerate(raw))
    unknown = sorted({e.check for e in entries} - set(load_all()))
    if unknown:
        raise ConfigError(f"deviations file {path} names unknown check(s): {', '.join(unknown)}")
    return Deviations(entries)
