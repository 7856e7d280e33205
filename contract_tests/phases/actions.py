"""The suite's vocabulary over the API: create, run, read, signal... each step checked against the model.

Shared by the invariants phase (fixed scenarios) and the model state machine (generated sequences). Every
method sends requests through `CheckedApi` (so response checks run too) and applies the model checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from contract_tests.oracle.model import InstanceModel, WorkflowModel, World
from contract_tests.oracle.progress import history_never_matches, instance_never_matches, instance_shows
from contract_tests.oracle.resolution import interpolate
from contract_tests.phases.actions_triggers import TriggerActions
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange, poll
from contract_tests.transport.control import Control
from contract_tests.transport.ledgers import Ledgers

__all__ = ["Actions"]

T = TypeVar("T")


class Actions(TriggerActions):
    def __init__(
        self, api: CheckedApi, control: Control | None, world: World | None = None, ledgers: Ledgers | None = None
    ) -> None:
        self.api = api
        self.control = control
        self.ledgers = ledgers
        self.world = world or World()
        self.timeout = api.config.poll_timeout
        self.interval = api.config.poll_interval
        # Names and bus-event ids unique to this run: a server may keep state from earlier runs, and the real
        # service drops a SAVED_PAYMENT whose id it has seen before.
        self.nonce = uuid.uuid4().hex[:10]

    def ensure_ledger(self, name: str, scenario: str) -> bool:
        """Create the ledger a run books on; False (and the scenario skipped) when the stack's ledger API is
        not known or refuses: a send to a ledger nobody created retries forever on the real stack."""
        if self.ledgers is not None and self.ledgers.ensure(name):
            return True
        self.api.results.skip(scenario, f"no ledger API to create ledger {name!r} for its runs")
        return False

    def poll(self, read: Callable[[], T], done: Callable[[T], bool], hopeless: Callable[[T], bool], **kw: Any) -> T:
        """Re-read until `done`, until `hopeless` proves it never will be, or the timeout; within the phase's
        poll budget (`CheckedApi.poll_budget`)."""
        timeout = kw.get("timeout", self.timeout)
        return poll(read, done, hopeless=hopeless, timeout=timeout, interval=self.interval, budget=self.api.poll_budget)

    def _accepted(self, ex: Exchange, why: str) -> bool:
        return self.api.apply("valid_request_accepted", ex, expected=ex.operation.success, why=why)

    def _fresh(self, ex: Exchange) -> str | None:
        if not self.api.apply("ids_fresh", ex, seen=self.world.seen_ids):
            return None
        new_id = str(ex.data["id"])
        self.world.seen_ids.add(new_id)
        return new_id

    # ---------------------------------------------------------------- workflows
    def create_workflow(self, config: dict[str, Any]) -> WorkflowModel | None:
        ex = self.api.call("createWorkflow", body=config)
        if not self._accepted(ex, "create a valid workflow") or not isinstance(ex.data, dict):
            return None
        stored = {"name": "", **config}  # `name` is always present, "" when omitted
        self.api.apply("read_matches_created", ex, created={"config": stored}, fields=("config",))
        new_id = self._fresh(ex)
        if new_id is None:
            return None
        model = WorkflowModel(id=new_id, config=config, created=ex.data)
        self.world.workflows[new_id] = model
        return model

    def read_workflow(self, model: WorkflowModel) -> Exchange:
        ex = self.api.call("getWorkflow", path={"flowId": model.id})
        if model.deleted:
            self.api.apply("deleted_workflow_consistent", ex, allowed=(200, 404))
        elif self.api.apply("valid_request_accepted", ex, expected=200, why="read a workflow"):
            self.api.apply("read_matches_created", ex, created=model.created, fields=("id", "config", "createdAt"))
        return ex

    def delete_workflow(self, model: WorkflowModel) -> None:
        ex = self.api.call("deleteWorkflow", path={"flowId": model.id})
        if model.deleted:
            self.api.apply("deleted_workflow_consistent", ex, allowed=(204, 404))
        elif self._accepted(ex, "delete a workflow"):
            model.deleted = True

    def list_workflows(self) -> None:
        ex = self.api.list_all("listWorkflows")
        if self.api.apply("valid_request_accepted", ex, expected=200, why="list workflows"):
            live = {w.id for w in self.world.workflows.values() if not w.deleted}
            self.api.apply("list_contains_created", ex, present=live)
            reads = {i: self.world.workflows[i].created for i in live}
            self.api.apply("list_matches_read", ex, reads=reads, fields=("id", "config", "createdAt"))
            self.api.apply("list_excludes_deleted", ex, absent=set(self.world.workflows) - live)

    # ---------------------------------------------------------------- instances
    def run(self, workflow: WorkflowModel, variables: dict[str, str] | None = None) -> InstanceModel | None:
        ex = self.api.call("runWorkflow", path={"workflowID": workflow.id}, body=variables or {})
        if workflow.deleted:
            if not self.api.apply("deleted_workflow_consistent", ex, allowed=(201, 404)) or ex.status == 404:
                return None
        elif not self._accepted(ex, "run a workflow"):
            return None
        if not isinstance(ex.data, dict):
            return None
        self.api.apply("read_matches_created", ex, created={"workflowID": workflow.id}, fields=("workflowID",))
        new_id = self._fresh(ex)
        if new_id is None:
            return None
        # The model follows the stages as the run resolves them: a `${name}` event waits for that variable's value.
        stages = interpolate(list(workflow.config.get("stages") or []), variables or {})
        model = InstanceModel(id=new_id, workflow_id=workflow.id, stages=stages)
        self.world.instances[new_id] = model
        workflow.instances.append(new_id)
        return model

    def read_instance(self, model: InstanceModel) -> Exchange:
        """Read until the instance shows what the model predicts (or the poll times out), then judge it."""
        expected = model.prediction
        ex = self.poll(
            lambda: self.api.call("getInstance", path={"instanceID": model.id}),
            lambda e: e.status == 200 and instance_shows(e.data, expected),
            lambda e: e.status != 200 or instance_never_matches(e.data, expected),
        )
        if self.api.apply("valid_request_accepted", ex, expected=200, why="read an instance"):
            self.api.apply("instance_progress", ex, prediction=model.prediction)
        return ex

    def history(self, model: InstanceModel) -> None:
        names = model.history_names
        final = self._history_is_final(model)
        ex = self.poll(
            lambda: self.api.call("getInstanceHistory", path={"instanceID": model.id}),
            lambda e: names is None or (isinstance(e.data, list) and len(e.data) == len(names)),
            lambda e: e.status != 200 or history_never_matches(e.data, names) or final(),
        )
        if self.api.apply("valid_request_accepted", ex, expected=200, why="read an instance history") and names:
            running = model.prediction.terminated is False
            self.api.apply("history_matches_stages", ex, names=names, running_last=running)

    def _history_is_final(self, model: InstanceModel) -> Callable[[], bool]:
        """For a history poll that has not got its entries yet: whether the last history read came after a read
        of the instance as terminated. A terminated instance's history never grows, so waiting longer is futile.
        The first time it is asked, it reads the instance (so one more history read follows that read)."""
        seen_terminated = False

        def final() -> bool:
            nonlocal seen_terminated
            if seen_terminated:
                return True
            if model.prediction.terminated is True:
                ex = self.api.call("getInstance", path={"instanceID": model.id})
                seen_terminated = ex.status == 200 and isinstance(ex.data, dict) and ex.data.get("terminated") is True
            return False

        return final

    def stage_history(self, model: InstanceModel, number: int) -> None:
        ex = self.api.call("getInstanceStageHistory", path={"instanceID": model.id, "number": number})
        started = model.prediction.started
        if started is None:
            return
        if number >= started:
            self.api.apply("unknown_resource_not_found", ex, expected=404, why="history of a stage not started")
        elif self.api.apply("valid_request_accepted", ex, expected=200, why="read a stage history"):
            kind = next(iter(model.stages[number]))
            if kind in ("delay", "wait_event", "noop"):
                self.api.apply("stage_history_matches", ex, activities=[])

    def send_event(self, model: InstanceModel, name: str) -> None:
        prediction = model.prediction
        if prediction.waiting_for is not None:
            # The real service drops events that arrive before the stage starts: wait for it to be visible.
            self.read_instance(model)
        expected = model.send_event(name)
        ex = self.api.call("sendEvent", path={"instanceID": model.id}, body={"name": name})
        if expected == 400:
            self.api.apply("event_to_finished_rejected", ex, expected=400, why="event for a terminated instance")
        elif expected == 204:
            waiting = prediction.waiting_for is not None
            why = "deliver an event to a waiting instance" if waiting else "an event a running stage drops"
            self._accepted(ex, why)

    def abort(self, model: InstanceModel) -> None:
        model.abort()
        ex = self.api.call("cancelEvent", path={"instanceID": model.id})
        self._accepted(ex, "abort an instance")

    def list_instances(self, *, workflow: WorkflowModel | None = None, running: bool | None = None) -> None:
        query: dict[str, Any] = {}
        if workflow is not None:
            query["workflowID"] = workflow.id
        if running is not None:
            query["running"] = running
        ex = self.api.list_all("listInstances", query=query)
        if not self.api.apply("valid_request_accepted", ex, expected=200, why="list instances"):
            return
        wanted = {
            i
            for i in self.world.live_instances()
            if workflow is None or self.world.instances[i].workflow_id == workflow.id
        }
        if running:
            wanted = {i for i in wanted if self.world.instances[i].prediction.terminated is False}
            self.api.apply(
                "running_filter_applied", ex, keep=lambda item: item.get("terminated") is False, rule="running only"
            )
        if workflow is not None:
            wid = workflow.id
            self.api.apply(
                "workflow_filter_applied", ex, keep=lambda item: item.get("workflowID") == wid, rule=f"workflowID={wid}"
            )
        self.api.apply("list_contains_created", ex, present=wanted)
        self.api.apply("list_excludes_deleted", ex, absent=self.world.hidden_instances())

    def advance_clock(self, seconds: float) -> None:
        if self.control is None:
            return
        self.control.advance(seconds)
        before = {i: m.prediction for i, m in self.world.instances.items()}
        for model in self.world.instances.values():
            model.advance(seconds)
        # Every run may have moved on the clock but those the model follows and knows did not (a trigger's runs
        # are not the model's): their views are re-read.
        unmoved = {i for i, m in self.world.instances.items() if not m.unknown and m.prediction == before[i]}
        self.api.views.changed("instance", unmoved=unmoved)
