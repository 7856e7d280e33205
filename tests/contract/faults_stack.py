"""Bugs only the stack's cross-service phase can see, and harness faults that must change no verdict.

Each `STACK_FAULTS` entry breaks the seam between two services while each service, read alone, stays
plausible: `test_fault_detection_stack` proves the stack phase catches each. `HARNESS_FAULTS` are not bugs
(a slow network, connections closed after every answer, reads sent twice upstream): the verdict under each
must be the healthy one.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

from tests.contract.proxy import Fault, Request, Response, Send

__all__ = ["HARNESS_FAULTS", "STACK_FAULTS"]


# Each hook rewrites only the answer it was written for (its method, path, status and shape) and leaves any
# other answer unchanged: an error body, the other API version's shape, a page another tool asked for. A hook
# that raised would make the proxy answer 500, a finding that is not the bug the fault stands for.


def _dig(value: object, *keys: str) -> object:
    """``value[k1][k2]...``, or None where a step is not an object holding the key."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _listed(body: object) -> list[dict[str, Any]] | None:
    """The objects of a cursor page (``{"cursor": {"data": [...]}}``), or None for any other body."""
    data = _dig(body, "cursor", "data")
    return data if isinstance(data, list) and all(isinstance(item, dict) for item in data) else None


async def _hide_workflow_bookings(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    parts, body = request.ledger_parts(), response.json()
    if request.method != "GET" or len(parts) != 3 or parts[2] != "transactions" or response.status != 200:
        return response
    listed = _listed(body)
    if listed is None:
        return response
    # A workflow's cross-ledger move is marked `orchestration/move-to-ledger`: those are the ones hidden.
    kept = [tx for tx in listed if not any(str(k).startswith("orchestration/") for k in tx.get("metadata") or {})]
    return response.with_json({**body, "cursor": {**body["cursor"], "data": kept}})


async def _wallet_off_ledger(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    parts, body = request.wallets_parts(), response.json()
    if request.method != "GET" or len(parts) != 2 or parts[0] != "wallets" or response.status != 200:
        return response
    assets = _dig(body, "data", "balances", "main", "assets")
    if not isinstance(assets, dict) or not all(isinstance(a, int) for a in assets.values()):
        return response
    body["data"]["balances"]["main"]["assets"] = {asset: amount * 2 for asset, amount in assets.items()}
    return response.with_json(body)


def _rewrite_types(change):  # type: ignore[no-untyped-def]
    async def hook(fault: Fault, request: Request, send: Send) -> Request:
        body = request.json()
        if request.method != "POST" or not request.path.endswith("/api/webhooks/configs"):
            return request
        if not isinstance(body, dict) or not isinstance(body.get("eventTypes"), list):
            return request  # a body the service refuses anyway: sent as it is
        return replace(request, body=json.dumps({**body, "eventTypes": change(body["eventTypes"])}).encode())

    return hook


async def _no_occurrences(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """Empties v2's occurrence pages (the stack phase reads v2); v1's ``{"data": [...]}`` and errors pass."""
    body = response.json()
    if request.method != "GET" or not request.path.endswith("/occurrences") or response.status != 200:
        return response
    if _listed(body) is None:
        return response
    return response.with_json({**body, "cursor": {**body["cursor"], "data": []}})


def _with_starts(types: list[str]) -> list[str]:
    return [*types, "orchestration.started_workflow"]


STACK_FAULTS = [
    Fault("ledger_hides_workflow_bookings", "the ledger lists no transaction a workflow booked across ledgers",
          frozenset({"workflow_money_in_ledger"}), on_response=_hide_workflow_bookings),
    Fault("wallet_not_its_account", "a wallet reads twice what its ledger account holds",
          frozenset({"wallet_is_its_ledger_account"}), on_response=_wallet_off_ledger),
    Fault("webhook_sends_everything", "a config also receives workflow starts it never asked for",
          frozenset({"webhook_types_respected"}), on_request=_rewrite_types(_with_starts)),
    Fault("trigger_ignores_ledger_writes", "a trigger's occurrences read empty after a ledger write",
          frozenset({"ledger_write_fires_trigger"}), on_response=_no_occurrences),
]  # fmt: skip


async def _slow(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    await asyncio.sleep(0.02)
    return response


async def _closing(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    return Response(response.status, {**response.headers, "connection": "close"}, response.body)


async def _reads_twice(fault: Fault, request: Request, send: Send) -> Request | Response:
    if request.method != "GET":
        return request
    await send(request)  # the first answer is thrown away, as a retrying network would
    return await send(request)


HARNESS_FAULTS = [
    Fault("slow", "every answer 20 ms late", frozenset(), on_response=_slow),
    Fault("dropping", "every connection closed after its answer", frozenset(), on_response=_closing),
    Fault("duplicating", "every read sent twice upstream", frozenset(), on_request=_reads_twice),
]
