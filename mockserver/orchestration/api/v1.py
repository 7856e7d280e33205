"""Handlers of the 17 orchestration.v1 operations, resolved by operationId.

Each handler parses nothing and decides nothing: the request has been validated against
the spec (by Connexion, or by the gateway's fast path, see fastpath.py), the domain
decides, the presenter shapes the JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.orchestration.api import presenter as present
from mockserver.orchestration.service import Orchestration

Reply = tuple[Any, int]


class OrchestrationApi:
    def __init__(self, current: Callable[[], Orchestration], version: str) -> None:
        self._current = current
        self._version = version

    @property
    def _b(self) -> Orchestration:
        """The orchestration of the request's tenant (the only one with tenancy off)."""
        return self._current()

    def registry(self) -> dict[str, Callable[..., Any]]:
        """operationId -> handler; a test checks it equals the spec's operation set."""
        return {
            "getServerInfo": self.get_server_info,
            "listWorkflows": self.list_workflows,
            "createWorkflow": self.create_workflow,
            "getWorkflow": self.get_workflow,
            "deleteWorkflow": self.delete_workflow,
            "runWorkflow": self.run_workflow,
            "listInstances": self.list_instances,
            "getInstance": self.get_instance,
            "sendEvent": self.send_event,
            "cancelEvent": self.cancel_event,
            "getInstanceHistory": self.get_instance_history,
            "getInstanceStageHistory": self.get_instance_stage_history,
            "listTriggers": self.list_triggers,
            "createTrigger": self.create_trigger,
            "readTrigger": self.read_trigger,
            "deleteTrigger": self.delete_trigger,
            "listTriggersOccurrences": self.list_triggers_occurrences,
        }

    async def get_server_info(self) -> Reply:
        return {"version": self._version}, 200

    async def list_workflows(self) -> Reply:
        return present.envelope([present.workflow(w) for w in self._b.workflows.list()]), 200

    async def create_workflow(self, body: dict[str, Any]) -> Reply:
        return present.envelope(present.workflow(self._b.workflows.create(body))), 201

    async def get_workflow(self, flow_id: str) -> Reply:
        return present.envelope(present.workflow(self._b.workflows.get(flow_id))), 200

    async def delete_workflow(self, flow_id: str) -> Reply:
        self._b.workflows.delete(flow_id)
        return None, 204

    async def run_workflow(self, workflow_id: str, body: dict[str, str] | None = None, wait: bool = False) -> Reply:
        instance = self._b.instances.run(workflow_id, body or {})
        fresh = present.instance(instance)
        self._b.engine.pump()
        if not wait:
            return present.envelope(fresh), 201
        # Re-read as getInstance reads it: status and the workflow it ran (flows v2.6.0
        # ``internal/api/v1/handler_run_workflow.go``); the answer without wait has neither.
        shown = present.RanWorkflows(self._b.store.workflows).instance(instance)
        if self._b.real_quirks:
            # The real handler reports the wait's own error, which shadows the instance's.
            shown.pop("error", None)
        return present.envelope(shown), 201

    async def list_instances(self, workflow_id: str | None = None, running: bool | None = None) -> Reply:
        items = self._b.instances.list(workflow_id, bool(running))
        ran = present.RanWorkflows(self._b.store.workflows)
        return present.envelope([ran.instance(i, with_status=False) for i in items]), 200

    async def get_instance(self, instance_id: str) -> Reply:
        item = self._b.instances.get(instance_id)
        return present.envelope(present.RanWorkflows(self._b.store.workflows).instance(item)), 200

    async def send_event(self, instance_id: str, body: dict[str, Any]) -> Reply:
        self._b.instances.send_event(instance_id, body.get("name") or "")
        self._b.engine.pump()
        return None, 204

    async def cancel_event(self, instance_id: str) -> Reply:
        self._b.instances.abort(instance_id)
        return None, 204

    async def get_instance_history(self, instance_id: str) -> Reply:
        return present.envelope([present.stage_run(e) for e in self._b.instances.history(instance_id)]), 200

    async def get_instance_stage_history(self, instance_id: str, number: int) -> Reply:
        entries = self._b.instances.stage_history(instance_id, number)
        return present.envelope([present.activity(a) for a in entries]), 200

    async def list_triggers(self, name: str | None = None) -> Reply:
        return present.envelope([present.trigger(t) for t in self._b.triggers.list(name)]), 200

    async def create_trigger(self, body: dict[str, Any]) -> Reply:
        return present.envelope(present.trigger(self._b.triggers.create(body))), 201

    async def read_trigger(self, trigger_id: str) -> Reply:
        return present.envelope(present.trigger(self._b.triggers.get(trigger_id))), 200

    async def delete_trigger(self, trigger_id: str) -> Reply:
        self._b.triggers.delete(trigger_id)
        return None, 204

    async def list_triggers_occurrences(self, trigger_id: str) -> Reply:
        instances = self._b.store.instances
        items = self._b.triggers.occurrences(trigger_id)
        return present.envelope([present.occurrence(o, instances) for o in items]), 200
