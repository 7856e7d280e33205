"""Workflow rules: creation, reads, lists and soft delete, in both modes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mockserver.errors import InternalError, NotFound, ValidationError
from mockserver.orchestration.domain.model import Workflow
from mockserver.orchestration.domain.paging import Page, Paging, cut
from mockserver.orchestration.domain.ports import NewIds, Now, Runner
from mockserver.orchestration.domain.store import Store

CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Workflows:
    def __init__(self, *, store: Store, clock: Now, ids: NewIds, runner: Runner, real_quirks: bool) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._runner = runner
        self._real = real_quirks
        self._paging = Paging(real_quirks=real_quirks)

    def create(
        self,
        body: dict[str, Any],
        *,
        workflow_id: str | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
    ) -> Workflow:
        """Store a definition as submitted (``name`` defaults to ``""``) once the engine accepts it.

        ``created_at`` / ``updated_at`` put back a recorded workflow's instants (fixtures); by
        default it is created now."""
        config = {"name": body.get("name") or "", "stages": body.get("stages")}
        self._runner.validate_definition(config)
        item = Workflow(
            id=workflow_id or self._ids.uuid(),
            config=config,
            created_at=created_at or self._clock.now(),
            updated_at=updated_at,
        )
        self._store.add_workflow(item)
        return item

    def get(self, workflow_id: str) -> Workflow:
        """Spec mode: unknown or deleted is 404. Real mode: unknown is 500, deleted is still readable."""
        item = self._store.workflows.get(workflow_id)
        if self._real:
            if item is None:
                raise InternalError("sql: no rows in result set")
            return item
        if item is None or item.deleted_at is not None:
            raise NotFound(f"workflow {workflow_id} not found")
        return item

    def list(self) -> list[Workflow]:
        return list(self._store.live_workflows.values())

    def page(self, *, cursor: str | None, page_size: int | None) -> Page[Workflow]:
        """The live workflows, one cursor page at a time, in creation order (see ``paging``)."""
        return cut(self._store.workflow_order, self._paging.request("workflows", cursor, page_size, {}))

    def delete(self, workflow_id: str) -> None:
        """Only canonical lower-case UUIDs are ids (400 otherwise, as the real service).

        Spec mode: deleting twice is 404, the workflow is already gone. Real mode: a second
        delete succeeds again and moves ``deletedAt`` forward.
        """
        if not CANONICAL_UUID.match(workflow_id):
            raise ValidationError("Key: '' Error:Field validation for '' failed on the 'uuid' tag")
        item = self._store.workflows.get(workflow_id)
        if item is None or (item.deleted_at is not None and not self._real):
            raise NotFound("Workflow not found")
        item.deleted_at = self._clock.now()
        self._store.soft_delete_workflow(item)
