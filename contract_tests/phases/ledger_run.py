"""The ledger's phases, as the runner calls them (`--api ledger`).

Generated requests (conformance, the links state machine) name ledgers, transactions and buckets at random,
so nearly all of them would stop at 404 `LEDGER_NOT_FOUND`. `LedgerTargets` aims them instead: a positive
case's `ledger` becomes a ledger this run created and filled; its transaction `id` one of that ledger's
(not in the links state machine, where an id comes from the answer a link follows); its `bucket` a scratch
name no ledger lives in (so a generated delete never touches a bucket the run did not make). A case whose
path parameters are the negative part keeps them, or it would stop being invalid. Creating a ledger keeps
its generated name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case

from contract_tests.oracle.ledger_model import WORLD
from contract_tests.phases.checking import CheckedApi
from contract_tests.phases.ledger_actions import LedgerActions
from contract_tests.phases.ledger_invariants import LEDGER_SCENARIOS
from contract_tests.phases.ledger_machine import run_ledger_model
from contract_tests.phases.ledger_writes import LedgerNames

__all__ = ["LedgerTargets", "run_invariants", "run_model", "targets_for"]


@dataclass
class LedgerTargets:
    ledger: str
    scratch_bucket: str
    ids: list[int] = field(default_factory=list)

    def prepare(self, case: Case) -> None:
        """Aim a generated case at the run's ledger (see the module docstring)."""
        params = case.path_parameters
        if not params:
            return
        component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
        if component is not None and component.mode.is_negative:
            return
        if "ledger" in params and case.operation.definition.raw.get("operationId") != "v2CreateLedger":
            params["ledger"] = self.ledger
        if "bucket" in params:
            params["bucket"] = self.scratch_bucket
        # Conformance only: in the links state machine an id comes from the answer a link follows.
        linked = case.meta is not None and str(case.meta.phase.name) == "stateful"
        on_transaction = case.operation.path.startswith("/v2/{ledger}/transactions/")
        if self.ids and not linked and on_transaction and isinstance(params.get("id"), int):
            params["id"] = self.ids[params["id"] % len(self.ids)]


def targets_for(api: CheckedApi, names: LedgerNames) -> LedgerTargets | None:
    """A ledger for generated requests, with a few transactions and an account with metadata in it."""
    a = LedgerActions(api, names)
    m = a.new_ledger("c")
    if m is None:
        return None
    for n, destination in enumerate(("users:alice", "users:bob", "users:001"), start=1):
        a.create(m, [{"source": WORLD, "destination": destination, "amount": 100 * n, "asset": "USD/2"}])
    a.add_account_metadata(m, "users:alice", {"tier": "gold"})
    return LedgerTargets(m.name, names.fresh("scratch"), sorted(m.transactions))


def run_invariants(api: CheckedApi, names: LedgerNames, on_scenario: Callable[[str], None]) -> None:
    for scenario in LEDGER_SCENARIOS:
        try:
            scenario.run(LedgerActions(api, names))
        except requests.ConnectionError:
            raise
        except Exception as exc:
            api.results.error(f"ledger scenario {scenario.name} stopped: {exc!r}")
        on_scenario(scenario.name)


def run_model(api: CheckedApi, names: LedgerNames, *, scenarios: int, steps: int, seed: int) -> None:
    run_ledger_model(lambda: LedgerActions(api, names), scenarios=scenarios, steps=steps, seed=seed)
