"""The model phase: a Hypothesis `RuleBasedStateMachine` that drives the API with generated sequences and
compares every answer with the suite's own model (see `model` and `actions`).

Failures are recorded, never raised (raising would make Hypothesis replay sequences against a server
whose state has moved on): the sequence goes on, and every distinct finding is reported once. Without the
control API the rules that publish bus events or move the clock are disabled (and the report says so).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.stateful import Bundle, RuleBasedStateMachine, multiple, precondition, rule, run_state_machine_as_test

from contract_tests.generation.strategies import (
    bus_events,
    predictable_workflow_configs,
    trigger_cases,
    workflow_configs,
)
from contract_tests.oracle.model import InstanceModel, TriggerModel, WorkflowModel, World
from contract_tests.phases.actions import Actions

__all__ = ["fresh_world", "machine_for", "run_model"]

_EVENT_NAMES = st.sampled_from(("continue", "approved", "unrelated"))
F = TypeVar("F", bound=Callable[..., Any])


def guarded(step: F) -> F:
    """Record an unexpected exception of a step as a suite error instead of failing the Hypothesis run."""
    # Rules with a target must return something for the bundle; the others must return None.
    produces = step.__name__ in ("create_workflow", "create_any_workflow", "run", "create_trigger")

    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(self, *args, **kwargs)
        except (requests.ConnectionError, HypothesisException):
            raise  # a lost server stops the phase; Hypothesis' own signals are Hypothesis' business
        except Exception as exc:
            self.a.api.results.error(f"model step {step.__name__} stopped: {exc!r}")
            return multiple() if produces else None

    return wrapper  # type: ignore[return-value]


def machine_for(make_actions: Callable[[], Actions]) -> type[RuleBasedStateMachine]:
    """A state machine class bound to a way of building `Actions` (one fresh model per sequence)."""

    class ContractMachine(RuleBasedStateMachine):
        workflows = Bundle("workflows")
        instances = Bundle("instances")
        triggers = Bundle("triggers")

        def __init__(self) -> None:
            super().__init__()
            self.a = make_actions()

        @property
        def has_control(self) -> bool:
            return self.a.control is not None

        @rule(target=workflows, config=st.data())
        @guarded
        def create_workflow(self, config: st.DataObject) -> Any:
            strategy = predictable_workflow_configs(max_stages=3, delays=self.has_control)
            model = self.a.create_workflow(config.draw(strategy))
            return multiple() if model is None else model

        @rule(target=workflows, config=workflow_configs(max_stages=3))
        @guarded
        def create_any_workflow(self, config: dict[str, Any]) -> Any:
            model = self.a.create_workflow(config)
            return multiple() if model is None else model

        @rule(wf=workflows)
        @guarded
        def read_workflow(self, wf: WorkflowModel) -> None:
            self.a.read_workflow(wf)

        @rule(wf=workflows)
        @guarded
        def delete_workflow(self, wf: WorkflowModel) -> None:
            self.a.delete_workflow(wf)

        @rule()
        @guarded
        def list_workflows(self) -> None:
            self.a.list_workflows()

        @rule(target=instances, wf=workflows)
        @guarded
        def run(self, wf: WorkflowModel) -> Any:
            model = self.a.run(wf)
            return multiple() if model is None else model

        @rule(inst=instances)
        @guarded
        def read_instance(self, inst: InstanceModel) -> None:
            self.a.read_instance(inst)

        @rule(inst=instances)
        @guarded
        def history(self, inst: InstanceModel) -> None:
            self.a.history(inst)

        @rule(inst=instances, number=st.integers(0, 3))
        @guarded
        def stage_history(self, inst: InstanceModel, number: int) -> None:
            self.a.stage_history(inst, number)

        @rule(inst=instances, name=_EVENT_NAMES)
        @guarded
        def send_event(self, inst: InstanceModel, name: str) -> None:
            self.a.send_event(inst, name)

        @rule(inst=instances)
        @guarded
        def abort(self, inst: InstanceModel) -> None:
            self.a.abort(inst)

        @rule(wf=st.none() | workflows, running=st.sampled_from((None, True, False)))
        @guarded
        def list_instances(self, wf: WorkflowModel | None, running: bool | None) -> None:
            self.a.list_instances(workflow=wf, running=running)

        @rule(target=triggers, wf=workflows, data=st.data())
        @guarded
        def create_trigger(self, wf: WorkflowModel, data: st.DataObject) -> Any:
            definition, condition = data.draw(trigger_cases(workflow_id=wf.id))
            model = self.a.create_trigger(definition, condition)
            return multiple() if model is None else model

        @rule(trigger=triggers)
        @guarded
        def read_trigger(self, trigger: TriggerModel) -> None:
            self.a.read_trigger(trigger)

        @rule(trigger=triggers)
        @guarded
        def delete_trigger(self, trigger: TriggerModel) -> None:
            self.a.delete_trigger(trigger)

        @rule(trigger=triggers)
        @guarded
        def occurrences(self, trigger: TriggerModel) -> None:
            self.a.occurrences(trigger)

        @rule(name=st.sampled_from(("payin", "REFUNDS", "fee", "")))
        @guarded
        def list_triggers(self, name: str) -> None:
            self.a.list_triggers(name or None)

        @precondition(lambda self: self.has_control)
        @rule(event=bus_events())
        @guarded
        def publish(self, event: dict[str, Any]) -> None:
            self.a.publish(event)

        @precondition(lambda self: self.has_control)
        @rule(seconds=st.sampled_from((1, 5, 60)))
        @guarded
        def advance_clock(self, seconds: int) -> None:
            self.a.advance_clock(seconds)

    return ContractMachine


def run_model(make_actions: Callable[[], Actions], *, scenarios: int, steps: int, seed: int) -> None:
    """Run the model state machine: `scenarios` sequences of up to `steps` rules, seeded."""
    run_seeded(machine_for(make_actions), scenarios=scenarios, steps=steps, seed=seed)


def run_seeded(machine: type[RuleBasedStateMachine], *, scenarios: int, steps: int, seed: int) -> None:
    """Run any state machine quietly and reproducibly: generation only, no example database."""

    def factory() -> RuleBasedStateMachine:
        return machine()

    hypothesis_seed(seed)(factory)
    run_state_machine_as_test(
        factory,
        settings=settings(
            max_examples=scenarios,
            stateful_step_count=steps,
            phases=[Phase.generate],
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
            verbosity=Verbosity.quiet,
        ),
    )


def fresh_world(shared: World) -> World:
    """A new model for one sequence that still remembers every id the run has seen."""
    return World(seen_ids=shared.seen_ids)
