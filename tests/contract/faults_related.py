"""Faults of issue 13's three classes, modelled on bugs a Go service over Postgres and Temporal could have:
an input that never reaches its documented output, an operation addressed by id that acts on a look-alike, and
an embedded or listed object that disagrees with its own endpoint. Each names the check that catches it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tests.contract.faults import _data, _rewrite_data, fault, on, operation
from tests.contract.proxy import Fault, Request, Response, Send


# ------------------------------------------------------------------ class 1: input -> output
@fault(
    "workflow_name_not_stored",
    "the workflow `name` column is never written: reads and lists answer name ''",
    {"read_matches_created", "list_matches_read"},
)
async def _(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if operation(request) not in ("getWorkflow", "listWorkflows") or response.status != 200:
        return response
    return _rewrite_data(response, lambda item: (item.get("config") or {}).update(name=""))


def _truncate_amounts(entry: dict[str, Any]) -> None:
    amount = (entry.get("input") or {}).get("amount")
    if isinstance(amount, dict) and isinstance(amount.get("amount"), int) and amount["amount"] >= 10**6:
        amount["amount"] = int(str(amount["amount"])[:6])


@fault(
    "trigger_var_truncated",
    "a var value reaches the run cut to 6 characters (a varchar(6) column): 1000000 becomes 100000",
    {"vars_reach_run"},
)
@on("getInstanceHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, _truncate_amounts)


# ------------------------------------------------------------------ class 2: exactly the addressed resource
async def _track_workflow_runs(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if operation(request) == "runWorkflow" and response.status == 201:
        created = _data(response)
        fault.state.setdefault("runs", []).append((created["workflowID"], created["id"]))
    return response


async def _abort_oldest_sibling(fault: Fault, request: Request, send: Send) -> Request | Response:
    """`UPDATE ... WHERE workflow_id = $1 AND NOT terminated ORDER BY created_at LIMIT 1`: the oldest running run
    of the addressed instance's workflow is aborted."""
    if operation(request) != "cancelEvent":
        return request
    target = request.parts()[1]
    runs = fault.state.get("runs", [])
    workflow = next((w for w, i in runs if i == target), None)
    for other in [i for w, i in runs if w == workflow and i != target]:
        probe = await send(
            replace(request, method="GET", path=request.path.replace(f"{target}/abort", other), body=b"")
        )
        if probe.status == 200 and (_data(probe) or {}).get("terminated") is False:
            return replace(request, path=request.path.replace(f"/instances/{target}/", f"/instances/{other}/"))
    return request


fault(
    "abort_hits_oldest_sibling",
    "abort stops the oldest running instance of the same workflow, not the addressed one",
    {"instance_progress"},
)((_abort_oldest_sibling, _track_workflow_runs))


async def _track_triggers(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if operation(request) == "createTrigger" and response.status == 201:
        created = _data(response)
        fault.state.setdefault("triggers", []).append((created["event"], created["id"]))
    elif operation(request) == "deleteTrigger" and response.status == 204:
        fault.state.setdefault("deleted", set()).add(request.parts()[1])
    return response


async def _delete_newest_same_event(fault: Fault, request: Request, send: Send) -> Request | Response:
    """`DELETE FROM triggers WHERE event = $1` on the newest row: another trigger of the same event goes."""
    if operation(request) != "deleteTrigger":
        return request
    target, deleted = request.parts()[1], fault.state.get("deleted", set())
    triggers = fault.state.get("triggers", [])
    event = next((e for e, i in triggers if i == target), None)
    others = [i for e, i in triggers if e == event and i != target and i not in deleted]
    if target in deleted or not others:
        return request
    return replace(request, path=request.path.replace(f"/triggers/{target}", f"/triggers/{others[-1]}"))


fault(
    "delete_trigger_hits_sibling",
    "deleting a trigger deletes the newest other trigger of the same event",
    {"deleted_resource_not_found", "list_contains_created", "list_excludes_deleted"},
)((_delete_newest_same_event, _track_triggers))


# ------------------------------------------------------------------ class 3: related views agree
def _stale_instance(occurrence: dict[str, Any]) -> None:
    embedded = occurrence.get("workflowInstance")
    if isinstance(embedded, dict) and embedded.get("terminated") is True:
        embedded["terminated"] = False
        embedded.pop("terminatedAt", None)


@fault(
    "embedded_instance_stale",
    "an occurrence embeds its run as it was when it started (terminated false), not as it is",
    {"embedded_matches_endpoint"},
)
@on("listTriggersOccurrences", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, _stale_instance)


def _an_hour_earlier(item: dict[str, Any]) -> None:
    created = item.get("createdAt")
    if isinstance(created, str):
        moment = datetime.fromisoformat(created.replace("Z", "+00:00")) - timedelta(hours=1)
        item["createdAt"] = moment.isoformat().replace("+00:00", "Z")


@fault(
    "listed_created_at_shifted",
    "listed workflows carry createdAt an hour early (the list query scans it in another time zone)",
    {"list_matches_read"},
)
@on("listWorkflows", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, _an_hour_earlier)


@fault(
    "trigger_list_capped",
    "GET /triggers answers the first 15 live triggers only (a page size applied to an unpaged list)",
    {"list_contains_created"},
)
@on("listTriggers", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    body = response.json()
    body["data"] = body["data"][:15]
    return response.with_json(body)


# ------------------------------------------------------------------ issue 29: views re-read after a change
def _cached(fault: Fault, key: str, ident: Any, fresh: dict[str, Any]) -> dict[str, Any]:
    """The copy first served for `ident`, served again whatever the resource became (a cache never evicted)."""
    return fault.state.setdefault(key, {}).setdefault(ident, fresh)


@fault(
    "occurrence_instance_cached",
    "an occurrence embeds its run as first served (a cache never invalidated): stale once the run moves on",
    {"embedded_matches_endpoint"},
)
@on("listTriggersOccurrences", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def stale(occurrence: dict[str, Any]) -> None:
        embedded = occurrence.get("workflowInstance")
        if isinstance(embedded, dict) and embedded.get("id"):
            occurrence["workflowInstance"] = _cached(fault, "instances", embedded["id"], embedded)

    return _rewrite_data(response, stale)


@fault(
    "listed_instance_cached",
    "listed instances are served as first listed: an instance that moved on still lists as it was",
    {"embedded_matches_endpoint"},
)
@on("listInstances", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def stale(item: dict[str, Any]) -> None:
        first = _cached(fault, "listed", item.get("id"), dict(item))
        item.update({k: first.get(k) for k in ("terminated", "terminatedAt", "updatedAt", "error")})
        for gone in [k for k in ("terminatedAt", "error") if first.get(k) is None]:
            item.pop(gone, None)

    return _rewrite_data(response, stale)
