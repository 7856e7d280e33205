"""The invariants phase: fixed, deterministic scenarios for BEHAVIOR.md §10 that a black box can check.

Each scenario is a small function over `Actions`; its steps apply named checks of the registry. Scenarios
that need the control API (bus events, the clock) are skipped, and reported as skipped, when it is absent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from contract_tests.phases.actions import Actions

__all__ = ["SCENARIOS", "Scenario"]

WAIT = {"stages": [{"wait_event": {"event": "continue"}}]}
NOOPS = {"stages": [{"noop": {}}, {"noop": {}}]}
UPDATE_METADATA = {"update": {"account": {"id": "users:contract", "ledger": "default", "metadata": {"k": "v"}}}}
WORLD_TO_BANK = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "default"}},
        "destination": {"account": {"id": "bank", "ledger": "default"}},
        "amount": {"amount": 100, "asset": "EUR/2"},
    }
}


@dataclass(frozen=True)
class Scenario:
    name: str
    invariants: tuple[int, ...]
    needs_control: bool
    run: Callable[[Actions], None]
    # Only for versions with cursor pages and testTrigger (v2); None: every version.
    paginated_only: bool = False


SCENARIOS: list[Scenario] = []


def scenario(
    *invariants: int, control: bool = False, v2: bool = False
) -> Callable[[Callable[[Actions], None]], Callable[[Actions], None]]:
    def register(fn: Callable[[Actions], None]) -> Callable[[Actions], None]:
        SCENARIOS.append(Scenario(fn.__name__, invariants, control, fn, paginated_only=v2))
        return fn

    return register


@scenario(1)
def server_info(a: Actions) -> None:
    a.api.apply("valid_request_accepted", a.api.call("getServerInfo", identity=None), expected=200, why="read /_info")


@scenario(3, 4)
def workflow_lifecycle(a: Actions) -> None:
    wf = a.create_workflow({"name": f"contract-{a.nonce}", "stages": [{"noop": {}}]})
    if wf is None:
        return
    a.read_workflow(wf)
    a.list_workflows()
    a.delete_workflow(wf)
    a.list_workflows()
    a.read_workflow(wf)
    a.delete_workflow(wf)
    a.run(wf)


@scenario(5, 19)
def unknown_ids(a: Actions) -> None:
    unknown = str(uuid.uuid5(uuid.NAMESPACE_URL, f"contract-unknown-{a.nonce}"))
    calls = [
        ("getWorkflow", {"flowId": unknown}, None),
        ("deleteWorkflow", {"flowId": unknown}, None),
        ("runWorkflow", {"workflowID": unknown}, {}),
        ("getInstance", {"instanceID": unknown}, None),
        ("sendEvent", {"instanceID": unknown}, {"name": "continue"}),
        ("cancelEvent", {"instanceID": unknown}, None),
        ("getInstanceHistory", {"instanceID": unknown}, None),
        ("getInstanceStageHistory", {"instanceID": unknown, "number": 0}, None),
        ("readTrigger", {"triggerID": unknown}, None),
        ("deleteTrigger", {"triggerID": unknown}, None),
    ]
    for operation, path, body in calls:
        ex = a.api.call(operation, path=path, **({"body": body} if body is not None else {}))
        a.api.apply("unknown_resource_not_found", ex, expected=404, why=f"{operation} of an unknown id")
    ex = a.api.call("deleteWorkflow", path={"flowId": "not-a-uuid"})
    a.api.apply("malformed_id_rejected", ex, expected=400, why="delete a workflow id that is not a UUID")
    ex = a.api.list_all("listTriggersOccurrences", path={"triggerID": unknown})
    if a.api.apply("valid_request_accepted", ex, expected=200, why="occurrences of an unknown trigger"):
        a.api.apply("occurrences_counted", ex, expected=0, why="unknown trigger")
    ex = a.api.list_all("listInstances", query={"workflowID": unknown})
    a.api.apply("workflow_filter_applied", ex, keep=lambda item: item.get("workflowID") == unknown, rule="unknown id")


@scenario(6)
def invalid_definitions(a: Actions) -> None:
    marker = f"contract-invalid-{a.nonce}"
    bodies = [
        {"name": marker, "stages": [{"transfer": {}}]},
        {"name": marker, "stages": [{}]},
        {"name": marker, "stages": [{"noop": {}, "delay": {"duration": "1s"}}]},
        {"name": marker, "stages": [{"delay": {"duration": "soon"}}]},
        {"name": marker, "stages": [{"send": {}}]},
        {"name": marker},
    ]
    for body in bodies:
        ex = a.api.call("createWorkflow", body=body)
        a.api.apply(
            "invalid_definition_rejected",
            ex,
            expected=400,
            why=f"invalid definition {body.get('stages', 'without stages')}",
        )
    a.api.apply("rejected_not_stored", a.api.list_all("listWorkflows"), marker=marker)


@scenario()
def malformed_bodies(a: Actions) -> None:
    for operation, path in (("createWorkflow", None), ("createTrigger", None)):
        ex = a.api.call(operation, path=path, raw=b'{"stages": [')
        a.api.apply("malformed_body_rejected", ex, expected=400, why=f"{operation} with a truncated JSON body")
    wf = a.create_workflow(WAIT)
    inst = a.run(wf) if wf else None
    if wf is None or inst is None:
        return
    for body in ({"amount": 100}, ["a"]):
        ex = a.api.call("runWorkflow", path={"workflowID": wf.id}, body=body)
        a.api.apply("malformed_body_rejected", ex, expected=400, why="run variables that are not strings")
    a.read_instance(inst)
    for raw in (b"{", b'{"name": 5}'):
        ex = a.api.call("sendEvent", path={"instanceID": inst.id}, raw=raw)
        a.api.apply("malformed_body_rejected", ex, expected=400, why="an event body that is not {name: string}")
    ex = a.api.call("getInstanceStageHistory", path={"instanceID": inst.id, "number": "first"})
    a.api.apply("malformed_body_rejected", ex, expected=400, why="a stage number that is not an integer")


@scenario(7, 11)
def zero_stage_run(a: Actions) -> None:
    wf = a.create_workflow({"stages": []})
    inst = a.run(wf) if wf else None
    if inst is not None:
        a.read_instance(inst)
        a.history(inst)
        a.stage_history(inst, 0)


@scenario(12, 16)
def noop_run(a: Actions) -> None:
    wf = a.create_workflow(NOOPS)
    inst = a.run(wf) if wf else None
    if inst is not None:
        a.read_instance(inst)
        a.history(inst)
        a.stage_history(inst, 1)
        a.stage_history(inst, 2)


@scenario(13, 14)
def wait_event_run(a: Actions) -> None:
    wf = a.create_workflow(WAIT)
    inst = a.run(wf) if wf else None
    if inst is None:
        return
    a.read_instance(inst)
    a.send_event(inst, "something-else")
    a.read_instance(inst)
    a.history(inst)
    a.send_event(inst, "continue")
    a.read_instance(inst)
    a.history(inst)
    a.send_event(inst, "continue")


@scenario(15)
def send_run(a: Actions) -> None:
    wf = a.create_workflow({"stages": [WORLD_TO_BANK]})
    inst = a.run(wf) if wf else None
    if inst is None:
        return
    a.read_instance(inst)
    a.history(inst)
    ex = a.api.call("getInstanceStageHistory", path={"instanceID": inst.id, "number": 0})
    if a.api.apply("valid_request_accepted", ex, expected=200, why="read a send stage's history"):
        a.api.apply("stage_history_matches", ex, activities=["CreateTransaction"])
    a.stage_history(inst, 1)


@scenario(15)
def update_run(a: Actions) -> None:
    """An `update` stage's history names the account as the spec says (`id`)."""
    wf = a.create_workflow({"stages": [UPDATE_METADATA]})
    inst = a.run(wf) if wf else None
    if inst is None:
        return
    a.read_instance(inst)
    ex = a.api.call("getInstanceStageHistory", path={"instanceID": inst.id, "number": 0})
    if a.api.apply("valid_request_accepted", ex, expected=200, why="read an update stage's history"):
        a.api.apply("stage_history_matches", ex, activities=["AddAccountMetadata"])


@scenario()
def abort_run(a: Actions) -> None:
    """Abort stops exactly the addressed instance: an older run of the same workflow waits on."""
    wf = a.create_workflow({"stages": [{"wait_event": {"event": "continue"}}, {"noop": {}}]})
    sibling = a.run(wf) if wf else None
    inst = a.run(wf) if wf else None
    if inst is None or sibling is None:
        return
    a.read_instance(inst)
    a.abort(inst)
    a.read_instance(inst)
    a.read_instance(sibling)
    a.abort(inst)
    a.send_event(inst, "continue")
    a.read_instance(inst)


@scenario(8, 9, 10)
def instance_lists(a: Actions) -> None:
    waiting, finished = a.create_workflow(WAIT), a.create_workflow(NOOPS)
    if waiting is None or finished is None:
        return
    running, done = a.run(waiting), a.run(finished)
    if running is None or done is None:
        return
    a.read_instance(running)
    a.read_instance(done)
    a.list_instances()
    a.list_instances(workflow=waiting)
    a.list_instances(running=True)
    a.list_instances(running=False)
    a.delete_workflow(waiting)
    a.list_instances()
    a.list_instances(workflow=waiting)
    a.read_instance(running)
