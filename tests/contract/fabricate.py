"""Fabricated exchanges: a check's verdict on a response, without any server."""

from __future__ import annotations

import json
from typing import Any

import requests
from schemathesis.core.transport import Response

from contract_tests.core.spec import load_spec
from contract_tests.transport.client import Exchange

BASE = "http://127.0.0.1:9/api/orchestration"
UUID = "3d6f1c2a-8b4e-4f7a-9c51-2e0d7b9a6f10"


def exchange(
    operation_id: str,
    status: int,
    body: Any = None,
    *,
    content: bytes | None = None,
    content_type: str = "application/json",
    path: dict[str, Any] | None = None,
) -> Exchange:
    operation = load_spec(BASE)[operation_id]
    defaults = {p.name: (0 if p.name == "number" else UUID) for p in operation.st.path_parameters}
    case = operation.st.Case(path_parameters={**defaults, **(path or {})})
    url = BASE + case.formatted_path
    request = requests.Request(operation.method, url, headers={"Authorization": "Bearer secret"}).prepare()
    payload = content if content is not None else (json.dumps(body).encode() if body is not None else b"")
    headers = {"content-type": [content_type]} if content_type else {}
    response = Response(
        status_code=status, headers=headers, content=payload, request=request, elapsed=0.01, verify=True
    )
    return Exchange(operation, case, response, "write")


def service_exchange(base: str, version: str, ids: str, operation_id: str, status: int, body: Any = None) -> Exchange:
    """An answer of the ``version`` spec served at ``base``: every path parameter is ``ids``, the body JSON if any."""
    operation = load_spec(base, version=version)[operation_id]
    case = operation.st.Case(path_parameters={p.name: ids for p in operation.st.path_parameters})
    request = requests.Request(operation.method, base + case.formatted_path).prepare()
    payload = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": ["application/json"]} if body is not None else {}
    response = Response(
        status_code=status, headers=headers, content=payload, request=request, elapsed=0.01, verify=True
    )
    return Exchange(operation, case, response, "write")


def workflow(**changes: Any) -> dict[str, Any]:
    return {"id": UUID, "config": {"name": "", "stages": []}, "createdAt": "2024-05-02T10:00:00Z",
            "updatedAt": "2024-05-02T10:00:00Z", "deletedAt": None, **changes}  # fmt: skip


def instance(**changes: Any) -> dict[str, Any]:
    return {"id": "i-1", "workflowID": UUID, "createdAt": "2024-05-02T10:00:00Z", "updatedAt": "2024-05-02T10:00:00Z",
            "terminated": False, **changes}  # fmt: skip


def stage(number: int, **changes: Any) -> dict[str, Any]:
    return {"stage": number, "instanceID": "i-1", "startedAt": "2024-05-02T10:00:01Z", **changes}
