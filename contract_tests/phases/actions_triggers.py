"""Trigger steps of the suite's vocabulary: create, read, list, delete, and fire through bus events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.oracle.expressions import Expr
from contract_tests.oracle.model import TriggerModel
from contract_tests.oracle.progress import list_never_grows

if TYPE_CHECKING:
    from collections.abc import Callable

    from contract_tests.oracle.model import World
    from contract_tests.phases.checking import CheckedApi
    from contract_tests.transport.control import Control

__all__ = ["TriggerActions"]

TRIGGER_FIELDS = ("id", "event", "workflowID", "filter", "vars", "name", "version")
# The envelope version payments (v3) publish with: the suite names it, so the model knows what a trigger hears.
PAYMENTS_VERSION = "v3"


class TriggerActions:
    api: CheckedApi
    world: World
    control: Control | None
    timeout: float
    interval: float
    nonce: str

    def poll(
        self, read: Callable[[], Any], done: Callable[[Any], bool], hopeless: Callable[[Any], bool], **kw: Any
    ) -> Any:
        raise NotImplementedError  # Actions.poll

    def create_trigger(self, definition: dict[str, Any], condition: Expr | None = None) -> TriggerModel | None:
        workflow = self.world.workflows.get(definition.get("workflowID", ""))
        ex = self.api.call("createTrigger", body=definition)
        if workflow is not None and workflow.deleted:
            self.api.apply("invalid_trigger_rejected", ex, expected=404, why="trigger for a deleted workflow")
            return None
        if not self.api.apply("valid_request_accepted", ex, expected=201, why="create a valid trigger"):
            return None
        fields = tuple(f for f in TRIGGER_FIELDS[1:] if f in definition)
        self.api.apply("read_matches_created", ex, created=definition, fields=fields)
        if not self.api.apply("ids_fresh", ex, seen=self.world.seen_ids):
            return None
        model = TriggerModel(id=str(ex.data["id"]), definition=definition, created=ex.data, condition=condition)
        self.world.seen_ids.add(model.id)
        self.world.triggers[model.id] = model
        return model

    def read_trigger(self, model: TriggerModel) -> None:
        ex = self.api.call("readTrigger", path={"triggerID": model.id})
        if model.deleted:
            self.api.apply("deleted_resource_not_found", ex, expected=404, why="read a deleted trigger")
        elif self.api.apply("valid_request_accepted", ex, expected=200, why="read a trigger"):
            fields = tuple(f for f in TRIGGER_FIELDS if f in model.created)
            self.api.apply("read_matches_created", ex, created=model.created, fields=fields)

    def delete_trigger(self, model: TriggerModel) -> None:
        ex = self.api.call("deleteTrigger", path={"triggerID": model.id})
        if model.deleted:
            self.api.apply("deleted_resource_not_found", ex, expected=404, why="delete a deleted trigger again")
        elif self.api.apply("valid_request_accepted", ex, expected=204, why="delete a trigger"):
            model.deleted = True

    def list_triggers(self, name: str | None = None) -> None:
        ex = self.api.list_all("listTriggers", query={"name": name} if name is not None else None)
        if not self.api.apply("valid_request_accepted", ex, expected=200, why="list triggers"):
            return
        live = [t for t in self.world.triggers.values() if not t.deleted]
        if name is not None:
            needle = name.lower()
            live = [t for t in live if needle in str(t.created.get("name", "")).lower()]
            self.api.apply(
                "name_filter_applied",
                ex,
                keep=lambda item: needle in str(item.get("name", "")).lower(),
                rule=f"name contains {name!r}",
            )
        self.api.apply("list_contains_created", ex, present={t.id for t in live})
        reads = {t.id: t.created for t in live}
        self.api.apply("list_matches_read", ex, reads=reads, fields=(*TRIGGER_FIELDS, "createdAt"))
        self.api.apply("list_excludes_deleted", ex, absent={t.id for t in self.world.triggers.values() if t.deleted})

    def occurrences(self, model: TriggerModel) -> None:
        ex = self.poll(
            lambda: self.api.list_all("listTriggersOccurrences", path={"triggerID": model.id}),
            lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) >= model.occurrences,
            lambda e: e.status != 200 or list_never_grows(e.data),
            timeout=self._occurrences_timeout(model),
        )
        if self.api.apply("valid_request_accepted", ex, expected=200, why="list occurrences"):
            self.api.apply("occurrences_counted", ex, expected=model.occurrences, why="one per matching event")

    def _occurrences_timeout(self, model: TriggerModel) -> float:
        """How long to wait for occurrences: not at all when none are predicted; one re-read when every event was
        published through the mock's control API, which applies an event before it answers; else the timeout
        (the real service records occurrences asynchronously)."""
        if not model.occurrences:
            return 0
        return self.interval if self.control is not None and self.control.synchronous else self.timeout

    def publish(self, event: dict[str, Any]) -> None:
        """Publish a bus event through the control API and count the occurrences the model expects: a trigger
        with a `version` hears only events whose envelope has that version (flows v2.6.0)."""
        if self.control is None:
            return
        payload = {**event["payload"], "id": f"{event['payload'].get('id', '')}-{self.nonce}"}
        version = event.get("version", PAYMENTS_VERSION)
        self.control.publish(event["type"], payload, version=version)
        if event["type"] in ("SAVED_PAYMENT", "SAVED_ACCOUNT"):
            # Duplicate suppression: a payment or account id seen before fires nothing (BEHAVIOR.md §7.5).
            if payload["id"] in self.world.seen_ids:
                return
            self.world.seen_ids.add(payload["id"])
        for model in self.world.triggers.values():
            condition = model.condition
            if model.deleted or model.definition["event"] != event["type"]:
                continue
            if model.definition.get("version") not in (None, version):
                continue
            if condition is None and model.definition.get("filter"):
                continue  # a filter the model cannot evaluate: do not predict this trigger any more
            if condition is None or condition.evaluate(event["payload"]) is True:
                model.occurrences += 1
