"""The stateful phase: Schemathesis' state machine follows the spec's OpenAPI links (create a workflow, then
read, run, delete it; run, then read, signal, abort the instance; ...), with every answer checked, plus
Schemathesis' two stateful checks: a created resource is available, a deleted one is gone.
"""

from __future__ import annotations

from typing import Any

from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import ensure_resource_availability as st_ensure_resource_availability
from schemathesis.specs.openapi.checks import use_after_free as st_use_after_free

from contract_tests.client import Api, Exchange
from contract_tests.errors import Violation
from contract_tests.registry import check
from contract_tests.stateful import run_seeded

__all__ = ["run_links"]

# A deleted workflow stays readable and runnable, and its instances too: `use_after_free` does not apply.
_STAYS_AVAILABLE = frozenset({"getWorkflow", "runWorkflow", "getInstance", "listInstances", "listTriggersOccurrences"})


def _stateful(name: str, st_check: Any, promise: str) -> None:
    def run(ex: Exchange, *, recorder: Any) -> None:
        if name == "use_after_free" and ex.operation.operation_id in _STAYS_AVAILABLE:
            return
        try:
            ex.case.validate_response(ex.response, checks=[st_check], recorder=recorder)
        except FailureGroup as group:
            failure = group.exceptions[0]
            raise Violation(
                failure.title, expected=promise, actual=f"{failure.message.strip()}\n{ex.describe()}"
            ) from None

    run.__doc__ = f"Schemathesis' {name}: {promise}."
    check(kind="stateful", name=name)(run)


_stateful("use_after_free", st_use_after_free, "a deleted resource answers 404 afterwards")
_stateful("ensure_resource_availability", st_ensure_resource_availability, "a created resource can be read")


def run_links(api: Api, *, scenarios: int, steps: int, seed: int) -> None:
    """Run Schemathesis' link-following state machine through `api`, seeded."""
    base = api.spec.schema.as_state_machine()

    class Links(base):  # type: ignore[misc, valid-type]
        def call(self, case: Case, **kwargs: Any) -> Response:
            self._last = api.send(case)
            return self._last.response

        def validate_response(self, response: Response, case: Case, *args: Any, **kwargs: Any) -> None:
            for name in ("use_after_free", "ensure_resource_availability"):
                api.apply(name, self._last, recorder=self.recorder)

    run_seeded(Links, scenarios=scenarios, steps=steps, seed=seed)
