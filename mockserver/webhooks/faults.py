"""Delivery fault rules: the ways a real delivery path misbehaves, on purpose and on demand.

Set through ``POST /_mock/webhooks/faults`` like the API's fault rules (``state/faults.py``), and
kept like them (``core/rulebook.py``): a rule matches deliveries by ``configId`` and/or
``eventType`` (the matched type, e.g. ``ledger.committed_transactions``), fires on the first live
match that wins its ``probability`` draw (seeded by ``--seed``), and expires after ``times``
firings. Its effects, which combine:

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

from dataclasses import dataclass
from typing import Any

from mockserver.core.rulebook import Rule, RuleBook, integer
from mockserver.errors import ValidationError

_FIELDS = {"configId", "eventType", "drop", "duplicate", "delayMs", "reorder", "badSignature", "times", "probability"}
_EFFECTS = ("drop", "duplicate", "delayMs", "reorder", "badSignature")
MAX_DELAY_MS = 60_000
REORDER_WAIT = 2.0


@dataclass(slots=True)
class DeliveryFault(Rule):
    config_id: str | None = None
    event_type: str | None = None
    drop: bool = False
    duplicate: bool = False
    delay_ms: int = 0
    reorder: bool = False
    bad_signature: bool = False

    def kinds(self) -> list[str]:
        """The effects of this rule, by their field names (what the attempts view shows)."""
        return [name for name in _EFFECTS if self.source.get(name)]


class DeliveryFaults(RuleBook[DeliveryFault]):
    def __init__(self, seed: int | None) -> None:
        super().__init__(seed, _parse, "webhook-fault", "delivery fault rule", "/_mock/webhooks/faults")

    def pick(self, config_id: str, event_type: str) -> DeliveryFault | None:
        """The rule that fires for this attempt, counted; None when none does."""
        return self.fire(lambda rule: rule.config_id in (None, config_id) and rule.event_type in (None, event_type))


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
    rule.delay_ms = integer(body, "delayMs", 0, MAX_DELAY_MS) or 0
    rule.times = integer(body, "times", 1, 1_000_000_000)
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
