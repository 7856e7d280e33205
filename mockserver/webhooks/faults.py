"""Delivery fault rules: the ways a real delivery path misbehaves, on purpose and on demand.

Set through ``POST /_mock/webhooks/faults`` like the API's fault rules (``state/faults.py``): a
rule matches deliveries by ``configId`` and/or ``eventType`` (the matched type, e.g.
``ledger.committed_transactions``), fires on the first live match that wins its ``probability``
draw (seeded by ``--seed``), and expires after ``times`` firings. Its effects, which combine:

- ``drop``: the attempt is never sent; it counts as a transport failure (status 0), so the
  release's backoff retries it;
- ``duplicate``: the same request (same id, timestamp and signature) is sent twice;
- ``delayMs``: the request leaves that many milliseconds late;
- ``reorder``: the next delivery to the same config overtakes this one (it waits up to
  ``REORDER_WAIT`` seconds for one to come, then goes anyway);
- ``badSignature``: the signature header is one no receiver accepts.

A rule applies to each attempt it matches, retries included, never to ``testConfig``'s call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from mockserver.errors import NotFound, ValidationError

_FIELDS = {"configId", "eventType", "drop", "duplicate", "delayMs", "reorder", "badSignature", "times", "probability"}
_EFFECTS = ("drop", "duplicate", "delayMs", "reorder", "badSignature")
MAX_DELAY_MS = 60_000
MAX_RULES = 1_000
REORDER_WAIT = 2.0


@dataclass(slots=True)
class DeliveryFault:
    id: str
    config_id: str | None = None
    event_type: str | None = None
    drop: bool = False
    duplicate: bool = False
    delay_ms: int = 0
    reorder: bool = False
    bad_signature: bool = False
    times: int | None = None
    probability: float = 1.0
    fired: int = 0
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def kinds(self) -> list[str]:
        """The effects of this rule, by their field names (what the attempts view shows)."""
        return [name for name in _EFFECTS if self.source.get(name)]

    def view(self) -> dict[str, Any]:
        return {"id": self.id, **self.source, "fired": self.fired, "expired": self.expired}


class DeliveryFaults:
    def __init__(self, seed: int | None) -> None:
        self._seed = seed
        self.clear()

    def clear(self) -> None:
        """No rule, ids from 1, the seeded draws from their start (``POST /_mock/reset``)."""
        self._rules: dict[str, DeliveryFault] = {}
        self._draws = random.Random(self._seed)
        self._next_id = 1

    def remove_all(self) -> None:
        self._rules.clear()

    def add(self, body: Any) -> DeliveryFault:
        rule = _parse(body, f"webhook-fault-{self._next_id}")
        if len(self._rules) >= MAX_RULES:
            raise ValidationError(f"at most {MAX_RULES} delivery fault rules; DELETE /_mock/webhooks/faults first")
        self._next_id += 1
        self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> None:
        if self._rules.pop(rule_id, None) is None:
            raise NotFound(f"no delivery fault rule {rule_id}")

    def list(self) -> list[DeliveryFault]:
        return list(self._rules.values())

    def pick(self, config_id: str, event_type: str) -> DeliveryFault | None:
        """The rule that fires for this attempt, counted; None when none does."""
        for rule in self._rules.values():
            if rule.expired:
                continue
            if rule.config_id not in (None, config_id) or rule.event_type not in (None, event_type):
                continue
            if rule.probability < 1.0 and self._draws.random() >= rule.probability:
                continue
            rule.fired += 1
            return rule
        return None


def _parse(body: Any, rule_id: str) -> DeliveryFault:
    if not isinstance(body, dict):
        raise ValidationError("a delivery fault rule is a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        known = ", ".join(sorted(_FIELDS))
        raise ValidationError(f"unknown delivery fault field(s) {', '.join(unknown)}; known: {known}")
    rule = DeliveryFault(id=rule_id, source=dict(body))
    for name in ("configId", "eventType"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise ValidationError(f"{name} must be a non-empty string")
    rule.config_id, rule.event_type = body.get("configId"), body.get("eventType")
    for name in ("drop", "duplicate", "reorder", "badSignature"):
        if body.get(name) is not None and not isinstance(body[name], bool):
            raise ValidationError(f"{name} must be a boolean")
    rule.drop, rule.duplicate = bool(body.get("drop")), bool(body.get("duplicate"))
    rule.reorder, rule.bad_signature = bool(body.get("reorder")), bool(body.get("badSignature"))
    rule.delay_ms = _integer(body, "delayMs", 0, MAX_DELAY_MS) or 0
    rule.times = _integer(body, "times", 1, 1_000_000_000)
    probability = body.get("probability")
    if probability is not None and (
        isinstance(probability, bool) or not isinstance(probability, int | float) or not 0.0 < probability <= 1.0
    ):
        raise ValidationError("probability must be a number in (0, 1]")
    rule.probability = float(probability) if probability is not None else 1.0
    if not rule.kinds():
        raise ValidationError("a rule needs at least one of drop, duplicate, delayMs, reorder or badSignature")
    if rule.drop and (rule.duplicate or rule.reorder or rule.bad_signature):
        raise ValidationError("a dropped attempt is never sent: drop excludes duplicate, reorder and badSignature")
    return rule


def _integer(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"{name} must be an integer from {low} to {high}")
    return value
