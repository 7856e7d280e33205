"""Trigger rules: creation checks in the real service's order, reads, lists, soft delete."""

from __future__ import annotations

from typing import Any

from mockserver.domain.model import Occurrence, Trigger
from mockserver.domain.ports import NewIds, Now
from mockserver.domain.store import Store
from mockserver.errors import InternalError, NotFound, ValidationError
from mockserver.expr import ExprError, compile_expression

REAL_LIST_LIMIT = 15


def _compile(source: str) -> None:
    try:
        compile_expression(source)
    except ExprError as exc:
        raise ValidationError(f"validating data: error compiling expression '{source}': {exc.message}") from exc


class Triggers:
    def __init__(self, *, store: Store, clock: Now, ids: NewIds, real_quirks: bool) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._real = real_quirks

    def create(self, body: dict[str, Any], *, trigger_id: str | None = None) -> Trigger:
        """Checks run in the real order: event, workflowID, filter, vars, then the workflow exists."""
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
        workflow = self._store.workflows.get(workflow_id)
        if workflow is None or workflow.deleted_at is not None:
            raise NotFound("workflow does not exists")
        item = Trigger(
            id=trigger_id or self._ids.uuid(),
            event=event,
            workflow_id=workflow_id,
            created_at=self._clock.now(),
            name=body.get("name") or "",
            filter=filter_,
            vars=dict(variables) or None,
        )
        self._store.add_trigger(item)
        return item

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

    def delete(self, trigger_id: str) -> None:
        item = self.get(trigger_id)
        item.deleted_at = self._clock.now()
        self._store.soft_delete_trigger(item)

    def occurrences(self, trigger_id: str) -> list[Occurrence]:
        """An unknown trigger has no occurrences (200 ``[]``), as in the real service."""
        return list(self._store.occurrences_by_trigger.get(trigger_id, ()))
