"""Recorded resources put back as they were: their own ids, instants and histories.

``orchestration-mock record`` writes fixture entries that carry what the live service
showed (``createdAt``, ``updatedAt``, a terminated instance's ``status``, ``history`` and
``stageHistories``, a trigger's ``occurrences``); ``fixtures.load_fixture`` hands each such entry, checked and with its
workflow reference resolved to an id, to one method here.

Each method takes the entry as plain JSON and is one ``--state-file`` command
(``recording.COMMANDS``), so a restart replays the very same entry instead of a
``datetime`` or an engine object the log cannot hold. Workflows and triggers still go
through their domain ``create`` (definitions, filters and vars are checked as for any
other); instances go through ``Instances.restore``, which the engine never runs.

Histories are kept as the recorded API version showed them: a v2 recording keeps v2's
``CreateTransaction`` output (an array with ``txid``), which the v2 view then shows as is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.orchestration.domain.instances import Instances
from mockserver.orchestration.domain.model import (
    Activity,
    Instance,
    Occurrence,
    StageRun,
    StageStatus,
    Trigger,
    Workflow,
)
from mockserver.orchestration.domain.triggers import Triggers
from mockserver.orchestration.domain.workflows import Workflows


def instant(text: str) -> datetime:
    """An RFC 3339 instant as the service keeps it: UTC, rounded to the microsecond."""
    return parse_rfc3339(text)


def _optional_instant(text: str | None) -> datetime | None:
    return None if text is None else instant(text)


class Restore:
    def __init__(self, *, workflows: Workflows, triggers: Triggers, instances: Instances) -> None:
        self._workflows = workflows
        self._triggers = triggers
        self._instances = instances

    def workflow(self, entry: dict[str, Any]) -> Workflow:
        """A fixture workflow with ``createdAt`` (and maybe ``updatedAt``)."""
        return self._workflows.create(
            entry,
            workflow_id=entry.get("id"),
            created_at=instant(entry["createdAt"]),
            updated_at=_optional_instant(entry.get("updatedAt")),
        )

    def trigger(self, body: dict[str, Any]) -> Trigger:
        """A fixture trigger with ``createdAt``; ``body["workflowID"]`` is resolved already."""
        return self._triggers.create(body, trigger_id=body.get("id"), created_at=instant(body["createdAt"]))

    def occurrences(self, trigger_id: str, entries: list[dict[str, Any]]) -> None:
        """A fixture trigger's recorded ``occurrences``."""
        items = [
            Occurrence(
                id=view["id"],
                trigger_id=trigger_id,
                date=instant(view["date"]),
                event=view["event"],
                workflow_instance_id=view.get("workflowInstanceID"),
                error=view.get("error"),
            )
            for view in entries
        ]
        self._triggers.restore_occurrences(trigger_id, items)

    def instance(self, entry: dict[str, Any]) -> Instance:
        """A recorded terminated instance; ``entry["workflow"]`` is the workflow's id already."""
        item = Instance(
            id=entry["id"],
            workflow_id=entry["workflow"],
            created_at=instant(entry["createdAt"]),
            updated_at=_optional_instant(entry.get("updatedAt")),
            status=[_stage_status(s) for s in entry.get("status", [])],
            history=[_stage_run(h) for h in entry.get("history", [])],
            activities={n: [_activity(a) for a in stage] for n, stage in enumerate(entry.get("stageHistories", []))},
            terminated=entry["terminated"],
            terminated_at=_optional_instant(entry.get("terminatedAt")),
            error=entry.get("error"),
        )
        self._instances.restore(item)
        return item


def _stage_status(view: dict[str, Any]) -> StageStatus:
    return StageStatus(
        stage=view["stage"],
        instance_id=view["instanceID"],
        started_at=instant(view["startedAt"]),
        terminated_at=_optional_instant(view.get("terminatedAt")),
        error=view.get("error"),
    )


def _stage_run(view: dict[str, Any]) -> StageRun:
    return StageRun(
        name=view["name"],
        input=view["input"],
        started_at=instant(view["startedAt"]),
        terminated=view["terminated"],
        terminated_at=_optional_instant(view.get("terminatedAt")),
        error=view.get("error"),
    )


def _activity(view: dict[str, Any]) -> Activity:
    return Activity(
        name=view["name"],
        input=view["input"],
        started_at=instant(view["startedAt"]),
        attempt=view["attempt"],
        output=view.get("output"),
        error=view.get("error"),
        terminated=view["terminated"],
        terminated_at=_optional_instant(view.get("terminatedAt")),
        last_failure=view.get("lastFailure"),
        next_execution=_optional_instant(view.get("nextExecution")),
    )
