"""What a differential run found: each difference once (by operation, statuses and differing fields), with a
curl command for each side, and its renderings (console text, JSON)."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests.diff.correspondence import ABSENT, FieldDiff

__all__ = ["Difference", "Differences"]

_INDEX = re.compile(r"\[\d+\]")
_CURL_SHOWN = 400


def _shown(value: Any) -> str:
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) or value else '""'
    return text if len(text) <= 160 else text[:157] + "..."


def _clipped(curl: str) -> str:
    # A generated body can make a command of many kilobytes: the console shows its start, --report all of it.
    return curl if len(curl) <= _CURL_SHOWN else curl[:_CURL_SHOWN] + " ... (the whole command: --report)"


def _plain(value: Any) -> Any:
    return None if value is ABSENT else value


@dataclass
class Difference:
    """One request both implementations answered differently."""

    operation: str
    status_a: int
    status_b: int
    fields: list[FieldDiff]
    curl_a: str
    curl_b: str
    occurrences: int = 1

    @property
    def key(self) -> str:
        """Dedup key: the same operation, statuses and differing fields (list positions aside) are one finding."""
        paths = sorted({_INDEX.sub("[]", f.path) for f in self.fields})
        return f"{self.operation}|{self.status_a}|{self.status_b}|{','.join(paths)}"

    def render(self, index: int) -> str:
        repeats = f" (seen {self.occurrences} times)" if self.occurrences > 1 else ""
        same = self.status_a == self.status_b
        statuses = f"both {self.status_a}" if same else f"status {self.status_a} on A, {self.status_b} on B"
        lines = [f"{index}. {self.operation}: {statuses}{repeats}"]
        for diff in self.fields[:12]:
            note = f"  ({diff.note})" if diff.note and diff.note != "differs" else ""
            lines.append(f"   {diff.path}: A {_shown(diff.a)}  B {_shown(diff.b)}{note}")
        if len(self.fields) > 12:
            lines.append(f"   ... and {len(self.fields) - 12} more fields")
        lines.append(f"   A: {_clipped(self.curl_a)}")
        lines.append(f"   B: {_clipped(self.curl_b)}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "status_a": self.status_a,
            "status_b": self.status_b,
            "fields": [{"path": f.path, "a": _plain(f.a), "b": _plain(f.b), "note": f.note} for f in self.fields],
            "curl_a": self.curl_a,
            "curl_b": self.curl_b,
            "occurrences": self.occurrences,
            "key": self.key,
        }


@dataclass
class Differences:
    """Every difference of a run, deduplicated, plus how many requests were compared."""

    found: dict[str, Difference] = field(default_factory=dict)
    compared: int = 0
    per_operation: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, operation: str) -> None:
        with self._lock:
            self.compared += 1
            self.per_operation[operation] = self.per_operation.get(operation, 0) + 1

    def add(self, difference: Difference) -> None:
        with self._lock:
            existing = self.found.get(difference.key)
            if existing is not None:
                existing.occurrences += 1
            else:
                self.found[difference.key] = difference

    def summary(self, a: str, b: str, duration: float, errors: list[str]) -> str:
        lines = [f"Differential run: A {a}  B {b}", f"{self.compared} requests sent to both"]
        for operation, times in sorted(self.per_operation.items()):
            lines.append(f"  {operation:<32} {times:>5} requests")
        if self.found:
            lines.append(f"\nDifferences ({len(self.found)}), each printed once:")
            lines.extend(f"\n{d.render(i)}" for i, d in enumerate(self.found.values(), 1))
        lines.extend(f"\nsuite error: {error}" for error in errors)
        verdict = f"DIFFERENT: {len(self.found)} difference(s)" if self.found else "SAME"
        lines.append(f"\n{verdict} in {duration:.1f}s")
        return "\n".join(lines)

    def write_json(self, path: Path, *, a: str, b: str, duration: float, exit_code: int) -> None:
        data = {
            "a": a,
            "b": b,
            "duration": round(duration, 3),
            "exit_code": exit_code,
            "compared": self.compared,
            "operations": dict(sorted(self.per_operation.items())),
            "differences": [d.as_dict() for d in self.found.values()],
        }
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
