"""Fault rules: answers the mock gives on purpose (an error, a slow answer, a dropped connection).

A rule matches a request by any of ``operationId``, ``method`` and ``path`` (a regex searched in
the path); the first live rule that matches and wins its ``probability`` draw fires. ``times``
makes a rule expire after that many firings. Draws come from one generator seeded by ``--seed``
(``core/rulebook.py`` keeps the rules and draws), so a seeded run fires the same rules on the same
requests (and sends the same garbage). A rule
with a ``status`` or a connection fault (``drop``, ``empty``, ``reset``, ``garbage``: see
``http/connection.py``) answers before any handler runs (the state does not change); one with
only ``delayMs`` delays the real answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mockserver.core.rulebook import Rule, RuleBook, integer
from mockserver.errors import ValidationError

CONNECTION_FAULTS = ("drop", "empty", "reset", "garbage")
_FIELDS = {"operationId", "method", "path", "status", "delayMs", *CONNECTION_FAULTS, "times", "probability"}
_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}
MAX_DELAY_MS = 60_000


@dataclass(slots=True)
class FaultRule(Rule):
    operation_id: str | None = None
    method: str | None = None
    path: re.Pattern[str] | None = None
    status: int | None = None
    delay_ms: int = 0
    connection: str | None = None  # one of CONNECTION_FAULTS: no answer at all

    @property
    def answers(self) -> bool:
        """True when it replaces the answer (no handler runs), False when it only delays it."""
        return self.connection is not None or self.status is not None

    def matches(self, operation_id: str | None, method: str, path: str) -> bool:
        return (
            (self.operation_id is None or self.operation_id == operation_id)
            and (self.method is None or self.method == method)
            and (self.path is None or self.path.search(path) is not None)
        )


class FaultRules(RuleBook[FaultRule]):
    def __init__(self, seed: int | None) -> None:
        super().__init__(seed, _parse, "fault", "fault rule", "/_mock/faults")

    def garbage(self) -> bytes:
        """Random bytes for a ``garbage`` fault (64 to 1024, seeded), never an HTTP status line."""
        data = bytearray(self._draws.randbytes(self._draws.randint(64, 1024)))
        if data.startswith(b"HTTP/"):
            data[0] ^= 0x80
        return bytes(data)

    def pick(self, operation_id: str | None, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, counted; None when none does."""
        return self.fire(lambda rule: rule.matches(operation_id, method, path))


def _parse(body: Any, rule_id: str) -> FaultRule:
    if not isinstance(body, dict):
        raise ValidationError("a fault rule is a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ValidationError(f"unknown fault rule field(s) {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}")
    rule = FaultRule(id=rule_id, source=dict(body))
    rule.operation_id = _optional(body, "operationId", str)
    method = _optional(body, "method", str)
    if method is not None and method.upper() not in _METHODS:
        raise ValidationError(f"method must be one of {', '.join(sorted(_METHODS))}")
    rule.method = method.upper() if method else None
    path = _optional(body, "path", str)
    if path is not None:
        try:
            rule.path = re.compile(path)
        except re.error as exc:
            raise ValidationError(f"path is not a valid regular expression: {exc}") from None
    rule.status = integer(body, "status", 100, 599)
    rule.delay_ms = integer(body, "delayMs", 0, MAX_DELAY_MS) or 0
    chosen = [kind for kind in CONNECTION_FAULTS if _optional(body, kind, bool)]
    if len(chosen) > 1:
        raise ValidationError(f"a rule breaks the connection one way only, not {' and '.join(chosen)}")
    rule.connection = chosen[0] if chosen else None
    rule.times = integer(body, "times", 1, 1_000_000_000)
    probability = _optional(body, "probability", (int, float))
    if probability is not None and (isinstance(probability, bool) or not 0.0 < probability <= 1.0):
        raise ValidationError("probability must be a number in (0, 1]")
    rule.probability = float(probability) if probability is not None else 1.0
    if rule.connection is not None and rule.status is not None:
        raise ValidationError(f"a rule either breaks the connection ({rule.connection}) or answers a status, not both")
    if not (rule.connection or rule.status is not None or rule.delay_ms):
        raise ValidationError("a rule needs at least one of status, delayMs or drop (or empty, reset, garbage)")
    return rule


def _optional(body: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or (kind is str and not value)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ValidationError(f"{name} must be a non-empty {names}" if kind is str else f"{name} must be a {names}")
    return value
