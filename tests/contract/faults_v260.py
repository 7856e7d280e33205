"""Bugs in what flows v2.6.0 adds, injected by the proxy in front of a correct mock: trigger versions dropped or
ignored, the workflow an instance embeds missing or wrong, overdrafts booked as plain postings, payouts that
never initiate the transfer. `test_fault_detection` proves each is caught by the checks it names.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tests.contract.faults import _data, _rewrite_data, fault, on, operation
from tests.contract.proxy import Fault, Request, Response, Send

__all__: list[str] = []

_TRIGGER_ANSWERS = ("createTrigger", "readTrigger", "listTriggers")


# ------------------------------------------------------------------ trigger versions
def _remember_version(fault: Fault, request: Request) -> Request:
    """Strip `version` from a createTrigger body, remembering it for the answers, in creation order."""
    body = request.json()
    if operation(request) != "createTrigger" or not isinstance(body, dict) or "version" not in body:
        return request
    fault.state.setdefault("pending", []).append(body.pop("version"))
    return replace(request, body=json.dumps(body).encode())


async def _strip_version(fault: Fault, request: Request, send: Send) -> Request:
    return _remember_version(fault, request)


async def _show_version(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """Answers show the version the request had, as a store that kept it would: only firing ignores it."""
    op, versions = operation(request), fault.state.setdefault("versions", {})
    if op == "createTrigger" and response.status == 201 and fault.state.get("pending"):
        versions[_data(response)["id"]] = fault.state["pending"].pop(0)
    if op not in _TRIGGER_ANSWERS or response.status not in (200, 201):
        return response

    def show(item: dict[str, Any]) -> None:
        if item.get("id") in versions:
            item["version"] = versions[item["id"]]

    return _rewrite_data(response, show)


fault(
    "trigger_version_dropped",
    "triggers are stored without their version (and fire on events of every version)",
    {"read_matches_created", "list_matches_read", "occurrences_counted"},
)((_strip_version, None))

fault(
    "trigger_version_ignored",
    "triggers keep and show their version, but fire on events of every version",
    {"occurrences_counted"},
)((_strip_version, _show_version))


# ------------------------------------------------------------------ the embedded workflow
@fault(
    "instance_without_workflow",
    "getInstance answers without the workflow it ran",
    {"embed_present", "embedded_matches_endpoint"},
)
@on("getInstance", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _rewrite_data(response, lambda item: item.pop("workflow", None))


@fault(
    "listed_instance_embeds_a_stale_workflow",
    "listed instances embed their workflow with another definition",
    {"embed_present", "embedded_matches_endpoint"},
)
@on("listInstances", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def stale(item: dict[str, Any]) -> None:
        workflow = item.get("workflow")
        if isinstance(workflow, dict) and isinstance(workflow.get("config"), dict):
            workflow["config"]["name"] = str(workflow["config"].get("name")) + "-old"

    return _rewrite_data(response, stale)


# ------------------------------------------------------------------ send shapes
def _activities(response: Response, change: Any) -> Response:
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return response
    body["data"] = change(body["data"])
    return response.with_json(body)


@fault(
    "overdraft_booked_as_postings",
    "a send allowing an overdraft books a plain posting instead of the overdraft Numscript",
    {"stage_activity_inputs"},
)
@on("getInstanceStageHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    def plain(entries: list[Any]) -> list[Any]:
        for entry in entries:
            created = (entry.get("input") or {}).get("CreateTransaction") if isinstance(entry, dict) else None
            data = (created or {}).get("data") if isinstance(created, dict) else None
            if isinstance(data, dict) and "script" in data:
                data.pop("script")
                data["postings"] = [{"amount": 1, "asset": "USD/2", "destination": "world", "source": "users:x"}]
        return entries

    return _activities(response, plain)


@fault(
    "payout_never_initiated",
    "a payout debits its source but never initiates the transfer",
    {"stage_activity_inputs"},
)
@on("getInstanceStageHistory", status=200)
def _(fault: Fault, request: Request, response: Response) -> Response:
    return _activities(
        response,
        lambda entries: [
            e for e in entries if not (isinstance(e, dict) and e.get("name") == "CreateTransferInitiation")
        ],
    )
