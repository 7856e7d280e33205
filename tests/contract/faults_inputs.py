"""Faults only the input -> output checks and the look-alike scenarios can see: every answer keeps its status,
content type and schema. Modelled on bugs a Go service over Postgres and Temporal could have."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from contract_tests.core.timestamps import parse_timestamp
from tests.contract.faults import _rewrite_data, fault, on, operation
from tests.contract.faults_related import _track_workflow_runs
from tests.contract.proxy import Fault, Request, Response, Send


# ------------------------------------------------------------------ class 1: input -> output
def _drop_send_metadata(entry: dict[str, Any]) -> None:
    stage = entry.get("input")
    if entry.get("name") == "RunSend" and isinstance(stage, dict):
        stage.pop("metadata", None)


@fault(
    "history_send_metadata_dropped",
    "the history row's input is built from the stage struct before its metadata map is copied: sends lose it",
    {"history_input_resolved"},
)
@on("getInstanceHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, _drop_send_metadata)


def _swap_postings(value: Any) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("source"), str) and isinstance(value.get("destination"), str):
            value["source"], value["destination"] = value["destination"], value["source"]
        for sub in value.values():
            _swap_postings(sub)
    elif isinstance(value, list):
        for sub in value:
            _swap_postings(sub)


@fault(
    "transaction_postings_swapped",
    "the activity builds its postings with source and destination swapped (two string fields of one struct)",
    {"stage_activity_inputs"},
)
@on("getInstanceStageHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, lambda entry: _swap_postings(entry.get("input")))


def _amount_defaults_to_zero(instance: dict[str, Any]) -> None:
    if "Amount" not in str(instance.get("error") or ""):
        return
    instance.pop("error", None)
    for stage in instance.get("status") or []:
        if isinstance(stage, dict):
            stage.pop("error", None)


@fault(
    "missing_amount_moves_nothing",
    "a send amount that resolves to nothing is read as zero: the stage succeeds instead of failing",
    {"instance_progress"},
)
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, _amount_defaults_to_zero)


def _waited(request: Request) -> bool:
    return operation(request) == "runWorkflow" and (request.param("wait") or "").lower() in ("true", "1")


async def _skip_the_reread(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if not _waited(request) or response.status != 201:
        return response
    return _rewrite_data(response, lambda instance: instance.pop("status", None))


fault(
    "wait_reread_skipped",
    "`?wait=true` answers the inserted row instead of re-reading it with its stage relation: no `status`",
    {"run_waited"},
)(_skip_the_reread)


async def _status_before_last_commit(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if not _waited(request) or response.status != 201:
        return response

    def drop_last(instance: dict[str, Any]) -> None:
        if instance.get("terminated") is True and instance.get("status"):
            instance["status"] = instance["status"][:-1]

    return _rewrite_data(response, drop_last)


fault(
    "wait_status_missing_last_stage",
    "`?wait=true` reads the stage rows before the last one is committed: a terminated run lacks its last stage",
    {"run_waited"},
)(_status_before_last_commit)


# ------------------------------------------------------------------ class 2: exactly the addressed resource
async def _signal_every_run(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """The event is signalled to the Temporal workflow id built from the *workflow* id: every waiting run of
    that workflow receives it, not only the addressed instance."""
    await _track_workflow_runs(fault, request, response, send)
    if operation(request) != "sendEvent" or response.status >= 300:
        return response
    target = request.parts()[1]
    runs = fault.state.get("runs", [])
    workflow = next((w for w, i in runs if i == target), None)
    for other in [i for w, i in runs if w == workflow and i != target]:
        await send(replace(request, path=request.path.replace(f"/instances/{target}/", f"/instances/{other}/")))
    return response


fault(
    "event_reaches_siblings",
    "an event sent to one instance is delivered to every waiting run of the same workflow",
    {"lookalike_unchanged", "instance_progress"},
)(_signal_every_run)


async def _touch_every_workflow(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """`UPDATE workflows SET updated_at = now()` without its WHERE: each run touches every workflow, and reads
    of the others show the latest run's moment (the addressed one's own row is rewritten by the run, so its
    read still matches). Counted in runs, so that a frozen test clock still shows it."""
    if operation(request) == "runWorkflow" and response.status == 201:
        fault.state["run_count"] = fault.state.get("run_count", 0) + 1
        fault.state["run_of"] = request.parts()[1]
    touched = "run_of" in fault.state and request.parts()[1:2] != [fault.state["run_of"]]
    if operation(request) == "getWorkflow" and response.status == 200 and touched:
        return _rewrite_data(response, lambda workflow: _later(workflow, seconds=fault.state["run_count"]))
    return response


def _later(workflow: dict[str, Any], *, seconds: int) -> None:
    created = parse_timestamp(workflow.get("createdAt"))
    if created is not None:
        workflow["updatedAt"] = (created + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


fault(
    "run_touches_every_workflow",
    "running one workflow bumps `updatedAt` on every workflow",
    {"lookalike_unchanged", "read_matches_created"},
)(_touch_every_workflow)
