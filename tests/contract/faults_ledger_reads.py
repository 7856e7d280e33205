"""Ledger faults of reads, lists, the log, ledgers and tokens (registered into `LEDGER_FAULTS`)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from typing import Any

from tests.contract.faults_ledger import LEDGER_LISTS, fault, ledger_operation, rewrite, with_query
from tests.contract.proxy import Fault, Request, Response, Send


# ------------------------------------------------------------------ reads, lists, logs
@fault("ledger_repeats_across_pages", "a later page repeats the previous page's last item", {"page_walk_complete"})
async def _repeat(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    page = body.get("cursor") if ledger_operation(request) in LEDGER_LISTS and isinstance(body, dict) else None
    if response.status != 200 or not isinstance(page, dict) or not page.get("data"):
        return response
    last = fault.state.get(request.path)
    fault.state[request.path] = page["data"][-1]
    if request.param("cursor") and last is not None and last not in page["data"]:
        page["data"] = [last, *page["data"]]
    return response.with_json(body)


@fault("ledger_filters_ignored", "list filters are ignored", {"ledger_filter_applied"}, on="request")
async def _ignore_filters(fault: Fault, request: Request, send: Send) -> Request:
    listing = ledger_operation(request) in {"listTransactions", "listAccounts"}
    return replace(request, body=b"") if listing and request.body.strip() not in (b"", b"{}") else request


@fault("ledger_oldest_first", "transactions are listed oldest first", {"ledger_list_ordered"}, on="request")
async def _oldest_first(fault: Fault, request: Request, send: Send) -> Request:
    if ledger_operation(request) != "listTransactions" or request.param("cursor"):
        return request
    flipped = "false" if (request.param("reverse") or "").lower() == "true" else "true"
    return with_query(request, "reverse", flipped)


@fault("ledger_log_hash_unchained", "log hashes cover the log alone, not the chain", {"log_chain_valid"})
async def _unchained(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) != "listLogs" or response.status != 200:
        return response

    def rehash(log: dict[str, Any]) -> None:
        digest = hashlib.sha256(json.dumps(log.get("data"), sort_keys=True).encode()).digest()
        log["hash"] = base64.b64encode(digest).decode()

    return rewrite(response, rehash)


@fault("ledger_aggregate_unbalanced", "aggregated balances leave world out", {"money_conserved"})
async def _unbalanced(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    if ledger_operation(request) != "getBalancesAggregated" or response.status != 200 or not body.get("data"):
        return response
    return response.with_json({"data": {asset: total + 100 for asset, total in body["data"].items()}})


@fault("ledger_balance_is_input", "an account's balance shows its input", {"volumes_add_up"})
async def _balance_is_input(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) != "getAccount" or response.status != 200:
        return response

    def change(account: dict[str, Any]) -> None:
        for volume in (account.get("volumes") or {}).values():
            volume["balance"] = volume["input"]

    return rewrite(response, change)


@fault("ledger_stats_miss_one", "stats count one transaction less", {"stats_match_model"})
async def _stats(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) != "readStats" or response.status != 200:
        return response
    return rewrite(response, lambda stats: stats.update(transactions=max(0, stats["transactions"] - 1)))


# ------------------------------------------------------------------ ledgers and tokens
@fault("ledger_created_on_first_write", "a booking on an unknown ledger creates it", {"ledger_not_found"})
async def _auto_create(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) != "createTransaction" or response.status != 404:
        return response
    auth = {"authorization": request.headers.get("authorization", "")}
    await send(Request("POST", f"/api/ledger/v2/{request.ledger_parts()[1]}", (), auth, b""))
    return await send(request)


def _scopes(authorization: str) -> set[str]:
    try:
        claims = authorization.split(" ", 1)[1].split(".")[1]
        return set(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4))).get("scope", "").split())
    except (IndexError, ValueError, AttributeError):
        return set()


@fault("ledger_read_token_writes", "a read-only token is allowed to write", {"write_scope_required"}, on="request")
async def _read_writes(fault: Fault, request: Request, send: Send) -> Request:
    scopes = _scopes(request.headers.get("authorization", ""))
    if not request.ledger_parts() or request.method in ("GET", "HEAD") or "ledger:read" not in scopes:
        return request
    if "ledger:write" in scopes:
        return request
    form = b"grant_type=client_credentials&client_id=fault&client_secret=x&scope=ledger%3Aread+ledger%3Awrite"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    token = (await send(Request("POST", "/api/auth/oauth/token", (), headers, form))).json()["access_token"]
    return replace(request, headers={**request.headers, "authorization": f"Bearer {token}"})
