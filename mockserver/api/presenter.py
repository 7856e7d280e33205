"""The one place that knows the API's JSON: camelCase keys, RFC 3339 timestamps, envelopes."""

from __future__ import annotations

from typing import Any

from mockserver.core.timefmt import timestamp
from mockserver.domain.model import Activity, Instance, Occurrence, StageRun, StageStatus, Trigger, Workflow


def envelope(data: Any) -> dict[str, Any]:
    return {"data": data}


def workflow(item: Workflow) -> dict[str, Any]:
    created = timestamp(item.created_at)
    return {
        "id": item.id,
        "config": item.config,
        "createdAt": created,
        "updatedAt": created,
        "deletedAt": timestamp(item.deleted_at) if item.deleted_at else None,
    }


def stage_status(record: StageStatus) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stage": record.stage,
        "instanceID": record.instance_id,
        "startedAt": timestamp(record.started_at),
    }
    if record.terminated_at is not None:
        out["terminatedAt"] = timestamp(record.terminated_at)
    if record.error:
        out["error"] = record.error
    return out


def instance(item: Instance, *, with_status: bool = True) -> dict[str, Any]:
    """Lists and occurrences never carry ``status``; only reads of one instance do."""
    created = timestamp(item.created_at)
    out: dict[str, Any] = {
        "workflowID": item.workflow_id,
        "id": item.id,
        "createdAt": created,
        "updatedAt": created,
        "terminated": item.terminated,
    }
    if with_status and item.status:
        out["status"] = [stage_status(s) for s in item.status]
    if item.terminated_at is not None:
        out["terminatedAt"] = timestamp(item.terminated_at)
    if item.error:
        out["error"] = item.error
    return out


def stage_run(entry: StageRun) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": entry.name,
        "input": entry.input,
        "terminated": entry.terminated,
        "startedAt": timestamp(entry.started_at),
    }
    if entry.error:
        out["error"] = entry.error
    if entry.terminated_at is not None:
        out["terminatedAt"] = timestamp(entry.terminated_at)
    return out


def activity(entry: Activity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": entry.name,
        "input": entry.input,
        "terminated": entry.terminated,
        "startedAt": timestamp(entry.started_at),
        "attempt": entry.attempt,
    }
    if entry.output is not None:
        out["output"] = entry.output
    if entry.error:
        out["error"] = entry.error
    if entry.terminated_at is not None:
        out["terminatedAt"] = timestamp(entry.terminated_at)
    if entry.last_failure:
        out["lastFailure"] = entry.last_failure
    if entry.next_execution is not None:
        out["nextExecution"] = timestamp(entry.next_execution)
    return out


def trigger(item: Trigger) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "event": item.event,
        "workflowID": item.workflow_id,
        "workflow": None,
        "createdAt": timestamp(item.created_at),
    }
    if item.filter is not None:
        out["filter"] = item.filter
    if item.vars:
        out["vars"] = item.vars
    return out


def occurrence(item: Occurrence, instances: dict[str, Instance]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "triggerID": item.trigger_id,
        "date": timestamp(item.date),
        "event": item.event,
    }
    if item.workflow_instance_id is not None:
        out["workflowInstanceID"] = item.workflow_instance_id
        started = instances.get(item.workflow_instance_id)
        if started is not None:
            out["workflowInstance"] = instance(started, with_status=False)
    if item.error:
        out["error"] = item.error
    return out
