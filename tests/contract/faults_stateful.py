"""Faults that need memory or extra upstream calls: soft deletes that leak, ignored filters, auth holes,
validation bypasses, and lifecycle lies about instances."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

from tests.contract.faults import _data, _rewrite_data, fault, on, operation
from tests.contract.proxy import Fault, Request, Response, Send

__all__: list[str] = []


async def _write_token(fault: Fault, send: Send) -> str:
    if "token" not in fault.state:
        form = b"grant_type=client_credentials&client_id=proxy&client_secret=proxy"
        reply = await send(
            Request("POST", "/api/auth/oauth/token", (), {"content-type": "application/x-www-form-urlencoded"}, form)
        )
        fault.state["token"] = reply.json()["access_token"]
    return fault.state["token"]


def _scopes(header: str) -> str:
    token = header.partition(" ")[2]
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("scope", "")
    except (IndexError, ValueError):
        return ""


# ------------------------------------------------------------------ soft deletes
@fault("deleted_workflow_listed", "listWorkflows still shows deleted workflows", {"list_excludes_deleted"})
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    op, cache = operation(request), fault.state.setdefault("workflows", {})
    if op == "createWorkflow" and response.status == 201:
        cache[_data(response)["id"]] = _data(response)
    elif op == "deleteWorkflow" and response.status == 204:
        fault.state.setdefault("deleted", []).append(request.parts()[1])
    elif op == "listWorkflows" and response.status == 200:
        body = response.json()
        body["data"] += [cache[i] for i in fault.state.get("deleted", []) if i in cache]
        return response.with_json(body)
    return response


@fault(
    "deleted_trigger_readable", "a deleted trigger can still be read", {"deleted_resource_not_found", "use_after_free"}
)
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    op, cache = operation(request), fault.state.setdefault("triggers", {})
    if op == "createTrigger" and response.status == 201:
        cache[_data(response)["id"]] = _data(response)
    elif op == "readTrigger" and response.status == 404 and request.parts()[1] in cache:
        return response.with_json({"data": cache[request.parts()[1]]}, status=200)
    return response


# ------------------------------------------------------------------ filters
def _ignore_param(op: str, name: str):
    async def hook(fault: Fault, request: Request, send: Send) -> Request | Response:
        return request.without_param(name) if operation(request) == op else request

    return hook, None


fault("running_filter_ignored", "listInstances ignores running=true", {"running_filter_applied"})(
    _ignore_param("listInstances", "running")
)
fault("workflow_filter_ignored", "listInstances ignores workflowID", {"workflow_filter_applied"})(
    _ignore_param("listInstances", "workflowID")
)
fault("name_filter_ignored", "listTriggers ignores name", {"name_filter_applied"})(
    _ignore_param("listTriggers", "name")
)


# ------------------------------------------------------------------ auth
async def _add_token(fault: Fault, request: Request, send: Send) -> Request | Response:
    if request.api_path and "authorization" not in request.headers:
        return replace(
            request, headers={**request.headers, "authorization": f"Bearer {await _write_token(fault, send)}"}
        )
    return request


fault("auth_not_enforced", "anonymous requests are served (a token is added on their behalf)", {"auth_required"})(
    (_add_token, None)
)


async def _upgrade_token(fault: Fault, request: Request, send: Send) -> Request | Response:
    header = request.headers.get("authorization", "")
    if request.api_path and request.method != "GET" and header and "orchestration:write" not in _scopes(header):
        return replace(
            request, headers={**request.headers, "authorization": f"Bearer {await _write_token(fault, send)}"}
        )
    return request


fault("read_token_can_write", "a read-only token may write", {"write_scope_required"})((_upgrade_token, None))


# ------------------------------------------------------------------ validation
@fault("invalid_definition_accepted", "an invalid definition is swapped for a valid one and accepted (201)",
       {"invalid_definition_rejected", "negative_data_rejection", "malformed_body_rejected"}, slow=True)  # fmt: skip
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if operation(request) == "createWorkflow" and response.status == 400:
        return await send(
            replace(request, body=b'{"stages": []}', headers={**request.headers, "content-type": "application/json"})
        )
    return response


@fault(
    "event_to_terminated_accepted",
    "an event for a terminated instance answers 204",
    {"event_to_finished_rejected"},
    slow=True,
)
@on("sendEvent", status=400)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return Response(204, {}, b"")


@fault(
    "stage_history_beyond_started",
    "history of a stage that never started answers 200 []",
    {"unknown_resource_not_found"},
    slow=True,
)
@on("getInstanceStageHistory", status=404)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return response.with_json({"data": []}, status=200)


# ------------------------------------------------------------------ lifecycle
@fault(
    "history_names_swapped",
    "instance history names the wrong stage kinds",
    {"history_consistent", "history_matches_stages"},
    slow=True,
)
@on("getInstanceHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    swap = {"RunWaitEvent": "RunDelay", "RunDelay": "RunWaitEvent", "RunSend": "RunNoop", "RunNoop": "RunSend"}
    return _rewrite_data(response, lambda item: item.update(name=swap.get(item.get("name"), item.get("name"))))


@fault("history_entry_dropped", "instance history loses its last entry", {"history_matches_stages"})
@on("getInstanceHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    body = response.json()
    body["data"] = body["data"][:-1]
    return response.with_json(body)


async def _track_runs(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if operation(request) == "runWorkflow" and response.status == 201:
        fault.state.setdefault("instances", []).append(_data(response)["id"])
    return response


async def _redirect_event(fault: Fault, request: Request, send: Send) -> Request | Response:
    if operation(request) != "sendEvent":
        return request
    target = request.parts()[1]
    others = [i for i in fault.state.get("instances", []) if i != target]
    if not others:
        return request
    return replace(request, path=request.path.replace(f"/instances/{target}/", f"/instances/{others[-1]}/"))


fault("event_to_wrong_instance", "an event is delivered to another instance", {"instance_progress"})(
    (_redirect_event, _track_runs)
)


@fault(
    "wait_event_terminates_early",
    "a waiting instance is reported terminated without its event",
    {"instance_progress", "instance_status_consistent"},
    slow=True,
)
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def change(item: dict[str, Any]) -> None:
        if item.get("terminated") is False:
            item.update(terminated=True, terminatedAt=item["createdAt"])
            for stage in item.get("status") or []:
                stage.setdefault("terminatedAt", item["createdAt"])

    return _rewrite_data(response, change)


async def _noop_abort(fault: Fault, request: Request, send: Send) -> Request | Response:
    if operation(request) != "cancelEvent":
        return request
    probe = await send(replace(request, method="GET", path=request.path.removesuffix("/abort"), body=b""))
    return Response(204, {}, b"") if probe.status == 200 else probe


fault(
    "abort_is_noop", "abort answers 204 and the instance runs on (the real service)", {"instance_progress"}, slow=True
)((_noop_abort, None))


@fault("occurrences_missing", "matching events record no occurrence", {"occurrences_counted"})
@on("listTriggersOccurrences", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return response.with_json({"data": []})
