"""Bugs a ledger implementation could have, each injected by the proxy in front of the mock's correct ledger.

Every fault names the checks expected to catch it; `test_fault_detection_ledger` proves the suite does, with
a finding the fault-free baseline does not have. Most keep every answer valid against the schema: only a
suite with a model of the ledger (balances, ids, reverts, keys, pages, the log chain) can see them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.contract.proxy import Fault, Request, Response, Send

__all__ = ["LEDGER_FAULTS", "LEDGER_LISTS", "fault", "ledger_operation", "rewrite", "with_query"]

REVERTS_KEY = "com.formance.spec/state/reverts"
_ROUTES = {
    ("POST", ("v2", "*", "transactions")): "createTransaction",
    ("GET", ("v2", "*", "transactions")): "listTransactions",
    ("GET", ("v2", "*", "transactions", "*")): "getTransaction",
    ("POST", ("v2", "*", "transactions", "*", "revert")): "revertTransaction",
    ("GET", ("v2", "*", "accounts")): "listAccounts",
    ("GET", ("v2", "*", "accounts", "*")): "getAccount",
    ("GET", ("v2", "*", "volumes")): "getVolumesWithBalances",
    ("GET", ("v2", "*", "aggregate", "balances")): "getBalancesAggregated",
    ("GET", ("v2", "*", "logs")): "listLogs",
    ("GET", ("v2", "*", "stats")): "readStats",
    ("GET", ("v2",)): "listLedgers",
}
_TRANSACTION_ANSWERS = {"createTransaction", "getTransaction", "revertTransaction", "listTransactions"}
LEDGER_LISTS = {"listTransactions", "listAccounts", "getVolumesWithBalances", "listLogs", "listLedgers"}
LEDGER_FAULTS: list[Fault] = []


def ledger_operation(request: Request) -> str | None:
    parts = request.ledger_parts()
    for (method, pattern), name in _ROUTES.items():
        same_shape = method == request.method and len(pattern) == len(parts)
        if same_shape and all(p == "*" or p == q for p, q in zip(pattern, parts, strict=True)):
            return name
    return None


def fault(name: str, description: str, caught_by: set[str], *, on: str = "response"):  # type: ignore[no-untyped-def]
    """Register a hook as a fault: a response hook, or with `on="request"` a request hook, or a (request,
    response) pair."""

    def register(hooks):  # type: ignore[no-untyped-def]
        if isinstance(hooks, tuple):
            request_hook, response_hook = hooks
        else:
            request_hook, response_hook = (hooks, None) if on == "request" else (None, hooks)
        LEDGER_FAULTS.append(Fault(name, description, frozenset(caught_by), request_hook, response_hook))
        return hooks

    return register


def with_query(request: Request, name: str, value: str) -> Request:
    return replace(request, query=(*((k, v) for k, v in request.query if k != name), (name, value)))


def _items(body: Any) -> list[dict[str, Any]]:
    """The objects of an answer: a single `data` object, or the items of a data list or a cursor page."""
    if not isinstance(body, dict):
        return []
    data = body["cursor"].get("data") if isinstance(body.get("cursor"), dict) else body.get("data")
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


def rewrite(response: Response, change: Any) -> Response:
    body = response.json()
    for item in _items(body):
        change(item)
    return response.with_json(body)


# ------------------------------------------------------------------ funds, writes, ids
async def _force_everything(fault: Fault, request: Request, send: Send) -> Request:
    is_create = ledger_operation(request) == "createTransaction"
    return with_query(request, "force", "true") if is_create and request.param("force") is None else request


fault("ledger_overdraws", "the funds rule is never applied: accounts overdraw", {"overdraft_refused"})(
    (_force_everything, None)
)


async def _lose_every_third(fault: Fault, request: Request, send: Send) -> Request:
    if ledger_operation(request) != "createTransaction" or request.param("dryRun"):
        return request
    fault.state["creates"] = fault.state.get("creates", 0) + 1
    return with_query(request, "dryRun", "true") if fault.state["creates"] % 3 == 0 else request


fault(
    "ledger_loses_transactions",
    "every third booking is answered 200 but never stored",
    {"ledger_ids_dense", "volumes_match_postings", "stats_match_model", "read_matches_created", "ledger_list_complete"},
)((_lose_every_third, None))


async def _ids_from_zero_request(fault: Fault, request: Request, send: Send) -> Request:
    parts = request.ledger_parts()
    if len(parts) >= 4 and parts[2] == "transactions" and parts[3].isdigit():
        shifted = request.path.replace(f"/transactions/{parts[3]}", f"/transactions/{int(parts[3]) + 1}", 1)
        return replace(request, path=shifted)
    return request


async def _ids_from_zero_response(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) not in {
        "createTransaction",
        "getTransaction",
        "revertTransaction",
        "listTransactions",
    }:
        return response
    return rewrite(response, lambda tx: tx.update(id=tx["id"] - 1) if isinstance(tx.get("id"), int) else None)


fault("ledger_ids_from_zero", "transaction ids are numbered from 0", {"ledger_ids_dense"})(
    (_ids_from_zero_request, _ids_from_zero_response)
)


@fault(
    "ledger_create_201", "creating a transaction answers 201", {"documented_success_status", "valid_request_accepted"}
)
async def _create_201(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) == "createTransaction" and response.status == 200:
        response.status = 201
    return response


@fault("ledger_pre_equals_post", "preCommitVolumes repeat the post-commit ones", {"commit_volumes_consistent"})
async def _pre_is_post(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) != "createTransaction" or response.status != 200:
        return response
    return rewrite(response, lambda tx: tx.update(preCommitVolumes=tx.get("postCommitVolumes")))


# ------------------------------------------------------------------ idempotency
@fault("ledger_forgets_idempotency_hit", "replays lack the Idempotency-Hit header", {"idempotent_replay"})
async def _no_hit(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    response.headers.pop("idempotency-hit", None)
    return response


@fault(
    "ledger_reused_key_runs_again",
    "a key reused with another body runs as a new write",
    {"idempotency_conflict_rejected"},
)
async def _key_conflict_runs(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if response.status != 400 or "idempotency" not in response.body.decode("utf-8", "replace"):
        return response
    headers = {k: v for k, v in request.headers.items() if k != "idempotency-key"}
    return await send(replace(request, headers=headers))


@fault("ledger_refusal_leaves_a_log", "a refused booking still writes to the ledger", {"failed_write_changes_nothing"})
async def _refusal_trace(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) == "createTransaction" and response.status == 400:
        ledger = request.ledger_parts()[1]
        trace = f"/api/ledger/v2/{ledger}/accounts/users:trace/metadata"
        await send(Request("POST", trace, (), {"authorization": request.headers.get("authorization", "")}, b"{}"))
    return response


# ------------------------------------------------------------------ reverts
def _remember_revert(fault: Fault, request: Request, response: Response) -> None:
    if ledger_operation(request) == "revertTransaction" and response.status == 201:
        revert = (response.json() or {}).get("data") or {}
        fault.state.setdefault("reverts", []).extend(revert.get("postings") or [])


def _without_reverts(fault: Fault, account: dict[str, Any]) -> None:
    """Volumes as if no revert had been booked: stale balances."""
    for posting in fault.state.get("reverts", []):
        for address, field, sign in ((posting["source"], "output", 1), (posting["destination"], "input", -1)):
            volume = (account.get("volumes") or {}).get(posting["asset"]) if account.get("address") == address else None
            if isinstance(volume, dict):
                volume[field] -= posting["amount"]
                volume["balance"] += sign * posting["amount"]


@fault("ledger_stale_balances_after_revert", "accounts read as before a revert", {"revert_restores_balances"})
async def _stale(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    _remember_revert(fault, request, response)
    if ledger_operation(request) not in {"getAccount", "listAccounts"} or response.status != 200:
        return response
    return rewrite(response, lambda account: _without_reverts(fault, account))


def _drop_reverts_key(tx: dict[str, Any]) -> None:
    if isinstance(tx.get("metadata"), dict):
        tx["metadata"].pop(REVERTS_KEY, None)


@fault("ledger_drops_reverts_metadata", "revert transactions lack the reverts metadata", {"revert_marks_original"})
async def _no_reverts_key(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if ledger_operation(request) not in {"revertTransaction", "getTransaction", "listTransactions"}:
        return response
    return rewrite(response, _drop_reverts_key) if response.status in (200, 201) else response


# Registers the faults of reads, lists, the log, ledgers and tokens.
from tests.contract import faults_ledger_reads  # noqa: E402,F401
