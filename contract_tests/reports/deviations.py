"""Known, accepted deviations: a vendor records them once so CI fails only on new findings.

The file is YAML, a list of entries::

    - check: not_a_server_error        # required: a check name (see `orchestration-contract --list-checks`)
      operation: getWorkflow           # optional: an operationId; any operation when absent
      status: 500                      # optional: the status that came back
      match: "sql: no rows"            # optional: text the failure's `actual` must contain
      reason: unknown ids answer 500 (REAL, BEHAVIOR.md §2.3 row 1)   # required: why it is accepted

`check`, `operation` and `status` also take a list (any of them matches), so one entry can describe one
documented behaviour wherever it shows. A failure matching an entry is reported as "accepted" and does not
fail the run. A bare name without a suffix (`real-service`) names a file shipped in
`contract_tests/deviations/` when no such file exists in the working directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from contract_tests.core.errors import ConfigError
from contract_tests.core.results import Failure

__all__ = ["Deviation", "Deviations", "load_deviations", "resolve_deviations_path", "shipped_deviations"]

_KEYS = {"check", "operation", "status", "match", "reason"}


@dataclass(frozen=True)
class Deviation:
    checks: tuple[str, ...]
    reason: str
    operations: tuple[str, ...] | None = None
    statuses: tuple[int, ...] | None = None
    match: str | None = None

    @property
    def check(self) -> str:
        return self.checks[0]

    def matches(self, failure: Failure) -> bool:
        return (
            failure.check in self.checks
            and (self.operations is None or failure.operation in self.operations)
            and (self.statuses is None or failure.status in self.statuses)
            and (self.match is None or self.match in failure.actual)
        )


@dataclass(frozen=True)
class Deviations:
    entries: tuple[Deviation, ...]

    def reason_for(self, failure: Failure) -> str | None:
        return next((d.reason for d in self.entries if d.matches(failure)), None)

    def unused(self, failures: list[Failure]) -> list[Deviation]:
        """Entries no failure matched: stale, once the behaviour they describe is gone."""
        return [d for d in self.entries if not any(d.matches(f) for f in failures)]


def _many(raw: dict[str, object], key: str, kind: type, index: int) -> tuple | None:
    value = raw.get(key)
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values):
        raise ConfigError(f"deviation #{index + 1}: {key} must be a {kind.__name__} or a list of them")
    return tuple(values)


def _entry(raw: object, index: int) -> Deviation:
    if not isinstance(raw, dict) or raw.get("check") is None or not isinstance(raw.get("reason"), str):
        raise ConfigError(f"deviation #{index + 1}: need at least `check` and a `reason` string, got {raw!r}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"deviation #{index + 1}: unknown key(s) {', '.join(sorted(unknown))}")
    match = raw.get("match")
    if match is not None and not isinstance(match, str):
        raise ConfigError(f"deviation #{index + 1}: match must be a string")
    return Deviation(
        checks=_many(raw, "check", str, index) or (),
        reason=raw["reason"],
        operations=_many(raw, "operation", str, index),
        statuses=_many(raw, "status", int, index),
        match=match,
    )


def shipped_deviations(name: str) -> Path:
    """The path of an allow-list shipped with the suite, e.g. `real-service`."""
    return Path(str(resources.files("contract_tests.deviations").joinpath(f"{name}.yaml")))


def resolve_deviations_path(path: Path) -> Path:
    """A file as given, or, for a bare name that is no file here, the shipped list of that name."""
    text = str(path)
    if Path(path).exists() or "/" in text or "\\" in text or Path(text).suffix:
        return Path(path)
    shipped = shipped_deviations(text)
    return shipped if shipped.exists() else Path(path)


def load_deviations(path: Path) -> Deviations:
    from contract_tests.checks import load_all

    path = resolve_deviations_path(path)
    try:
        raw = yaml.safe_load(Path(path).read_text()) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read deviations file {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise ConfigError(f"deviations file {path} must hold a YAML list")
    entries = tuple(_entry(item, index) for index, item in enumerate(raw))
    unknown = sorted({c for e in entries for c in e.checks} - set(load_all()))
    if unknown:
        raise ConfigError(f"deviations file {path} names unknown check(s): {', '.join(unknown)}")
    return Deviations(entries)
