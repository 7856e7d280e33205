"""The stateful phase: Schemathesis' state machine follows the spec's OpenAPI links (create a workflow, then
read, run, delete it; run, then read, signal, abort the instance; ...), with every answer checked, plus
Schemathesis' two stateful checks (``checks/links.py``).
"""

from __future__ import annotations

from typing import Any

from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contract_tests.checks.links import STATEFUL_CHECKS
from contract_tests.phases.checking import CheckedApi
from contract_tests.phases.stateful import run_seeded

__all__ = ["run_links"]


def run_links(api: CheckedApi, *, scenarios: int, steps: int, seed: int) -> None:
    """Run Schemathesis' link-following state machine through `api`, seeded."""
    base = api.spec.schema.as_state_machine()

    class Links(base):  # type: ignore[misc, valid-type]
        def call(self, case: Case, **kwargs: Any) -> Response:
            self._last = api.send(case)
            return self._last.response

        def validate_response(self, response: Response, case: Case, *args: Any, **kwargs: Any) -> None:
            for name in STATEFUL_CHECKS:
                api.apply(name, self._last, recorder=self.recorder)

    run_seeded(Links, scenarios=scenarios, steps=steps, seed=seed)
