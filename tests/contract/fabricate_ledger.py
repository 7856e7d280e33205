"""Fabricated ledger exchanges and bodies: a ledger check's verdict on an answer, without any server."""

from __future__ import annotations

import json
from typing import Any

import requests
from schemathesis.core.transport import Response

from contract_tests.core.spec import load_spec
from contract_tests.transport.client import Exchange

BASE = "http://127.0.0.1:9/api/ledger"
NOW = "2024-05-02T10:00:00Z"


def ledger_exchange(
    operation_id: str,
    status: int,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    path: dict[str, Any] | None = None,
) -> Exchange:
    operation = load_spec(BASE, version="ledger")[operation_id]
    defaults = {p.name: (1 if p.name == "id" else "ledger001") for p in operation.st.path_parameters}
    case = operation.st.Case(path_parameters={**defaults, **(path or {})})
    request = requests.Request(operation.method, BASE + case.formatted_path).prepare()
    payload = json.dumps(body).encode() if body is not None else b""
    all_headers = {"content-type": ["application/json"], **{k.lower(): [v] for k, v in (headers or {}).items()}}
    response = Response(
        status_code=status, headers=all_headers, content=payload, request=request, elapsed=0.01, verify=True
    )
    return Exchange(operation, case, response, "write")


def volume(given_in: int, given_out: int) -> dict[str, int]:
    return {"input": given_in, "output": given_out, "balance": given_in - given_out}


def transaction(tx_id: int = 1, postings: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    postings = postings or [{"source": "world", "destination": "users:a", "amount": 100, "asset": "USD"}]
    return {"id": tx_id, "postings": postings, "metadata": {}, "timestamp": NOW, "insertedAt": NOW,
            "updatedAt": NOW, "reverted": False, **changes}  # fmt: skip


def account(address: str, volumes: dict[str, dict[str, int]] | None = None, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"address": address, "metadata": {}, "firstUsage": NOW, "insertionDate": NOW,
                            "updatedAt": NOW, **changes}  # fmt: skip
    if volumes is not None:
        item["volumes"] = volumes
    return item


def page(items: list[Any]) -> dict[str, Any]:
    return {"cursor": {"pageSize": 15, "hasMore": False, "data": items}}
