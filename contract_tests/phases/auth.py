"""The auth phase: every secured operation refuses a missing or forged token (401); writes refuse a
read-only token (403) and reads accept it, when the implementation issues scoped tokens.

Requests carry valid-looking inputs and an id that does not exist, so an implementation that checks
authorization first answers 401/403, and one that forgets to answers 404 or 2xx (and is caught).
"""

from __future__ import annotations

import uuid
from typing import Any

from contract_tests.core.spec import Operation
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange

__all__ = ["request_for", "run_auth"]

_BODIES: dict[str, Any] = {
    "createWorkflow": {"name": "contract-auth", "stages": [{"noop": {}}]},
    "runWorkflow": {},
    "sendEvent": {"name": "continue"},
    "createTrigger": {"event": "SAVED_PAYMENT", "workflowID": "00000000-0000-4000-8000-000000000000"},
}


# Ledger path parameters that are not names or ids: well-formed values no run creates.
_LEDGER_PATH = {"id": 0, "key": "contract-auth", "address": "users:contract-auth", "version": "contract-auth"}


def request_for(operation: Operation, unknown: str) -> dict[str, Any]:
    """Keyword arguments for `CheckedApi.call` that make a well-formed request to `operation`."""
    if operation.service == "ledger":
        return _ledger_request(operation, unknown)
    path = {p.name: (0 if p.name == "number" else unknown) for p in operation.st.path_parameters}
    arguments: dict[str, Any] = {"path": path}
    if operation.name in _BODIES:
        arguments["body"] = _BODIES[operation.name]
    return arguments


def _ledger_request(operation: Operation, unknown: str) -> dict[str, Any]:
    """A ledger request on a ledger no run creates, with the spec's own example body (JSON bodies only: the
    log import's stream is left out, a token is judged before any body is read)."""
    path = {p.name: _LEDGER_PATH.get(p.name, unknown) for p in operation.st.path_parameters}
    arguments: dict[str, Any] = {"path": path}
    required = {p.name: p.definition.get("example") for p in operation.st.query if p.is_required}
    if required:
        arguments["query"] = required
    content = (operation.st.definition.raw.get("requestBody") or {}).get("content") or {}
    media = content.get("application/json")
    if media is not None:
        examples = [e.get("value") for e in (media.get("examples") or {}).values() if isinstance(e, dict)]
        arguments["body"] = media["example"] if "example" in media else (examples[0] if examples else {})
    return arguments


def _probes(api: CheckedApi, probes: list[tuple[Operation, str | None]], unknown: str) -> list[Exchange]:
    """Each (operation, identity) probe's answer, in order: the reads' sent together (probes on ids that do not
    exist, refused or not: no read changes what another answers), the writes one after the other."""
    reads = [(op.operation_id, {"identity": who, **request_for(op, unknown)}) for op, who in probes if not op.is_write]
    answers = iter(api.call_all(*reads))
    return [
        api.call(op.operation_id, identity=who, **request_for(op, unknown)) if op.is_write else next(answers)
        for op, who in probes
    ]


def run_auth(api: CheckedApi) -> None:
    unknown = str(uuid.uuid4())
    secured = [op for op in api.spec.operations.values() if op.secured]
    answers = iter(_probes(api, [(op, who) for op in secured for who in (None, "forged")], unknown))
    for operation in secured:
        ex, forged = next(answers), next(answers)
        api.apply("auth_required", ex, expected=401, why=f"{operation.operation_id} without a token")
        api.apply("invalid_token_rejected", forged, expected=401, why=f"{operation.operation_id} with a forged token")
    if api.tokens.read is None:
        reason = api.tokens.read_missing_reason or "no read-only token"
        api.results.skip("write_scope_required", reason)
        api.results.skip("read_scope_sufficient", reason)
        return
    for operation, ex in zip(secured, _probes(api, [(op, "read") for op in secured], unknown), strict=True):
        if operation.is_write:
            api.apply("write_scope_required", ex, expected=403, why=f"{operation.operation_id} with a read-only token")
        else:
            api.apply("read_scope_sufficient", ex)
