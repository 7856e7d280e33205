"""Bugs a wallets implementation could have, each injected by the proxy in front of the mock's correct wallets.

Every fault names the checks expected to catch it; `test_fault_detection_wallets` proves the suite does, with
a finding the fault-free baseline does not have. Most keep every answer valid against the schema: only a
suite with a model of the wallets (balances, the spending order, holds) and a look at the ledger behind them
can see them. The ledger reads the suite makes go through the proxy too (`/api/ledger` beside `/api/wallets`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tests.contract.faults_ledger_reads import _scopes
from tests.contract.proxy import Fault, Request, Response, Send

__all__ = ["WALLETS_FAULTS", "wallets_operation"]

_ROUTES = {
    ("GET", ("wallets", "*")): "getWallet",
    ("PATCH", ("wallets", "*")): "updateWallet",
    ("GET", ("wallets", "*", "summary")): "getWalletSummary",
    ("POST", ("wallets", "*", "balances")): "createBalance",
    ("GET", ("wallets", "*", "balances", "*")): "getBalance",
    ("POST", ("wallets", "*", "credit")): "creditWallet",
    ("POST", ("wallets", "*", "debit")): "debitWallet",
    ("GET", ("holds", "*")): "getHold",
    ("POST", ("holds", "*", "confirm")): "confirmHold",
    ("POST", ("holds", "*", "void")): "voidHold",
}
WALLETS_FAULTS: list[Fault] = []


def wallets_operation(request: Request) -> str | None:
    parts = request.wallets_parts()
    for (method, pattern), name in _ROUTES.items():
        same_shape = method == request.method and len(pattern) == len(parts)
        if same_shape and all(p == "*" or p == q for p, q in zip(pattern, parts, strict=True)):
            return name
    return None


def fault(name: str, description: str, caught_by: set[str], *, on: str = "response"):  # type: ignore[no-untyped-def]
    """Register a hook as a fault: a response hook, or with `on="request"` a request hook."""

    def register(hook):  # type: ignore[no-untyped-def]
        request_hook, response_hook = (hook, None) if on == "request" else (None, hook)
        WALLETS_FAULTS.append(Fault(name, description, frozenset(caught_by), request_hook, response_hook))
        return hook

    return register


def _refused(response: Response, code: str) -> bool:
    body = response.json()
    return response.status == 400 and isinstance(body, dict) and body.get("errorCode") == code


def _accepted(response: Response) -> Response:
    return Response(204, {k: v for k, v in response.headers.items() if k != "content-type"}, b"")


def _with_body(request: Request, body: Any) -> Request:
    return replace(request, body=json.dumps(body).encode())


# ------------------------------------------------------------------ the funds rule and the refusals
@fault("wallets_overdraws", "a debit its balances cannot cover is answered 204", {"wallet_overdraft_refused"})
async def _overdraws(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    refused = wallets_operation(request) == "debitWallet" and _refused(response, "INSUFFICIENT_FUND")
    return _accepted(response) if refused else response


@fault("wallets_star_with_others", "`balances: [\"*\", other]` is spent as `[\"*\"]`", {"invalid_balances_refused"},
       on="request")  # fmt: skip
async def _star_with_others(fault: Fault, request: Request, send: Send) -> Request:
    body = request.json()
    if wallets_operation(request) != "debitWallet" or not isinstance(body, dict):
        return request
    names = body.get("balances")
    if isinstance(names, list) and "*" in names and len(names) > 1:
        return _with_body(request, {**body, "balances": ["*"]})
    return request


@fault("wallets_balance_created_twice", "a balance created again is answered 201", {"invalid_balances_refused"})
async def _balance_twice(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if wallets_operation(request) == "createBalance" and _refused(response, "VALIDATION"):
        return response.with_json(request.json(), status=201)
    return response


@fault("wallets_closed_hold_accepted", "confirming or voiding a closed hold is answered 204", {"closed_hold_refused"})
async def _closed_accepted(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    on_hold = wallets_operation(request) in {"confirmHold", "voidHold"}
    return _accepted(response) if on_hold and _refused(response, "HOLD_CLOSED") else response


@fault("wallets_overconfirm_accepted", "confirming more than remains is answered 204", {"hold_overconfirm_refused"})
async def _overconfirm(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    refused = wallets_operation(request) == "confirmHold" and _refused(response, "INSUFFICIENT_FUND")
    return _accepted(response) if refused else response


# ------------------------------------------------------------------ money moved wrong
@fault("wallets_loses_credits", "every third credit is answered 204 but never booked", {"wallet_matches_model"},
       on="request")  # fmt: skip
async def _lose_credits(fault: Fault, request: Request, send: Send) -> Request | Response:
    if wallets_operation(request) != "creditWallet":
        return request
    fault.state["credits"] = fault.state.get("credits", 0) + 1
    return Response(204, {}, b"") if fault.state["credits"] % 3 == 0 else request


@fault("wallets_idempotency_ignored", "a credit replayed with its Idempotency-Key credits again",
       {"wallet_matches_model"}, on="request")  # fmt: skip
async def _no_key(fault: Fault, request: Request, send: Send) -> Request:
    if wallets_operation(request) != "creditWallet":
        return request
    return replace(request, headers={k: v for k, v in request.headers.items() if k != "idempotency-key"})


@fault("wallets_star_spends_main_first", "`balances: [\"*\"]` spends main first, then the others by name",
       {"wallet_matches_model", "wallet_overdraft_refused"}, on="request")  # fmt: skip
async def _main_first(fault: Fault, request: Request, send: Send) -> Request:
    body = request.json()
    if wallets_operation(request) != "debitWallet" or not isinstance(body, dict) or body.get("balances") != ["*"]:
        return request
    auth = {"authorization": request.headers.get("authorization", "")}
    listed = await send(Request("GET", request.path.rsplit("/", 1)[0] + "/balances", (), auth, b""))
    names = sorted(b["name"] for b in (listed.json() or {}).get("cursor", {}).get("data", []))
    ordered = ["main", *(name for name in names if name != "main")]
    return _with_body(request, {**body, "balances": ordered})


@fault("wallets_not_in_the_ledger", "a wallet's ledger accounts read empty: its money is kept beside the ledger",
       {"wallet_matches_ledger"})  # fmt: skip
async def _not_in_ledger(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    account = request.path.rsplit("/", 1)[-1]
    if not request.path.startswith("/api/ledger/") or not account.startswith("wallets:") or response.status != 200:
        return response
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        body["data"]["volumes"] = {}
    return response.with_json(body)


@fault("wallets_confirm_pays_twice", "a confirmation's destination receives twice what the hold gave",
       {"hold_settlement_bounded"})  # fmt: skip
async def _pays_twice(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    account = request.path.rsplit("/", 1)[-1]
    if not request.path.startswith("/api/ledger/") or not account.startswith("contract:") or response.status != 200:
        return response
    body = response.json()
    for volume in ((body or {}).get("data") or {}).get("volumes", {}).values():
        volume.update(input=volume["input"] * 2, balance=volume["balance"] * 2)
    return response.with_json(body)


# ------------------------------------------------------------------ holds and reads
@fault("wallets_hold_remaining_stuck", "a hold's remaining reads as its originalAmount",
       {"hold_matches_model", "hold_remaining_never_grows", "hold_settlement_bounded"})  # fmt: skip
async def _remaining_stuck(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    if wallets_operation(request) != "getHold" or response.status != 200 or not isinstance(body, dict):
        return response
    body["data"]["remaining"] = body["data"].get("originalAmount")
    return response.with_json(body)


@fault("wallets_pending_debit_without_hold", "a pending debit answers 204 with no hold",
       {"valid_request_accepted", "status_code_conformance"})  # fmt: skip
async def _no_hold(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    pending = wallets_operation(request) == "debitWallet" and response.status == 201
    return _accepted(response) if pending else response


@fault("wallets_metadata_update_dropped", "a wallet's metadata update is answered 204 but not kept",
       {"read_matches_created"}, on="request")  # fmt: skip
async def _drop_update(fault: Fault, request: Request, send: Send) -> Request | Response:
    return Response(204, {}, b"") if wallets_operation(request) == "updateWallet" else request


@fault("wallets_unknown_is_a_500", "an unknown wallet or hold is a 500, as v2.1.5 answers it",
       {"unknown_resource_not_found", "not_a_server_error"})  # fmt: skip
async def _unknown_500(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if wallets_operation(request) is None or response.status != 404:
        return response
    return response.with_json({"errorCode": "INTERNAL_ERROR", "errorMessage": "sql: no rows in result set"}, 500)


@fault("wallets_read_token_writes", "a `wallets:read` token is allowed to write", {"write_scope_required"},
       on="request")  # fmt: skip
async def _read_writes(fault: Fault, request: Request, send: Send) -> Request:
    scopes = _scopes(request.headers.get("authorization", ""))
    if not request.wallets_parts() or request.method == "GET" or scopes != {"wallets:read"}:
        return request
    form = b"grant_type=client_credentials&client_id=fault&client_secret=x&scope=wallets%3Aread+wallets%3Awrite"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    token = (await send(Request("POST", "/api/auth/oauth/token", (), headers, form))).json()["access_token"]
    return replace(request, headers={**request.headers, "authorization": f"Bearer {token}"})
