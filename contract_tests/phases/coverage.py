"""The coverage phase: before a declared status is reported as never answered, try to reach it by construction.

It runs last and only for the (operation, status) pairs the earlier phases left at 0, so a run that already
saw everything sends nothing more. Each probe is one well-formed request built to earn one status:

| status | probe |
|---|---|
| 401 | no Authorization header |
| 403 | a write with the read-only token; a read with another service's token (none of the API's scopes) |
| 404 | ids (and ledgers) no run creates |
| 413 | a JSON body just over 1 MiB (the mock's and common proxies' limit), then one of 16 MiB |
| 400 | a body that is not JSON (`{`) |

Its answers go through every response check, as any other; a probe that earns another status is not a
violation by itself (the response checks judge the answer), the status just stays unmet in the report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from contract_tests.core.spec import Operation
from contract_tests.phases.auth import request_for
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.auth import foreign_token

__all__ = ["PROBES", "run_coverage"]

# Just over the 1 MiB most gateways and the mock refuse; the second size for servers with a larger limit.
_OVERSIZES = (1024 * 1024 + 1024, 16 * 1024 * 1024)

Probe = Callable[[CheckedApi, Operation, str], int | None]


def _status(api: CheckedApi, operation: Operation, unknown: str, **changes: object) -> int:
    arguments = {**request_for(operation, unknown), **changes}
    return api.call(operation.operation_id, **arguments).status


def _no_token(api: CheckedApi, operation: Operation, unknown: str) -> int | None:
    return _status(api, operation, unknown, identity=None) if operation.secured else None


def _no_scope(api: CheckedApi, operation: Operation, unknown: str) -> int | None:
    if not operation.secured:
        return None
    if operation.is_write and api.tokens.read is not None:
        return _status(api, operation, unknown, identity="read")
    client = api.client
    if client.tokens.foreign is None:
        token = foreign_token(api.config, operation.service)
        if token is None:
            return None
        client.tokens = replace(client.tokens, foreign=token)
    return _status(api, operation, unknown, identity="foreign")


def _unknown(api: CheckedApi, operation: Operation, unknown: str) -> int | None:
    return _status(api, operation, unknown) if operation.st.path_parameters else None


def _too_large(api: CheckedApi, operation: Operation, unknown: str) -> int | None:
    if not operation.has_body:
        return None
    status = None
    for size in _OVERSIZES:
        # Valid JSON, so a server that reads it whole still has nothing to store: it fails validation.
        raw = b'{"contractPadding": "' + b"x" * size + b'"}'
        status = _status(api, operation, unknown, raw=raw)
        if status == 413:
            break
    return status


def _malformed(api: CheckedApi, operation: Operation, unknown: str) -> int | None:
    return _status(api, operation, unknown, raw=b"{") if operation.has_body else None


PROBES: dict[int, Probe] = {401: _no_token, 403: _no_scope, 404: _unknown, 413: _too_large, 400: _malformed}


def run_coverage(api: CheckedApi) -> None:
    """Probe every declared status of `api`'s operations still at 0 that a probe can construct."""
    coverage = api.results.coverage
    unknown = str(uuid.uuid4())
    for operation in api.spec.operations.values():
        for status in sorted(operation.documented):
            probe = PROBES.get(status)
            if probe is not None and not coverage.times(operation.operation_id, status):
                probe(api, operation, unknown)
