"""Realistic bugs a vendor's implementation could have, each injected by the proxy in front of a correct mock.

Every fault names the checks expected to catch it. `test_fault_detection` proves the suite does.
"""

from __future__ import annotations

from typing import Any

from tests.contract.proxy import Fault, Request, Response, Send

__all__ = ["FAULTS", "operation"]

_ROUTES = {
    ("GET", ("_info",)): "getServerInfo",
    ("GET", ("workflows",)): "listWorkflows",
    ("POST", ("workflows",)): "createWorkflow",
    ("GET", ("workflows", "*")): "getWorkflow",
    ("DELETE", ("workflows", "*")): "deleteWorkflow",
    ("POST", ("workflows", "*", "instances")): "runWorkflow",
    ("GET", ("instances",)): "listInstances",
    ("GET", ("instances", "*")): "getInstance",
    ("POST", ("instances", "*", "events")): "sendEvent",
    ("PUT", ("instances", "*", "abort")): "cancelEvent",
    ("GET", ("instances", "*", "history")): "getInstanceHistory",
    ("GET", ("instances", "*", "stages", "*", "history")): "getInstanceStageHistory",
    ("GET", ("triggers",)): "listTriggers",
    ("POST", ("triggers",)): "createTrigger",
    ("GET", ("triggers", "*")): "readTrigger",
    ("DELETE", ("triggers", "*")): "deleteTrigger",
    ("GET", ("triggers", "*", "occurrences")): "listTriggersOccurrences",
}


def operation(request: Request) -> str | None:
    parts = request.parts()
    for (method, pattern), name in _ROUTES.items():
        same_shape = method == request.method and len(pattern) == len(parts)
        if same_shape and all(p == "*" or p == q for p, q in zip(pattern, parts, strict=True)):
            return name
    return None


def _data(response: Response) -> Any:
    body = response.json()
    return body.get("data") if isinstance(body, dict) else None


def _rewrite_data(response: Response, change: Any) -> Response:
    """Apply `change(item)` to the data object, or to every item of a data list."""
    body = response.json()
    if not isinstance(body, dict) or "data" not in body:
        return response
    items = body["data"] if isinstance(body["data"], list) else [body["data"]]
    for item in items:
        if isinstance(item, dict):
            change(item)
    return response.with_json(body)


def on(op: str, *, status: int | None = None):
    """A response hook that only applies to one operation (and optionally one status)."""

    def wrap(change):
        async def hook(fault: Fault, request: Request, response: Response, send: Send) -> Response:
            if operation(request) != op or (status is not None and response.status != status):
                return response
            return change(fault, request, response)

        return hook

    return wrap


FAULTS: list[Fault] = []


def fault(name: str, description: str, caught_by: set[str], *, slow: bool = False):
    def register(hooks):
        request_hook, response_hook = hooks if isinstance(hooks, tuple) else (None, hooks)
        FAULTS.append(Fault(name, description, frozenset(caught_by), request_hook, response_hook, slow))
        return hooks

    return register


# ------------------------------------------------------------------ statuses
@fault(
    "create_201_as_200",
    "createWorkflow answers 200 instead of 201",
    {"documented_success_status", "valid_request_accepted"},
)
@on("createWorkflow", status=201)
def _(fault: Fault, request: Request, response: Response) -> Response:
    response.status = 200
    return response


@fault(
    "delete_204_as_200",
    "deleteTrigger answers 200 instead of 204",
    {"documented_success_status", "valid_request_accepted"},
)
@on("deleteTrigger", status=204)
def _(fault: Fault, request: Request, response: Response) -> Response:
    response.status = 200
    return response


@fault(
    "unknown_instance_500",
    "an unknown instance answers 500 INTERNAL (the real service)",
    {"not_a_server_error", "unknown_resource_not_found"},
)
@on("getInstance", status=404)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return response.with_json({"errorCode": "INTERNAL", "errorMessage": "Instance not found"}, status=500)


@fault(
    "unknown_workflow_200", "an unknown workflow id answers 200 with a made-up workflow", {"unknown_resource_not_found"}
)
@on("getWorkflow", status=404)
def _(fault: Fault, request: Request, response: Response) -> Response:
    made_up = {"id": request.parts()[1], "config": {"name": "", "stages": []}, "createdAt": "2024-01-01T00:00:00Z",
               "updatedAt": "2024-01-01T00:00:00Z", "deletedAt": None}  # fmt: skip
    return response.with_json({"data": made_up}, status=200)


@fault("not_found_code_mismatch", "404 answers carry errorCode VALIDATION", {"error_body"})
@on("readTrigger", status=404)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return response.with_json({"errorCode": "VALIDATION", "errorMessage": "no such trigger"})


@fault("empty_401", "401 answers have an empty body (the real service)", {"error_body", "response_schema_conformance"})
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    return Response(401, {"content-type": "application/json"}, b"") if response.status == 401 else response


# ------------------------------------------------------------------ shapes
@fault("drop_workflow_id", "createWorkflow's answer lacks data.id", {"response_schema_conformance"})
@on("createWorkflow", status=201)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, lambda item: item.pop("id", None))


@fault("drop_terminated", "instances are read without `terminated`", {"response_schema_conformance"})
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, lambda item: item.pop("terminated", None))


@fault("terminated_as_string", "listed instances carry terminated as a string", {"response_schema_conformance"})
@on("listInstances", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, lambda item: item.update(terminated=str(item.get("terminated")).lower()))


@fault(
    "stage_as_string",
    "stage records number stages with strings",
    {"response_schema_conformance", "instance_status_consistent"},
)
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def change(item: dict[str, Any]) -> None:
        for stage in item.get("status") or []:
            stage["stage"] = str(stage["stage"])

    return _rewrite_data(response, change)


@fault(
    "no_data_envelope",
    "readTrigger answers the trigger without the data wrapper",
    {"response_schema_conformance", "envelope"},
)
@on("readTrigger", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return response.with_json(_data(response))


@fault("wrong_content_type", "JSON answers say text/plain", {"content_type_conformance"})
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if response.headers.get("content-type", "").startswith("application/json") and operation(request) == "listTriggers":
        response.headers["content-type"] = "text/plain"
    return response


@fault("duplicate_ids", "listTriggers repeats its first item", {"unique_ids"})
@on("listTriggers", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    body = response.json()
    if body["data"]:
        body["data"].append(body["data"][0])
    return response.with_json(body)


@fault("terminated_before_created", "terminatedAt is an hour before createdAt", {"timestamps_ordered"})
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def change(item: dict[str, Any]) -> None:
        if item.get("terminatedAt"):
            item["terminatedAt"] = "2000-01-01T00:00:00Z"

    return _rewrite_data(response, change)


@fault("config_changed_on_read", "getWorkflow returns the definition with one more stage", {"read_matches_created"})
@on("getWorkflow", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def change(item: dict[str, Any]) -> None:
        config = item.get("config") or {}
        config["stages"] = [*(config.get("stages") or []), {"noop": {}}]

    return _rewrite_data(response, change)


# Registers the stateful faults, the faults of issue 13's three classes and those of flows v2.6.0's additions.
from tests.contract import faults_inputs, faults_related, faults_stateful, faults_v260  # noqa: E402,F401
