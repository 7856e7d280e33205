"""Exactly the addressed resource (issue 13, class 2): every operation that acts on an id runs while
look-alikes exist (runs of one workflow, workflows of one shape, triggers on one event type), and the
look-alikes read afterwards exactly as they read before.

Related views are compared again once the state has moved on (class 3): a listed instance equals its read
after an event and an abort changed it.
"""

from __future__ import annotations

from typing import Any

from contract_tests.checks.related import EMBEDDED_INSTANCE_FIELDS
from contract_tests.oracle.model import InstanceModel, TriggerModel, WorkflowModel
from contract_tests.phases.actions import Actions
from contract_tests.phases.invariants import WAIT, scenario

__all__: list[str] = []

TWINS = 3


def _snapshot(a: Actions, operation: str, path: dict[str, Any], **request: Any) -> Any:
    """What a look-alike reads as now (None when the read does not answer 200: other checks judge that)."""
    ex = a.api.list_all(operation, path=path, **request) if request else a.api.call(operation, path=path)
    return ex.data if ex.status == 200 else None


def _unchanged(a: Actions, before: dict[str, Any], what: str, operation: str, path: dict[str, Any]) -> None:
    if before.get(what) is None:
        return
    ex = a.api.call(operation, path=path)
    if ex.status == 200:
        a.api.apply("lookalike_unchanged", ex, before=before[what], what=what)


def _instance_views(a: Actions, runs: list[InstanceModel]) -> dict[str, Any]:
    """Each run's instance, history and first stage history, read together (reads, nothing written between)."""
    reads = {
        name: (operation, {"path": path})
        for run in runs
        for name, operation, path in (
            (f"instance {run.id}", "getInstance", {"instanceID": run.id}),
            (f"history of {run.id}", "getInstanceHistory", {"instanceID": run.id}),
            (f"stage 0 of {run.id}", "getInstanceStageHistory", {"instanceID": run.id, "number": 0}),
        )
    }
    answers = a.api.call_all(*reads.values())
    return {name: ex.data if ex.status == 200 else None for name, ex in zip(reads, answers, strict=True)}


def _instances_unchanged(a: Actions, before: dict[str, Any], runs: list[InstanceModel]) -> None:
    """Each view `_instance_views` read, read again (together) and held to what it was."""
    reads = [
        (what, operation, {"path": path})
        for run in runs
        for what, operation, path in (
            (f"instance {run.id}", "getInstance", {"instanceID": run.id}),
            (f"history of {run.id}", "getInstanceHistory", {"instanceID": run.id}),
            (f"stage 0 of {run.id}", "getInstanceStageHistory", {"instanceID": run.id, "number": 0}),
        )
        if before.get(what) is not None
    ]
    for (what, _, _), ex in zip(reads, a.api.call_all(*((op, request) for _, op, request in reads)), strict=True):
        if ex.status == 200:
            a.api.apply("lookalike_unchanged", ex, before=before[what], what=what)


@scenario(11, 13, 14, 22)
def lookalike_instances(a: Actions) -> None:
    """Three waiting runs of one workflow: reads, histories, an event and an abort each reach only their own."""
    wf = a.create_workflow({"stages": [*WAIT["stages"], {"noop": {}}]})
    runs = [run for run in (a.run(wf) for _ in range(TWINS)) if run is not None] if wf else []
    if wf is None or len(runs) < TWINS:
        return
    first, target, last = runs
    for run in runs:
        a.read_instance(run)
        a.api.apply(
            "read_matches_created",
            a.api.call("getInstance", path={"instanceID": run.id}),
            created={"id": run.id, "workflowID": wf.id},
            fields=("id", "workflowID"),
        )
    before = _instance_views(a, [first, last])
    a.history(target)
    a.stage_history(target, 0)
    a.send_event(target, "continue")
    a.read_instance(target)
    a.history(target)
    a.stage_history(target, 1)
    _instances_unchanged(a, before, [first, last])
    before = _instance_views(a, [last])
    a.abort(first)
    a.read_instance(first)
    _instances_unchanged(a, before, [last])
    a.send_event(first, "continue")
    _listed_instances_match_reads(a, wf, runs)


def _listed_instances_match_reads(a: Actions, wf: WorkflowModel, runs: list[InstanceModel]) -> None:
    """After the state moved (one finished, one aborted, one waiting), each listed run equals its read."""
    reads = {run.id: _snapshot(a, "getInstance", {"instanceID": run.id}) for run in runs}
    reads = {key: value for key, value in reads.items() if isinstance(value, dict)}
    ex = a.api.list_all("listInstances", query={"workflowID": wf.id})
    if ex.status == 200:
        a.api.apply("list_matches_read", ex, reads=reads, fields=EMBEDDED_INSTANCE_FIELDS)


@scenario(3, 4, 10)
def lookalike_workflows(a: Actions) -> None:
    """Three workflows of one shape: a read, a run and a delete addressed to one touch no other."""
    twins = [
        a.create_workflow({"name": f"contract-twin-{n}-{a.nonce}", "stages": [{"noop": {}}]}) for n in range(TWINS)
    ]
    if any(w is None for w in twins):
        return
    first, target, last = [w for w in twins if w is not None]
    for twin in (first, target, last):
        a.read_workflow(twin)
    before = _workflow_views(a, [first, last])
    run = a.run(target)
    if run is not None:
        a.read_instance(run)
    a.list_instances(workflow=first)
    a.delete_workflow(target)
    for twin in (first, last):
        _unchanged(a, before, f"workflow {twin.id}", "getWorkflow", {"flowId": twin.id})
        instances = a.api.list_all("listInstances", query={"workflowID": twin.id})
        if instances.status == 200:
            a.api.apply(
                "lookalike_unchanged", instances, before=before[f"runs of {twin.id}"], what=f"runs of {twin.id}"
            )
    a.read_workflow(target)
    a.list_workflows()


def _workflow_views(a: Actions, twins: list[WorkflowModel]) -> dict[str, Any]:
    views: dict[str, Any] = {}
    for twin in twins:
        views[f"workflow {twin.id}"] = _snapshot(a, "getWorkflow", {"flowId": twin.id})
        views[f"runs of {twin.id}"] = _snapshot(a, "listInstances", None, query={"workflowID": twin.id})
    return views


@scenario(18, 19, 20, 21)
def lookalike_triggers(a: Actions) -> None:
    """Three triggers on one event type: a read and a delete addressed to one touch no other; an event fires
    each remaining trigger once, and each lists only its own occurrence."""
    wf = a.create_workflow({"stages": [{"noop": {}}]})
    if wf is None:
        return
    event_type = f"CONTRACT_TWINS_{a.nonce.upper()}"
    made = [
        a.create_trigger({"name": f"contract-twin-{n}-{a.nonce}", "event": event_type, "workflowID": wf.id})
        for n in range(TWINS)
    ]
    triggers: list[TriggerModel] = [t for t in made if t is not None]
    if len(triggers) < TWINS:
        return
    first, target, last = triggers
    for trigger in triggers:
        a.read_trigger(trigger)
    before = {f"trigger {t.id}": _snapshot(a, "readTrigger", {"triggerID": t.id}) for t in (first, last)}
    a.occurrences(target)
    a.delete_trigger(target)
    for trigger in (first, last):
        _unchanged(a, before, f"trigger {trigger.id}", "readTrigger", {"triggerID": trigger.id})
    a.read_trigger(target)
    a.publish({"type": event_type, "payload": {"id": "twins"}})
    for trigger in triggers:
        a.occurrences(trigger)
    a.list_triggers(name=f"twin-1-{a.nonce}")
    # Deleting the others too keeps the suite's live triggers within the real service's v1 list of 15.
    before = {f"trigger {last.id}": _snapshot(a, "readTrigger", {"triggerID": last.id})}
    a.delete_trigger(first)
    _unchanged(a, before, f"trigger {last.id}", "readTrigger", {"triggerID": last.id})
    a.delete_trigger(last)
