"""A seeded rule book: the bookkeeping the API's fault rules and the webhooks' delivery fault rules share.

Rules are numbered ``<prefix>-1``, ``<prefix>-2``... in the order they are added (an id is never
reused until ``clear``), kept in that order, and at most ``MAX_RULES`` at once. ``fire`` gives the
first live rule that matches and wins its ``probability`` draw, and counts it; a rule expires after
``times`` firings. Draws come from one generator seeded by ``--seed`` and are made only for a
matching live rule whose probability is below 1, so a seeded run fires the same rules in the same
order. What a rule matches, what it does and how it is parsed belong to its owner; ``integer`` reads
the bounded integer fields (``times``, ``delayMs``...) both kinds of rules have, with the same 400.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from mockserver.errors import NotFound, ValidationError

MAX_RULES = 1_000


@dataclass(slots=True)
class Rule:
    id: str
    times: int | None = None
    probability: float = 1.0
    fired: int = 0
    source: dict[str, Any] = field(default_factory=dict)  # the JSON it was made from, as sent

    @property
    def expired(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def view(self) -> dict[str, Any]:
        return {"id": self.id, **self.source, "fired": self.fired, "expired": self.expired}


R = TypeVar("R", bound=Rule)


@dataclass(eq=False)
class RuleBook(Generic[R]):
    """Rules made by ``parse(body, id)``, ids ``<prefix>-N``; ``noun`` and ``route`` name them in the errors."""

    seed: int | None
    parse: Callable[[Any, str], R]
    prefix: str
    noun: str
    route: str

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """As at start: no rule, ids from 1, the seeded draws from their start (``POST /_mock/reset``)."""
        self._rules: dict[str, R] = {}
        self._draws = random.Random(self.seed)
        self._next_id = 1

    def remove_all(self) -> None:
        """Every rule goes; ids keep counting, so an old id never names a new rule."""
        self._rules.clear()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, body: Any) -> R:
        """A rule from the control API's JSON; every mistake is a 400 that says what is wrong."""
        rule = self.parse(body, f"{self.prefix}-{self._next_id}")
        if len(self._rules) >= MAX_RULES:
            raise ValidationError(f"at most {MAX_RULES} {self.noun}s; DELETE {self.route} first")
        self._next_id += 1
        self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> None:
        if self._rules.pop(rule_id, None) is None:
            raise NotFound(f"no {self.noun} {rule_id}")

    def list(self) -> list[R]:
        return list(self._rules.values())

    def fire(self, matches: Callable[[R], bool]) -> R | None:
        """The first live rule that ``matches`` and wins its draw, counted; None when none does."""
        for rule in self._rules.values():
            if rule.expired or not matches(rule):
                continue
            if rule.probability < 1.0 and self._draws.random() >= rule.probability:
                continue
            rule.fired += 1
            return rule
        return None


def integer(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    """A rule field's integer (``times``, ``delayMs``...): None when absent, else from ``low`` to ``high``, or a 400."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"{name} must be an integer from {low} to {high}")
    return value
