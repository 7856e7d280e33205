"""Trigger rules: creation checks in the real service's order, reads, lists, soft delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.errors import InternalError, NotFound, ValidationError
from mockserver.orchestration.domain.model import Occurrence, Trigger, TriggerTest
from mockserver.orchestration.domain.paging import Page, Paging, cut
from mockserver.orchestration.domain.ports import NewIds, Now, TriggerEvaluator
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.domain.views import OrderedView
from mockserver.orchestration.expr import ExprError, compile_expression

REAL_LIST_LIMIT = 15
_NO_OCCURRENCES: OrderedView[Occurrence] = OrderedView()


def _compile(source: str) -> None:
    try:
        compile_expression(source)
    except ExprError as exc:
        raise ValidationError(f"validating data: error compiling expression '{source}': {exc.message}") from exc


class Triggers:
    def __init__(
        self, *, store: Store, clock: Now, ids: NewIds, evaluator: TriggerEvaluator, real_quirks: bool
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._evaluator = evaluator
        self._real = real_quirks
        self._paging = Paging(real_quirks=real_quirks)

    def create(
        self, body: dict[str, Any], *, trigger_id: str | None = None, created_at: datetime | None = None
    ) -> Trigger:
        """Checks run in the real order: event, workflowID, filter, vars, then the workflow exists.

        ``version`` is kept as sent, ``""`` included (flows v2.6.0 validates nothing of it,
        ``internal/triggers/trigger.go``); absent or ``null``, the trigger fires on every version.
        ``created_at`` puts back a recorded trigger's instant (fixtures); by default it is now."""
        event = body.get("event") or ""
        workflow_id = body.get("workflowID") or ""
        if not event:
            raise ValidationError("validating data: missing event")
        if not workflow_id:
            raise ValidationError("validating data: missing workflow id")
        filter_ = body.get("filter")
        if filter_:
            _compile(filter_)
        variables = body.get("vars") or {}
        for source in variables.values():
            _compile(source)
        version = body.get("version")
        if version is not None and not isinstance(version, str):
            raise ValidationError("validating data: version must be a string")
        workflow = self._store.workflows.get(workflow_id)
        if workflow is None or workflow.deleted_at is not None:
            raise NotFound("workflow does not exists")
        item = Trigger(
            id=trigger_id or self._ids.uuid(),
            event=event,
            workflow_id=workflow_id,
            created_at=created_at or self._clock.now(),
            name=body.get("name") or "",
            filter=filter_,
            vars=dict(variables) or None,
            version=version,
        )
        self._store.add_trigger(item)
        return item

    def restore_occurrences(self, trigger_id: str, items: list[Occurrence]) -> None:
        """Store a recorded trigger's occurrences as they were (fixtures), after any it has.

        An occurrence names its instance by id only: it shows that instance when the instance
        is stored (recorded too), as an occurrence of a real run does."""
        self.get(trigger_id)
        for item in items:
            self._store.add_occurrence(item)

    def get(self, trigger_id: str) -> Trigger:
        item = self._store.live_triggers.get(trigger_id)
        if item is None:
            raise NotFound("sql: no rows in result set")
        return item

    def list(self, name: str | None = None) -> list[Trigger]:
        """Spec mode: ``name`` is a case-insensitive substring filter over every live trigger.

        Real mode reproduces the service: a non-empty ``name`` fails (500, broken SQL) and only
        the first 15 triggers are listed.
        """
        items = self._store.live_triggers.values()
        if self._real:
            if name:
                raise InternalError('ERROR: syntax error at or near ";" (SQLSTATE=42601)')
            return list(items)[:REAL_LIST_LIMIT]
        if name:
            needle = name.lower()
            return [t for t in items if needle in t.name.lower()]
        return list(items)

    def page(self, *, cursor: str | None, page_size: int | None, name: str | None) -> Page[Trigger]:
        """``list`` one cursor page at a time (v2); real mode fails a non-empty ``name`` as ``list`` does."""
        request = self._paging.request("triggers", cursor, page_size, {"name": name or ""})
        needle = request.filters.get("name")
        if not isinstance(needle, str):
            raise ValidationError("invalid cursor")
        if needle and self._real:
            raise InternalError('ERROR: syntax error at or near ";" (SQLSTATE=42601)')
        lowered = needle.lower()
        return cut(self._store.trigger_order, request, (lambda t: lowered in t.name.lower()) if needle else None)

    def occurrences_page(self, trigger_id: str, *, cursor: str | None, page_size: int | None) -> Page[Occurrence]:
        """``occurrences`` one cursor page at a time; the cursor names its trigger."""
        request = self._paging.request("occurrences", cursor, page_size, {"triggerID": trigger_id})
        if request.filters.get("triggerID") != trigger_id:
            raise ValidationError("invalid cursor: it belongs to another trigger")
        return cut(self._store.occurrence_order_by_trigger.get(trigger_id, _NO_OCCURRENCES), request)

    def test(self, trigger_id: str, payload: Any) -> TriggerTest:
        """testTrigger: evaluate the trigger's filter and vars on ``payload`` as firing would.

        Spec mode: an unknown trigger is 404 and a payload that is not a JSON object (or holds a
        number no float64 can hold) is 400. The real service answers 500 to both.
        """
        trigger = self._store.live_triggers.get(trigger_id)
        if trigger is None:
            if self._real:
                raise InternalError("sql: no rows in result set")
            raise NotFound(f"trigger {trigger_id} not found")
        if not isinstance(payload, dict):
            if self._real:
                raise InternalError("json: cannot unmarshal into Go value of type map[string]interface {}")
            raise ValidationError("the body must be a JSON object: the event payload")
        try:
            return self._evaluator.test(trigger, payload)
        except ExprError as exc:
            if self._real:
                raise InternalError(exc.message) from exc
            raise ValidationError(f"payload: {exc.message}") from exc

    def delete(self, trigger_id: str) -> None:
        item = self.get(trigger_id)
        item.deleted_at = self._clock.now()
        self._store.soft_delete_trigger(item)

    def occurrences(self, trigger_id: str) -> list[Occurrence]:
        """An unknown trigger has no occurrences (200 ``[]``), as in the real service."""
        return list(self._store.occurrences_by_trigger.get(trigger_id, ()))
