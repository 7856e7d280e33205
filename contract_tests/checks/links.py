"""Schemathesis' two stateful checks, applied by the link-following phase (``phases/links.py``): a created
resource is available, a deleted one is gone.
"""

from __future__ import annotations

from typing import Any

from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import ensure_resource_availability as st_ensure_resource_availability
from schemathesis.specs.openapi.checks import use_after_free as st_use_after_free

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.transport.client import Exchange

__all__ = ["STATEFUL_CHECKS"]

# A deleted workflow stays readable and runnable, and its instances too: `use_after_free` does not apply.
_STAYS_AVAILABLE = frozenset({"getWorkflow", "runWorkflow", "getInstance", "listInstances", "listTriggersOccurrences"})


def _stateful(name: str, st_check: Any, promise: str) -> None:
    def run(ex: Exchange, *, recorder: Any) -> None:
        if name == "use_after_free" and ex.operation.name in _STAYS_AVAILABLE:
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

STATEFUL_CHECKS = ("use_after_free", "ensure_resource_availability")
