"""The one place that knows the API's JSON: camelCase keys, RFC 3339 timestamps, envelopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.timefmt import timestamp
from mockserver.orchestration.domain.model import (
    Activity,
    Evaluation,
    Instance,
    Occurrence,
    StageRun,
    StageStatus,
    Trigger,
    TriggerTest,
    Workflow,
)
from mockserver.orchestration.domain.paging import Page


def envelope(data: Any) -> dict[str, Any]:
    return {"data": data}


def cursor(page: Page[Any], item: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A v2 list answer; ``next`` and ``previous`` appear only when there is such a page."""
    shown: dict[str, Any] = {"pageSize": page.size, "hasMore": page.has_more, "data": [item(r) for r in page.items]}
    if page.previous is not None:
        shown["previous"] = page.previous
    if page.next is not None:
        shown["next"] = page.next
    return {"cursor": shown}


def workflow(item: Workflow) -> dict[str, Any]:
    created = timestamp(item.created_at)
    return {
        "id": item.id,
        "config": item.config,
        "createdAt": created,
        "updatedAt": created if item.updated_at is None else timestamp(item.updated_at),
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


def instance(item: Instance, *, with_status: bool = True, ran: dict[str, Any] | None = None) -> dict[str, Any]:
    """Lists and occurrences never carry ``status``; only reads of one instance do.

    ``ran`` is the presented workflow the instance ran, embedded as ``workflow`` where flows
    v2.6.0 loads that relation (reads and lists, ``internal/workflow/manager.go``); None leaves
    the key out, as a run's answer without ``wait`` and an occurrence's instance do."""
    created = timestamp(item.created_at)
    out: dict[str, Any] = {"workflowID": item.workflow_id}
    if ran is not None:
        out["workflow"] = ran
    out |= {
        "id": item.id,
        "createdAt": created,
        "updatedAt": created if item.updated_at is None else timestamp(item.updated_at),
        "terminated": item.terminated,
    }
    if with_status and item.status:
        out["status"] = [stage_status(s) for s in item.status]
    if item.terminated_at is not None:
        out["terminatedAt"] = timestamp(item.terminated_at)
    if item.error:
        out["error"] = item.error
    return out


class RanWorkflows:
    """The workflow each instance ran, presented once per workflow for one answer (a list of a
    thousand runs of one workflow presents it once)."""

    def __init__(self, workflows: dict[str, Workflow]) -> None:
        self._workflows = workflows
        self._shown: dict[str, dict[str, Any] | None] = {}

    def __call__(self, item: Instance) -> dict[str, Any] | None:
        key = item.workflow_id
        if key not in self._shown:
            found = self._workflows.get(key)
            self._shown[key] = workflow(found) if found is not None else None
        return self._shown[key]

    def instance(self, item: Instance, *, with_status: bool = True) -> dict[str, Any]:
        return instance(item, with_status=with_status, ran=self(item))


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


def activity_v2(entry: Activity) -> dict[str, Any]:
    """v2 shows ``CreateTransaction``'s output as v2's schema has it: an array of one
    transaction with ``txid`` (what the real service stores in both versions)."""
    out = activity(entry)
    created = (entry.output or {}).get("CreateTransaction")
    if isinstance(created, dict) and isinstance(created.get("data"), dict):
        tx = created["data"]
        out["output"] = {"CreateTransaction": {"data": [{"id": tx["id"], "txid": tx["id"], **tx}]}}
    return out


def trigger(item: Trigger) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "event": item.event,
    }
    if item.version is not None:  # a nullable column, omitted when NULL (flows v2.6.0 trigger.go)
        out["version"] = item.version
    out |= {
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
    if item.view is not None:
        return item.view
    out: dict[str, Any] = {
        "id": item.id,
        "triggerID": item.trigger_id,
        "date": timestamp(item.date),
        "event": item.event,
    }
    final = True
    if item.workflow_instance_id is not None:
        out["workflowInstanceID"] = item.workflow_instance_id
        started = instances.get(item.workflow_instance_id)
        if started is not None:
            out["workflowInstance"] = instance(started, with_status=False)
        final = started is not None and started.terminated
    if item.error:
        out["error"] = item.error
    if final:
        item.view = out  # shared by later answers, which only serialise it
    return out


def trigger_test(result: TriggerTest, *, real_quirks: bool) -> dict[str, Any]:
    """Spec mode leaves out what was not evaluated (the SDKs reject ``null`` there); the real
    service sends ``null``."""
    shown: dict[str, Any] = {"filter": None, "variables": None} if real_quirks else {}
    if result.filter is not None:
        shown["filter"] = _filter_result(result.filter)
    if result.variables is not None:
        shown["variables"] = {k: _evaluation(v) for k, v in result.variables.items()}
    return shown


def _filter_result(evaluation: Evaluation) -> dict[str, Any]:
    shown: dict[str, Any] = {"match": evaluation.value}
    if evaluation.error is not None:
        shown["error"] = evaluation.error
    return shown


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    return {"error": evaluation.error} if evaluation.error is not None else {"value": evaluation.value}
