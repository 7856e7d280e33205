"""Handlers of the 18 orchestration.v2 operations, on the same backend as v1.

v2 is v1 with other operationIds, cursor pages on the four lists, ``testTrigger``, and
v2's shape of a ``CreateTransaction`` output (BEHAVIOR.md §9); everything else is the v1
handler, so the two versions cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.orchestration.api import presenter as present
from mockserver.orchestration.api.v1 import OrchestrationApi, Reply


class OrchestrationApiV2(OrchestrationApi):
    def registry(self) -> dict[str, Callable[..., Any]]:
        """operationId -> handler; a test checks it equals the v2 spec's operation set."""
        return {
            "v2GetServerInfo": self.get_server_info,
            "v2ListWorkflows": self.list_workflows,
            "v2CreateWorkflow": self.create_workflow,
            "v2GetWorkflow": self.get_workflow,
            "v2DeleteWorkflow": self.delete_workflow,
            "v2RunWorkflow": self.run_workflow,
            "v2ListInstances": self.list_instances,
            "v2GetInstance": self.get_instance,
            "v2SendEvent": self.send_event,
            "v2CancelEvent": self.cancel_event,
            "v2GetInstanceHistory": self.get_instance_history,
            "v2GetInstanceStageHistory": self.get_instance_stage_history,
            "v2ListTriggers": self.list_triggers,
            "v2CreateTrigger": self.create_trigger,
            "v2ReadTrigger": self.read_trigger,
            "v2DeleteTrigger": self.delete_trigger,
            "testTrigger": self.test_trigger,
            "v2ListTriggersOccurrences": self.list_triggers_occurrences,
        }

    async def list_workflows(self, page_size: int | None = None, cursor: str | None = None) -> Reply:
        return present.cursor(self._b.workflows.page(cursor=cursor, page_size=page_size), present.workflow), 200

    async def list_instances(
        self,
        workflow_id: str | None = None,
        running: bool | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> Reply:
        page = self._b.instances.page(
            cursor=cursor, page_size=page_size, workflow_id=workflow_id, running=bool(running)
        )
        ran = present.RanWorkflows(self._b.store.workflows)
        return present.cursor(page, lambda item: ran.instance(item, with_status=False)), 200

    async def get_instance_stage_history(self, instance_id: str, number: int) -> Reply:
        entries = self._b.instances.stage_history(instance_id, number)
        return present.envelope([present.activity_v2(a) for a in entries]), 200

    async def list_triggers(
        self, name: str | None = None, page_size: int | None = None, cursor: str | None = None
    ) -> Reply:
        page = self._b.triggers.page(cursor=cursor, page_size=page_size, name=name)
        return present.cursor(page, present.trigger), 200

    async def test_trigger(self, trigger_id: str, body: Any = None) -> Reply:
        result = self._b.triggers.test(trigger_id, body)
        return present.envelope(present.trigger_test(result, real_quirks=self._b.real_quirks)), 200

    async def list_triggers_occurrences(
        self, trigger_id: str, page_size: int | None = None, cursor: str | None = None
    ) -> Reply:
        instances = self._b.store.instances
        page = self._b.triggers.occurrences_page(trigger_id, cursor=cursor, page_size=page_size)
        return present.cursor(page, lambda o: present.occurrence(o, instances)), 200
