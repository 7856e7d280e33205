"""The orchestration events the service publishes on its ``orchestration`` topic (§7.6).

Events are kept in publication order in a bounded log that the control API lists, and
handed to ``forward`` when one is set: the orchestration service puts them on the stack's bus,
where the webhooks service hears them. Envelopes and payloads are exactly the real ones, so a
consumer's decoder can be tested against them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339

STARTED_WORKFLOW = "STARTED_WORKFLOW"
STARTED_WORKFLOW_STAGE = "STARTED_WORKFLOW_STAGE"
SUCCEEDED_WORKFLOW_STAGE = "SUCCEEDED_WORKFLOW_STAGE"
FAILED_WORKFLOW_STAGE = "FAILED_WORKFLOW_STAGE"
SUCCEEDED_WORKFLOW = "SUCCEEDED_WORKFLOW"
FAILED_WORKFLOW = "FAILED_WORKFLOW"
SUCCEEDED_TRIGGER = "SUCCEEDED_TRIGGER"
FAILED_TRIGGER = "FAILED_TRIGGER"

APP = "orchestration"
VERSION = "v2"


class EventLog:
    """The last ``capacity`` orchestration events, oldest first."""

    DEFAULT_CAPACITY = 10_000

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._events: deque[dict[str, Any]] = deque(maxlen=capacity)
        self.forward: Callable[[dict[str, Any]], None] | None = None

    def publish(self, type_: str, payload: dict[str, Any], date: datetime) -> dict[str, Any]:
        event = {"date": rfc3339(date), "app": APP, "version": VERSION, "type": type_, "payload": payload}
        self._events.append(event)
        if self.forward is not None:
            self.forward(event)
        return event

    def list(self, type: str | None = None, instance_id: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        """Events in publication order; ``instance_id`` also matches trigger events that started it."""
        out = []
        for event in self._events:
            if type is not None and event["type"] != type:
                continue
            if instance_id is not None:
                payload = event["payload"]
                if instance_id not in (payload.get("instanceID"), payload.get("workflowInstanceID")):
                    continue
            out.append(event)
        return out

    def clear(self) -> None:
        self._events.clear()

    def __len__(self) -> int:
        return len(self._events)

    # Payload builders: one per event type, so field names live in one place.
    def started_workflow(self, workflow_id: str, instance_id: str, date: datetime) -> None:
        self.publish(STARTED_WORKFLOW, {"id": workflow_id, "instanceID": instance_id}, date)

    def started_stage(self, workflow_id: str, instance_id: str, number: int, date: datetime) -> None:
        self.publish(STARTED_WORKFLOW_STAGE, {"id": workflow_id, "instanceID": instance_id, "number": number}, date)

    def stage_finished(
        self, workflow_id: str, instance_id: str, number: int, error: str | None, date: datetime
    ) -> None:
        payload: dict[str, Any] = {"id": workflow_id, "instanceID": instance_id, "number": number}
        if error:
            payload["error"] = error
            self.publish(FAILED_WORKFLOW_STAGE, payload, date)
        else:
            self.publish(SUCCEEDED_WORKFLOW_STAGE, payload, date)

    def workflow_finished(self, workflow_id: str, instance_id: str, error: str | None, date: datetime) -> None:
        payload: dict[str, Any] = {"id": workflow_id, "instanceID": instance_id}
        if error:
            payload["error"] = error
            self.publish(FAILED_WORKFLOW, payload, date)
        else:
            self.publish(SUCCEEDED_WORKFLOW, payload, date)

    def trigger_succeeded(self, occurrence_id: str, trigger_id: str, instance_id: str, date: datetime) -> None:
        self.publish(
            SUCCEEDED_TRIGGER,
            {"id": occurrence_id, "triggerID": trigger_id, "workflowInstanceID": instance_id},
            date,
        )

    def trigger_failed(self, occurrence_id: str, trigger_id: str, error: str, date: datetime) -> None:
        self.publish(FAILED_TRIGGER, {"id": occurrence_id, "triggerID": trigger_id, "error": error}, date)
