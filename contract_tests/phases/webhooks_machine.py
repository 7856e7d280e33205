"""The webhooks' model phase: a Hypothesis `RuleBasedStateMachine` over configs of its own per sequence.

Rules create configs (own or generated secrets, mixed-case event types), update them (with and without a
secret), (de)activate them (twice on purpose: the second changes nothing), change secrets, delete them and
test-call them; every answer is predicted by the suite's model (`WebhooksActions`) and every write is
followed by the whole list, held to the model's fields and order. Runs are seeded (`run_seeded`). Failures
are recorded, never raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from contract_tests.phases.stateful import run_seeded
from contract_tests.phases.webhooks_actions import WebhooksActions

__all__ = ["run_webhooks_model"]

F = TypeVar("F", bound=Callable[..., Any])
EVENT_TYPES = ("ledger.committed_transactions", "LEDGER.Saved_Metadata", "orchestration.succeeded_workflow")
SECRETS = (None, "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3", "9Gb8S/p0WnDqnbo2pDm/lStn4tj28Jpv")


def guarded(step: F) -> F:
    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(self, *args, **kwargs)
        except (requests.ConnectionError, HypothesisException):
            raise
        except Exception as exc:
            self.a.api.results.error(f"webhooks model step {step.__name__} stopped: {exc!r}")
            return None

    return wrapper  # type: ignore[return-value]


def _types(mask: int) -> list[str]:
    return [t for i, t in enumerate(EVENT_TYPES) if mask & (1 << i)] or [EVENT_TYPES[0]]


def webhooks_machine_for(make_actions: Callable[[], WebhooksActions]) -> type[RuleBasedStateMachine]:
    class WebhooksMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.a = make_actions()

        def _live(self) -> list[str]:
            return [c for c in self.a.hooks if c in self.a.m.configs]

        def _pick(self, k: int) -> str:
            live = self._live()
            return live[k % len(live)]

        @initialize()
        @guarded
        def first(self) -> None:
            self.a.create([EVENT_TYPES[0]])

        @rule(mask=st.integers(1, 7), secret=st.sampled_from(SECRETS))
        @guarded
        def create(self, mask: int, secret: str | None) -> None:
            self.a.create(_types(mask), secret=secret)

        @precondition(lambda self: bool(self._live()))
        @rule(k=st.integers(0, 99), mask=st.integers(1, 7), secret=st.sampled_from(SECRETS))
        @guarded
        def update(self, k: int, mask: int, secret: str | None) -> None:
            self.a.update(self._pick(k), _types(mask), secret=secret)

        @precondition(lambda self: bool(self._live()))
        @rule(k=st.integers(0, 99), active=st.booleans())
        @guarded
        def set_active(self, k: int, active: bool) -> None:
            self.a.set_active(self._pick(k), active)

        @precondition(lambda self: bool(self._live()))
        @rule(k=st.integers(0, 99), secret=st.sampled_from(SECRETS))
        @guarded
        def change_secret(self, k: int, secret: str | None) -> None:
            self.a.change_secret(self._pick(k), secret)

        @precondition(lambda self: bool(self._live()))
        @rule(k=st.integers(0, 99))
        @guarded
        def test_call(self, k: int) -> None:
            self.a.test_call(self._pick(k))

        @precondition(lambda self: len(self._live()) > 1)
        @rule(k=st.integers(0, 99))
        @guarded
        def delete(self, k: int) -> None:
            self.a.delete(self._pick(k))

    return WebhooksMachine


def run_webhooks_model(make_actions: Callable[[], WebhooksActions], *, scenarios: int, steps: int, seed: int) -> None:
    """`scenarios` sequences of up to `steps` rules, each on configs of its own, seeded."""
    run_seeded(webhooks_machine_for(make_actions), scenarios=scenarios, steps=steps, seed=seed)
