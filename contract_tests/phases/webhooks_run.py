"""The webhooks' phases, as the runner calls them (`--api webhooks`).

A run starts one receiver (`transport/receiver.py`) on 127.0.0.1 for its whole length; every config the
suite registers points at a path of it. Generated requests (conformance, the links state machine) name
config ids at random, so nearly all of them would stop at 404: `ConfigTarget` aims a positive case's `id` at
a config this run made instead (pointing at the receiver, so its test calls are harmless). The control API
(the mock's `/_mock`), when the run has one, publishes the events the delivery scenarios need; without it
they are skipped, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case

from contract_tests.oracle.webhooks_model import WebhooksModel
from contract_tests.phases.checking import CheckedApi
from contract_tests.phases.webhooks_actions import WebhooksActions
from contract_tests.phases.webhooks_invariants import WEBHOOKS_SCENARIOS
from contract_tests.phases.webhooks_machine import run_webhooks_model
from contract_tests.transport.control import Control
from contract_tests.transport.receiver import Receiver

__all__ = ["ConfigTarget", "WebhooksSession", "run_invariants", "run_model", "targets_for"]


@dataclass
class WebhooksSession:
    """What a webhooks run holds for its length: the receiver, and the control API when there is one."""

    control: Control | None
    receiver: Receiver = field(default_factory=Receiver)
    found: frozenset[str] | None = None  # the configs the implementation held before the run

    def actions(self, api: CheckedApi) -> WebhooksActions:
        return WebhooksActions(api, self.receiver, self.control, WebhooksModel())

    def note_found(self, api: CheckedApi) -> None:
        """Remember the configs held before the run: `tidy` keeps those."""
        self.found = _config_ids(api)

    def tidy(self, api: CheckedApi) -> None:
        """Delete every config the run made (its scenarios' and the generated cases'): an active config left
        behind is sent every later event of the stack, so a run would slow the implementation's deliveries
        for whatever comes next (a stack run's own webhook checks included)."""
        if self.found is None:
            return
        for config_id in sorted(_config_ids(api) - self.found):
            api.call("deleteConfig", path={"id": config_id})

    def close(self) -> None:
        self.receiver.close()


def _config_ids(api: CheckedApi) -> frozenset[str]:
    ex = api.call("getManyConfigs")
    items = ex.data if ex.status == 200 and isinstance(ex.data, list) else []
    return frozenset(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)


@dataclass
class ConfigTarget:
    config: str

    def prepare(self, case: Case) -> None:
        """Aim a positive generated case's `id` at the run's config; a negative one keeps its own."""
        params = case.path_parameters
        # A generated delete keeps its random id: aimed, it would delete the target of every later case.
        if not params or "id" not in params or case.method.upper() == "DELETE":
            return
        component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
        if component is not None and component.mode.is_negative:
            return
        params["id"] = self.config


def targets_for(api: CheckedApi, session: WebhooksSession) -> ConfigTarget | None:
    config_id = session.actions(api).create(["ledger.committed_transactions"])
    return ConfigTarget(config_id) if config_id is not None else None


def run_invariants(api: CheckedApi, session: WebhooksSession, on_scenario: Callable[[str], None]) -> None:
    for scenario in WEBHOOKS_SCENARIOS:
        if scenario.needs_control and session.control is None:
            api.results.skip(scenario.name, "needs the control API (/_mock/events) to publish an event")
            continue
        try:
            scenario.run(session.actions(api))
        except requests.ConnectionError:
            raise
        except Exception as exc:
            api.results.error(f"webhooks scenario {scenario.name} stopped: {exc!r}")
        on_scenario(scenario.name)


def run_model(api: CheckedApi, session: WebhooksSession, *, scenarios: int, steps: int, seed: int) -> None:
    run_webhooks_model(lambda: session.actions(api), scenarios=scenarios, steps=steps, seed=seed)
