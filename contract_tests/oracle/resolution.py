"""What a run does with the definition and the variables it was given (BEHAVIOR.md §5.2-5.6), as predictions
the suite compares with instance and stage histories.

Predictions are *partial*: they hold every value the client chose, interpolated, and nothing the server may
fill in by itself (defaults, ids, timestamps of its own). `contains` then asks that each predicted value is in
the answer at its place, so a dropped, truncated, reordered or swapped input shows, and a default does not.
"""

from __future__ import annotations

import re
from typing import Any

from contract_tests.core.timestamps import parse_timestamp
from contract_tests.oracle.model import duration_seconds, stage_kind

__all__ = ["activity_inputs", "contains", "interpolate", "overdraft_script", "resolved_stage"]

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
# Resolved fields whose value is a number although the definition may give it as a string placeholder.
_INTEGER_FIELDS = {"amount"}
# Resolved fields that are booleans although the definition may spell them `"true"` / `"false"` in any case.
_BOOLEAN_FIELDS = {"allowOverdraft", "waitingValidation"}


def interpolate(value: Any, variables: dict[str, str]) -> Any:
    """Every `${name}` in every string replaced by its variable (a missing one by ""); keys are not touched."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: variables.get(m.group(1), ""), value)
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    return value


def _drop_empty(value: Any, key: str = "") -> Any:
    """Empty interpolated strings are the server's to default (ledger `default`, balance `main`): not predicted."""
    if isinstance(value, dict):
        kept = {k: _drop_empty(v, k) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != "" and v is not None}
    if key in _INTEGER_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if key in _BOOLEAN_FIELDS and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def resolved_stage(stage: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    """The part of a stage's history `input` the client decided: the stage body, interpolated."""
    return _drop_empty(interpolate(stage[stage_kind(stage)], variables))


def activity_inputs(stage: dict[str, Any], variables: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """The first activities a stage schedules, in order, with what their inputs must hold; [] where the model
    does not predict them (sends it cannot follow without knowing the ledger's wallets and payments)."""
    kind, body = stage_kind(stage), resolved_stage(stage, variables)
    if kind == "update":
        account = body.get("account") or {}
        # The spec names the address `id`, the real service `account`: a schema matter, judged elsewhere.
        address = {"id|account": account.get("id")}
        return [
            ("AddAccountMetadata", _given(ledger=account.get("ledger"), metadata=account.get("metadata"), **address))
        ]
    if kind != "send":
        return []
    source, destination = body.get("source") or {}, body.get("destination") or {}
    if "payment" in source:
        return [("GetPayment", {"id": source["payment"].get("id")})]
    if "wallet" in source:
        return [_wallet_lookup(source["wallet"])]
    if "wallet" in destination:
        return [_wallet_lookup(destination["wallet"])]
    account = source.get("account") or {}
    if "payment" in destination:
        return [("GetAccount", _given(ledger=account.get("ledger"), id=account.get("id")))]
    target = destination.get("account") or {}
    if (account.get("ledger") or "default") != (target.get("ledger") or "default"):
        return _across_ledgers(body, account, target)
    amount = body.get("amount") or {}
    posting = {**amount, "source": account.get("id"), "destination": target.get("id")}
    transaction: dict[str, Any] = {"postings": [posting]}
    for optional in ("metadata", "timestamp"):
        if optional in body:
            transaction[optional] = body[optional]
    return [("CreateTransaction", _given(ledger=account.get("ledger"), data=transaction))]


def _overdraft(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def overdraft_script(source: str, destination: str, amount: dict[str, Any]) -> str:
    """The Numscript flows v2.6.0 books for an unbounded overdraft on `source` (`run.go`)."""
    return (
        f"send [{amount.get('asset')} {amount.get('amount')}] (\n"
        f"  source = @{source} allowing unbounded overdraft\n"
        f"  destination = @{destination}\n)"
    )


def _move(source: str, destination: str, amount: dict[str, Any], overdraft: bool) -> dict[str, Any]:
    if overdraft:
        return {"script": {"plain": overdraft_script(source, destination, amount)}}
    return {"postings": [{**amount, "source": source, "destination": destination}]}


def _across_ledgers(
    body: dict[str, Any], account: dict[str, Any], target: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Account to account on two ledgers (flows v2.6.0): `src -> src.throughAccount` on the source's ledger
    (the overdraft script on `src` when it allows one), then `dst.throughAccount -> dst` on the destination's
    (the script on the through account when the destination allows one and it is not `world`), each with the
    stage's metadata and the move marker."""
    amount, metadata = body.get("amount") or {}, body.get("metadata") or {}
    source_ledger, target_ledger = account.get("ledger") or "default", target.get("ledger") or "default"
    leave, enter = account.get("throughAccount") or "world", target.get("throughAccount") or "world"
    first = {
        "metadata": {**metadata, "orchestration/move-to-ledger": target_ledger},
        **_move(str(account.get("id")), leave, amount, _overdraft(account.get("allowOverdraft"))),
    }
    overdraft = _overdraft(target.get("allowOverdraft")) and enter != "world"
    second = {
        "metadata": {**metadata, "orchestration/move-from-ledger": source_ledger},
        **_move(enter, str(target.get("id")), amount, overdraft),
    }
    return [
        ("CreateTransaction", {"ledger": source_ledger, "data": first}),
        ("CreateTransaction", {"ledger": target_ledger, "data": second}),
    ]


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _wallet_lookup(wallet: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if wallet.get("id"):
        return ("GetWallet", {"id": wallet["id"]})
    return ("ListWallets", {"name": wallet.get("name")})


def contains(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` lacks what `expected` predicts: one `path: expected X, got Y` per difference. Object keys
    match case-insensitively (the real service writes `Ledger`, spec mode `ledger`), and `a|b` accepts either
    name; lists match item by item
    and in order; durations and timestamps match by what they mean (`90s` is `1m30s`)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or '.'}: expected an object, got {actual!r}"]
        by_lower = {str(key).lower(): value for key, value in actual.items()}
        problems: list[str] = []
        for key, value in expected.items():
            # `a|b`: the value may be under either name
            found = next((name for name in key.lower().split("|") if name in by_lower), None)
            here = f"{path}.{key}"
            if found is None:
                problems.append(f"{here}: missing (expected {value!r})")
            else:
                problems.extend(contains(value, by_lower[found], here))
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return [problem for i, item in enumerate(expected) for problem in contains(item, actual[i], f"{path}[{i}]")]
    return [] if _same_meaning(expected, actual, path) else [f"{path}: expected {expected!r}, got {actual!r}"]


def _same_meaning(expected: Any, actual: Any, path: str) -> bool:
    if expected == actual:
        return True
    if not isinstance(expected, str) or not isinstance(actual, str):
        return False
    if path.endswith(".duration"):
        first, second = duration_seconds(expected), duration_seconds(actual)
        return first is not None and first == second
    first_instant, second_instant = parse_timestamp(expected), parse_timestamp(actual)
    return first_instant is not None and first_instant == second_instant
