"""Comparing two implementations' answers to the same request, value by value, where some values may differ.

Ids, cursors and hashes are each implementation's own: they are matched by correspondence, not compared.
The first time a position holds X on A and Y on B, X and Y correspond; from then on B must say Y wherever A
says X (and nothing else may correspond to Y), and requests that carry X to A carry Y to B. Instants differ
with each server's clock: both sides must hold one, nothing more. Everything else must be equal.

A value is an id by its key (`id`, `…ID`, `…Id`, `txid`, `hash`, `cursor`, `next`, `previous`) or by its
look (a UUID); an instant by its key (`…At`, `date`, `timestamp`, `nextExecution`) or by its look (RFC 3339).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ABSENT", "Correspondence", "FieldDiff"]

_ID_KEY = re.compile(r"^(id|txid|hash|cursor|next|previous|ik)$|(ID|Id|_id)$")
_TIME_KEY = re.compile(r"(At|_at)$|^(date|timestamp|nextExecution|lastTry|time)$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(_\d+)?$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")
# Ids worth replacing inside free text (error messages name them); short ones would hit anything.
_MIN_EMBEDDED = 8


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class FieldDiff:
    """One body field that differs: its path (`data.stages[0].name`), A's value, B's value, and why."""

    path: str
    a: Any
    b: Any
    note: str = ""


def _key(value: Any) -> tuple[str, Any]:
    return type(value).__name__, value


def _is_instant(value: Any) -> bool:
    return isinstance(value, str) and bool(_INSTANT.match(value))


@dataclass
class Correspondence:
    """The A->B matching of every id, cursor and hash seen so far (one-to-one), and the comparison using it."""

    forward: dict[tuple[str, Any], Any] = field(default_factory=dict)
    backward: dict[tuple[str, Any], Any] = field(default_factory=dict)

    # -- requests: what A was sent, as B must be sent it
    def translate(self, value: Any, *, scalars: bool = False) -> Any:
        """A request value for B: known A ids replaced by B's. Numbers only with `scalars` (path and query
        parameters): a body's amount that happens to equal a transaction id must stay an amount."""
        if isinstance(value, dict):
            return {k: self.translate(v, scalars=scalars) for k, v in value.items()}
        if isinstance(value, list):
            return [self.translate(v, scalars=scalars) for v in value]
        if isinstance(value, str) or (scalars and isinstance(value, int) and not isinstance(value, bool)):
            return self.forward.get(_key(value), value)
        return value

    def translate_text(self, text: str) -> str:
        """A's free text (an error message naming an id) with B's ids in it."""
        for (kind, a), b in self.forward.items():
            if kind == "str" and len(a) >= _MIN_EMBEDDED and a in text and isinstance(b, str):
                text = text.replace(a, b)
        return text

    # -- responses: A's answer against B's
    def compare(self, a: Any, b: Any, *, ignore: frozenset[str] = frozenset()) -> list[FieldDiff]:
        """Every field where B's body differs from A's; the ids first seen here become corresponding."""
        pending: dict[tuple[str, Any], Any] = {}
        diffs: list[FieldDiff] = []
        self._compare(a, b, "", "", ignore, pending, diffs)
        for a_key, b_value in pending.items():
            self.forward[a_key] = b_value
            self.backward[_key(b_value)] = a_key[1]
        return diffs

    def _compare(
        self, a: Any, b: Any, path: str, key: str, ignore: frozenset[str], pending: dict[Any, Any], out: list[FieldDiff]
    ) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for name in [*a, *(k for k in b if k not in a)]:
                if name in ignore:
                    continue
                where = f"{path}.{name}" if path else name
                if name not in a or name not in b:
                    out.append(FieldDiff(where, a.get(name, ABSENT), b.get(name, ABSENT), "present on one side only"))
                else:
                    self._compare(a[name], b[name], where, name, ignore, pending, out)
            return
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(FieldDiff(path or "(body)", len(a), len(b), "item counts differ"))
            for index, (x, y) in enumerate(zip(a, b, strict=False)):
                self._compare(x, y, f"{path}[{index}]", key, ignore, pending, out)
            return
        diff = self._scalar(a, b, key, pending)
        if diff is not None:
            out.append(FieldDiff(path or "(body)", a, b, diff))

    def _scalar(self, a: Any, b: Any, key: str, pending: dict[Any, Any]) -> str | None:
        """None when the values agree, else why they do not."""
        if _TIME_KEY.search(key) or (_is_instant(a) and _is_instant(b)):
            if a == b or (_is_instant(a) and _is_instant(b)):
                return None
            return "an instant on one side only" if (_is_instant(a) or _is_instant(b)) else "differs"
        is_id = bool(_ID_KEY.search(key)) or (isinstance(a, str) and bool(_UUID.match(a)))
        if is_id and a is not None and b is not None and not isinstance(a, (dict, list, bool)):
            return self._corresponds(a, b, pending)
        if isinstance(a, str) and isinstance(b, str):
            return None if self.translate_text(a) == b else "differs"
        return None if a == b and type(a) is type(b) else "differs"

    def _corresponds(self, a: Any, b: Any, pending: dict[Any, Any]) -> str | None:
        a_key, b_key = _key(a), _key(b)
        known = self.forward.get(a_key, pending.get(a_key, ABSENT))
        if known is not ABSENT:
            return None if _key(known) == b_key else f"A's {a!r} stood for B's {known!r} earlier"
        if b_key in self.backward or any(_key(v) == b_key for v in pending.values()):
            earlier = self.backward.get(b_key, "another id")
            return f"B's {b!r} stood for A's {earlier!r} earlier"
        pending[a_key] = b
        return None
