"""The in-memory store: records plus the indexes that keep reads O(1) and lists O(result).

The store holds no rules: which resource is visible, what a missing id means and how
an instance progresses are decided by the domain modules and the engine. It is not
thread-safe on purpose: every handler runs on the server's single event loop.

Each list also has an ``OrderedView`` in creation order (``views.py``), which the v2 cursor
pages seek into; the dicts stay the one truth of who is live, running or stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.orchestration.domain.model import Instance, Occurrence, Trigger, Workflow
from mockserver.orchestration.domain.views import OrderedView


class Store:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.workflows: dict[str, Workflow] = {}
        self.live_workflows: dict[str, Workflow] = {}
        self.instances: dict[str, Instance] = {}
        self.instances_by_workflow: dict[str, dict[str, Instance]] = {}
        self.running: dict[str, Instance] = {}
        self.triggers: dict[str, Trigger] = {}
        self.live_triggers: dict[str, Trigger] = {}
        self.occurrences_by_trigger: dict[str, list[Occurrence]] = {}
        self._seq = 0
        self.workflow_order: OrderedView[Workflow] = OrderedView(self.live_workflows)
        self.instance_order: OrderedView[Instance] = OrderedView()
        self.running_order: OrderedView[Instance] = OrderedView(self.running)
        self.instance_order_by_workflow: dict[str, OrderedView[Instance]] = {}
        self.trigger_order: OrderedView[Trigger] = OrderedView(self.live_triggers)
        self.occurrence_order_by_trigger: dict[str, OrderedView[Occurrence]] = {}

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # workflows
    def add_workflow(self, workflow: Workflow) -> None:
        workflow.seq = self._next_seq()
        self.workflows[workflow.id] = workflow
        if workflow.deleted_at is None:
            self.live_workflows[workflow.id] = workflow
            self.workflow_order.append(workflow)

    def soft_delete_workflow(self, workflow: Workflow) -> None:
        self.live_workflows.pop(workflow.id, None)

    # instances
    def add_instance(self, instance: Instance) -> None:
        instance.seq = self._next_seq()
        self.instances[instance.id] = instance
        self.instance_order.append(instance)
        self.instances_by_workflow.setdefault(instance.workflow_id, {})[instance.id] = instance
        self.instance_order_by_workflow.setdefault(instance.workflow_id, OrderedView()).append(instance)
        if not instance.terminated:
            self.running[instance.id] = instance
            self.running_order.append(instance)

    def instance_terminated(self, instance: Instance) -> None:
        """Called by the engine once an instance reaches its final state."""
        self.running.pop(instance.id, None)

    def instances_of(self, workflow_id: str) -> Iterable[Instance]:
        return self.instances_by_workflow.get(workflow_id, {}).values()

    # triggers
    def add_trigger(self, trigger: Trigger) -> None:
        trigger.seq = self._next_seq()
        self.triggers[trigger.id] = trigger
        if trigger.deleted_at is None:
            self.live_triggers[trigger.id] = trigger
            self.trigger_order.append(trigger)

    def soft_delete_trigger(self, trigger: Trigger) -> None:
        self.live_triggers.pop(trigger.id, None)

    def add_occurrence(self, occurrence: Occurrence) -> None:
        occurrence.seq = self._next_seq()
        self.occurrences_by_trigger.setdefault(occurrence.trigger_id, []).append(occurrence)
        self.occurrence_order_by_trigger.setdefault(occurrence.trigger_id, OrderedView()).append(occurrence)

    def counts(self) -> dict[str, int]:
        return {
            "workflows": len(self.live_workflows),
            "instances": len(self.instances),
            "triggers": len(self.live_triggers),
            "occurrences": sum(len(v) for v in self.occurrences_by_trigger.values()),
        }
