"""Structural response checks: one answer must be consistent with itself (instances, histories, occurrences)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []

# History entry name -> a key its resolved input must have (None: no requirement beyond being an object).
HISTORY_INPUT_KEYS: dict[str, tuple[str, ...]] = {
    "RunSend": ("source", "destination"),
    "RunDelay": (),
    "RunWaitEvent": ("event",),
    "RunUpdate": ("account",),
    "RunNoop": (),
}


def _items(ex: Exchange) -> list[dict[str, Any]]:
    data = ex.data if 200 <= ex.status < 300 else None
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    return [data] if isinstance(data, dict) else []


def _fail(title: str, expected: str, actual: str) -> Violation:
    return Violation(title, expected=expected, actual=actual, kind=title)


def instance_problems(instance: dict[str, Any]) -> list[str]:
    """What is inconsistent inside one instance (BEHAVIOR.md §10 invariant 12); empty when nothing."""
    problems = []
    status = [s for s in instance.get("status") or [] if isinstance(s, dict)]
    numbers = [s.get("stage") for s in status]
    if numbers != list(range(len(status))):
        problems.append(f"stage numbers {numbers} are not 0..{len(status) - 1}")
    if any(s.get("instanceID") not in (None, instance.get("id")) for s in status):
        problems.append("a stage record names another instance")
    if any("terminatedAt" not in s or s.get("error") for s in status[:-1]):
        problems.append("a stage before the last is unfinished or failed")
    terminated = instance.get("terminated")
    if terminated is True:
        if not instance.get("terminatedAt"):
            problems.append("terminated without terminatedAt")
        if status and "terminatedAt" not in status[-1]:
            problems.append("terminated while its last stage runs")
        if instance.get("error") and status and status[-1].get("error") != instance.get("error"):
            problems.append("instance error differs from its last stage's error")
    elif terminated is False and (instance.get("terminatedAt") or instance.get("error")):
        problems.append("running but has terminatedAt or error")
    return problems


@check(kind="response", invariants=(12,), service="orchestration")
def instance_status_consistent(ex: Exchange) -> None:
    """An instance's stage records are numbered 0..k, only the last may run or fail, errors agree."""
    if ex.operation.name not in ("getInstance", "runWorkflow", "listInstances"):
        return
    for instance in _items(ex):
        problems = instance_problems(instance)
        if problems:
            raise _fail(
                f"inconsistent instance: {problems[0]}", "a self-consistent instance", f"{problems} in {instance}"
            )


@check(kind="response", invariants=(13,), service="orchestration")
def history_consistent(ex: Exchange) -> None:
    """Instance history: known stage names with matching inputs; only the last entry may be unfinished."""
    if ex.operation.name != "getInstanceHistory":
        return
    entries = _items(ex)
    for index, entry in enumerate(entries):
        name, data = entry.get("name"), entry.get("input")
        if name not in HISTORY_INPUT_KEYS:
            raise _fail("unknown history entry name", f"one of {sorted(HISTORY_INPUT_KEYS)}", f"{name!r}")
        missing = [k for k in HISTORY_INPUT_KEYS[name] if not isinstance(data, dict) or k not in data]
        if missing or (name == "RunNoop" and data not in ({}, None)):
            raise _fail(
                f"{name} entry with another stage's input", f"{name} input with {missing or 'no keys'}", f"{data}"
            )
        if entry.get("terminated") is True and "terminatedAt" not in entry:
            raise _fail("terminated history entry without terminatedAt", "terminatedAt", f"{entry}")
        if index < len(entries) - 1 and entry.get("terminated") is not True:
            raise _fail("unfinished history entry before the last", "earlier stages terminated", f"entry {index}")


@check(kind="response", invariants=(16,), service="orchestration")
def stage_history_consistent(ex: Exchange) -> None:
    """Stage history: input/output keyed by the activity, attempt >= 1, retry fields only on the last pending entry."""
    if ex.operation.name != "getInstanceStageHistory":
        return
    entries = _items(ex)
    for index, entry in enumerate(entries):
        last_pending = index == len(entries) - 1 and entry.get("terminated") is False
        if isinstance(entry.get("attempt"), int) and entry["attempt"] < 1:
            raise _fail("activity attempt below 1", "attempt >= 1", f"{entry.get('attempt')}")
        if entry.get("terminated") is True and ("terminatedAt" not in entry or "nextExecution" in entry):
            raise _fail(
                "terminated activity without terminatedAt or with nextExecution", "terminatedAt only", f"{entry}"
            )
        if not last_pending and ("nextExecution" in entry or "lastFailure" in entry):
            raise _fail(
                "retry fields on a finished activity", "nextExecution/lastFailure on the pending one", f"{entry}"
            )
        if index < len(entries) - 1 and entry.get("terminated") is not True:
            raise _fail("pending activity before the last", "only the last activity pending", f"entry {index}")
        for part in ("input", "output"):
            value = entry.get(part)
            if isinstance(value, dict) and entry.get("name") not in value:
                raise _fail(f"activity {part} not keyed by its name", f"{part}.{entry.get('name')}", f"{value}"[:300])


@check(kind="response", invariants=(22,), service="orchestration")
def occurrence_consistent(ex: Exchange) -> None:
    """An occurrence belongs to the listed trigger and has `error` exactly when it has no instance."""
    if ex.operation.name != "listTriggersOccurrences":
        return
    trigger_id = ex.case.path_parameters.get("triggerID")
    for occurrence in _items(ex):
        has_instance = bool(occurrence.get("workflowInstanceID"))
        if has_instance == bool(occurrence.get("error")):
            raise _fail("occurrence error/instance mismatch", "error xor workflowInstanceID", f"{occurrence}")
        if occurrence.get("triggerID") != trigger_id:
            raise _fail("occurrence of another trigger", f"triggerID {trigger_id}", f"{occurrence.get('triggerID')}")
        embedded = occurrence.get("workflowInstance")
        if isinstance(embedded, dict) and embedded.get("id") != occurrence.get("workflowInstanceID"):
            raise _fail("embedded instance differs from workflowInstanceID", "the same id", f"{embedded.get('id')}")
