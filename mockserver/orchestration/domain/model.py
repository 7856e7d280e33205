"""Resources held by the mock, as plain typed records.

JSON exists only at the edge (``mockserver.orchestration.api.presenter``); these records use Python
names and ``datetime`` values. Workflows and triggers change only when soft-deleted;
instances, their stage records and their histories are advanced by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Workflow:
    id: str
    config: dict[str, Any]
    created_at: datetime
    deleted_at: datetime | None = None
    # None: the creation instant. Only a recorded workflow (fixtures) brings another one.
    updated_at: datetime | None = None
    seq: int = 0  # creation order, set by the store: the key of keyset pages

    @property
    def stages(self) -> list[dict[str, Any]]:
        return self.config.get("stages") or []


@dataclass(slots=True)
class StageStatus:
    """One record per stage that has started, as ``status`` shows it."""

    stage: int
    instance_id: str
    started_at: datetime
    terminated_at: datetime | None = None
    error: str | None = None


@dataclass(slots=True)
class StageRun:
    """An instance history entry: one per stage that started its child workflow."""

    name: str
    input: dict[str, Any]
    started_at: datetime
    terminated: bool = False
    terminated_at: datetime | None = None
    error: str | None = None


@dataclass(slots=True)
class Activity:
    """A stage history entry: one activity scheduled by a stage, with its retry state."""

    name: str
    input: dict[str, Any]
    started_at: datetime
    attempt: int = 1
    output: dict[str, Any] | None = None
    error: str | None = None
    terminated: bool = False
    terminated_at: datetime | None = None
    last_failure: str | None = None
    next_execution: datetime | None = None


@dataclass(slots=True)
class Instance:
    id: str
    workflow_id: str
    created_at: datetime
    variables: dict[str, str] = field(default_factory=dict)
    status: list[StageStatus] = field(default_factory=list)
    history: list[StageRun] = field(default_factory=list)
    activities: dict[int, list[Activity]] = field(default_factory=dict)
    terminated: bool = False
    terminated_at: datetime | None = None
    error: str | None = None
    # None: the creation instant, as the real service never moves updatedAt after the insert.
    # Only a recorded instance (fixtures) brings another one.
    updated_at: datetime | None = None
    seq: int = 0


@dataclass(slots=True)
class Trigger:
    id: str
    event: str
    workflow_id: str
    created_at: datetime
    name: str = ""
    filter: str | None = None
    vars: dict[str, str] | None = None
    deleted_at: datetime | None = None
    seq: int = 0
    # The bus envelope ``version`` it fires on; None: every version (flows v2.6.0
    # ``internal/triggers/trigger.go``, a nullable column).
    version: str | None = None


@dataclass(slots=True)
class Occurrence:
    id: str
    trigger_id: str
    date: datetime
    event: dict[str, Any]
    workflow_instance_id: str | None = None
    error: str | None = None
    seq: int = 0
    # Its JSON view, kept by the presenter once nothing in it can change (the run it started has
    # terminated, or it started none): lists of occurrences are read far more than they change.
    view: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Evaluation:
    """One expression's outcome in a trigger test: its value (a filter's match) or its error."""

    value: Any = None
    error: str | None = None


@dataclass(slots=True)
class TriggerTest:
    """What testTrigger reports: ``filter`` None when the trigger has none; ``variables`` None
    when they were not evaluated (no vars, or the filter did not match)."""

    filter: Evaluation | None = None
    variables: dict[str, Evaluation] | None = None
