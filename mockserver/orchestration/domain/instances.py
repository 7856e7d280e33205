"""Instance rules: runs, reads, lists, events, abort and histories, in both modes."""

from __future__ import annotations

from mockserver.errors import InternalError, NotFound, ValidationError
from mockserver.orchestration.domain.model import Activity, Instance, StageRun
from mockserver.orchestration.domain.paging import Page, Paging, cut
from mockserver.orchestration.domain.ports import Runner
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.domain.views import OrderedView

_EMPTY: OrderedView[Instance] = OrderedView()


class Instances:
    def __init__(self, *, store: Store, runner: Runner, real_quirks: bool) -> None:
        self._store = store
        self._runner = runner
        self._real = real_quirks
        self._paging = Paging(real_quirks=real_quirks)

    def run(self, workflow_id: str, variables: dict[str, str]) -> Instance:
        """Start an instance. Spec mode refuses unknown and deleted workflows (404); the real
        service answers 500 for an unknown one and runs a deleted one."""
        workflow = self._store.workflows.get(workflow_id)
        if workflow is None:
            if self._real:
                raise InternalError("sql: no rows in result set")
            raise NotFound(f"workflow {workflow_id} not found")
        if workflow.deleted_at is not None and not self._real:
            raise NotFound(f"workflow {workflow_id} not found")
        return self._runner.run(workflow, variables)

    def restore(self, item: Instance) -> None:
        """Store a recorded instance as it was (fixtures), with its ids, instants and histories.

        Only terminated instances: the engine cannot resume a stage it did not run, so a
        recorded running instance would be a frozen one. Its workflow must be stored (live or
        deleted, as a run's would be); an id already stored is refused rather than shadowed.
        """
        if not item.terminated:
            raise ValidationError(f"instance {item.id}: only terminated instances can be restored")
        if item.workflow_id not in self._store.workflows:
            raise NotFound(f"workflow {item.workflow_id} not found")
        if item.id in self._store.instances:
            raise ValidationError(f"instance {item.id} already exists")
        self._store.add_instance(item)

    def get(self, instance_id: str, *, real_message: str = "Instance not found") -> Instance:
        item = self._store.instances.get(instance_id)
        if item is None:
            if self._real:
                raise InternalError(real_message)
            raise NotFound(f"instance {instance_id} not found")
        return item

    def list(self, workflow_id: str | None = None, running: bool = False) -> list[Instance]:
        """Instances of soft-deleted workflows leave every list (they stay readable by id)."""
        store = self._store
        live = store.live_workflows
        if workflow_id:
            if workflow_id not in live:
                return []
            items = store.instances_of(workflow_id)
            return [i for i in items if not i.terminated] if running else list(items)
        source = store.running if running else store.instances
        return [i for i in source.values() if i.workflow_id in live]

    def page(
        self, *, cursor: str | None, page_size: int | None, workflow_id: str | None, running: bool
    ) -> Page[Instance]:
        """``list`` one cursor page at a time; a cursor brings its own filters."""
        filters = {"workflowID": workflow_id or "", "running": bool(running)}
        request = self._paging.request("instances", cursor, page_size, filters)
        workflow_id, running = request.filters.get("workflowID"), request.filters.get("running")
        if not isinstance(workflow_id, str) or not isinstance(running, bool):
            raise ValidationError("invalid cursor")
        store = self._store
        live = store.live_workflows
        if workflow_id:
            if workflow_id not in live:
                return cut(_EMPTY, request)
            view = store.instance_order_by_workflow.get(workflow_id, _EMPTY)
            return cut(view, request, (lambda i: not i.terminated) if running else None)
        view = store.running_order if running else store.instance_order
        return cut(view, request, lambda i: i.workflow_id in live)

    def send_event(self, instance_id: str, name: str) -> None:
        item = self.get(instance_id, real_message="retrieving workflow: sql: no rows in result set")
        self._runner.send_event(item, name)

    def abort(self, instance_id: str) -> None:
        item = self.get(instance_id, real_message="retrieving workflow execution: sql: no rows in result set")
        self._runner.abort(item)

    def history(self, instance_id: str) -> list[StageRun]:
        return self.get(instance_id, real_message="workflow not found for ID: " + instance_id).history

    def stage_history(self, instance_id: str, number: int) -> list[Activity]:
        """A stage has a history once its child workflow started; any other number is 404 in both modes."""
        item = self._store.instances.get(instance_id)
        if item is None or not 0 <= number < len(item.history):
            raise NotFound("Instance not found")
        return item.activities.get(number, [])
