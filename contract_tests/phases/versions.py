"""The `versions` phase (with `--api all`): one server, two API versions, one state.

A resource created through either version reads the same through the other, field for field, and a
delete through one is seen by the other.
"""

from __future__ import annotations

from typing import Any

from contract_tests.phases.checking import CheckedApi

__all__ = ["run_versions"]

WAIT = {"name": "contract-versions", "stages": [{"wait_event": {"event": "continue"}}]}


def run_versions(v1: CheckedApi, v2: CheckedApi) -> None:
    for maker, reader, version in ((v1, v2, "v2"), (v2, v1, "v1")):
        created = maker.call("createWorkflow", body=WAIT)
        if not maker.apply("valid_request_accepted", created, expected=201, why="create a workflow"):
            return
        workflow = _data(created)
        _agree(reader, "getWorkflow", {"flowId": workflow["id"]}, workflow, version)
        run = reader.call("runWorkflow", path={"workflowID": workflow["id"]}, body={})
        if not reader.apply("valid_request_accepted", run, expected=201, why="run a workflow of the other version"):
            continue
        instance = _data(maker.call("getInstance", path={"instanceID": _data(run)["id"]}))
        if instance:
            _agree(reader, "getInstance", {"instanceID": instance["id"]}, instance, version)
        trigger_body = {"event": "SAVED_PAYMENT", "workflowID": workflow["id"], "name": "contract-versions"}
        trigger = maker.call("createTrigger", body=trigger_body)
        if maker.apply("valid_request_accepted", trigger, expected=201, why="create a trigger"):
            _agree(reader, "readTrigger", {"triggerID": _data(trigger)["id"]}, _data(trigger), version)
        deleted = maker.call("deleteWorkflow", path={"flowId": workflow["id"]})
        if maker.apply("valid_request_accepted", deleted, expected=204, why="delete a workflow"):
            gone = reader.call("getWorkflow", path={"flowId": workflow["id"]})
            reader.apply("deleted_workflow_consistent", gone, allowed=(200, 404))


def _agree(reader: CheckedApi, name: str, path: dict[str, str], other: dict[str, Any], version: str) -> None:
    read = reader.call(name, path=path)
    if reader.apply("valid_request_accepted", read, expected=200, why=f"read through {version} what the other made"):
        reader.apply("versions_agree", read, other=other, version=version)


def _data(ex: Any) -> dict[str, Any]:
    return ex.data if isinstance(ex.data, dict) else {}
