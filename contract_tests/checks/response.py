"""Response checks: run on every answer of every phase.

Five come from Schemathesis (wrapped, so their failures become our typed violations); the others read the
contract's promises that a JSON Schema cannot express (BEHAVIOR.md §10, invariants 1, 2, 12, 16 and 22).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from schemathesis.checks import not_a_server_error as st_not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance as st_content_type_conformance,
)
from schemathesis.specs.openapi.checks import (
    negative_data_rejection as st_negative_data_rejection,
)
from schemathesis.specs.openapi.checks import (
    response_schema_conformance as st_response_schema_conformance,
)
from schemathesis.specs.openapi.checks import (
    status_code_conformance as st_status_code_conformance,
)

from contract_tests.checks.pagination import item_key
from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.core.timestamps import not_after
from contract_tests.transport.client import TRANSPORT_HEADERS

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["ERROR_CODES"]

ERROR_CODES = {
    400: "VALIDATION",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: "INTERNAL",
}
# The ledger's codes by status (spec/ledger.v2.yaml, "Errors"): several share a status.
LEDGER_ERROR_CODES: dict[int, frozenset[str]] = {
    400: frozenset(
        {"VALIDATION", "NO_POSTINGS", "INSUFFICIENT_FUND", "COMPILATION_FAILED", "METADATA_OVERRIDE", "ALREADY_REVERT"}
        | {"IMPORT", "INTERPRETER_PARSE", "INTERPRETER_RUNTIME", "LEDGER_ALREADY_EXISTS", "SCHEMA_NOT_SPECIFIED"}
        | {"OUTDATED_SCHEMA"}
    ),
    401: frozenset({"UNAUTHORIZED"}),
    403: frozenset({"FORBIDDEN"}),
    404: frozenset({"NOT_FOUND", "LEDGER_NOT_FOUND"}),
    405: frozenset({"METHOD_NOT_ALLOWED"}),
    409: frozenset({"CONFLICT", "SCHEMA_ALREADY_EXISTS"}),
    412: frozenset({"VALIDATION"}),
    413: frozenset({"BULK_SIZE_EXCEEDED", "PAYLOAD_TOO_LARGE"}),
    415: frozenset({"UNSUPPORTED_MEDIA_TYPE"}),
    500: frozenset({"INTERNAL"}),
    503: frozenset({"INTERNAL"}),
}
# The wallets' codes by status (spec/wallets.v1.yaml, "Errors"): the release's four, then the mock's.
WALLETS_ERROR_CODES: dict[int, frozenset[str]] = {
    400: frozenset({"VALIDATION", "INSUFFICIENT_FUND", "HOLD_CLOSED"}),
    401: frozenset({"UNAUTHORIZED"}),
    403: frozenset({"FORBIDDEN"}),
    404: frozenset({"NOT_FOUND"}),
    405: frozenset({"METHOD_NOT_ALLOWED"}),
    413: frozenset({"PAYLOAD_TOO_LARGE"}),
    500: frozenset({"INTERNAL_ERROR"}),
}
_LISTS = {"listWorkflows", "listInstances", "listTriggers", "listTriggersOccurrences"}


def _codes_for(ex: Exchange) -> frozenset[str] | None:
    """The errorCodes that go with this answer's status, or None when the contract names none."""
    if ex.operation.service == "ledger":
        return LEDGER_ERROR_CODES.get(ex.status)
    if ex.operation.service == "wallets":
        return WALLETS_ERROR_CODES.get(ex.status)
    wanted = ERROR_CODES.get(ex.status)
    return frozenset({wanted}) if wanted is not None else None


def _declared_bodiless(ex: Exchange) -> bool:
    """Whether the operation declares this status with no content."""
    responses = ex.operation.st.definition.raw.get("responses") or {}
    declared = responses.get(str(ex.status))
    if not isinstance(declared, dict):
        return False
    if "$ref" in declared:
        target: Any = ex.operation.st.schema.raw_schema
        for part in declared["$ref"].removeprefix("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        declared = target
    return isinstance(declared, dict) and not declared.get("content")


def _is_bulk_result(ex: Exchange, body: Any) -> bool:
    """The ledger's bulk answers a failed element with 400 and the per-element results, not an Error."""
    return ex.operation.name == "createBulk" and isinstance(body, dict) and isinstance(body.get("data"), list)


_SCHEMATHESIS: dict[str, Callable[..., Any]] = {}


def _applies(name: str, ex: Exchange) -> bool:
    if name != "negative_data_rejection":
        return True
    meta = ex.case.meta
    return meta is not None and meta.generation.mode.is_negative and bool(_invalid_on_the_wire(ex))


def _invalid_on_the_wire(ex: Exchange) -> set[ParameterLocation]:
    """The generated parts that were invalid and reached the server as generated. Not the headers when the
    client replaced or dropped every generated one (`TRANSPORT_HEADERS`: its own token instead of a generated
    `Authorization`); not a blank body of an operation whose body is optional: Go's `encoding/json` reads
    space, tab, CR and LF alone as no body (`io.EOF`, which the webhooks' `decodeJSONBody` accepts as empty,
    pkg/server/helpers.go v2.3.2), so accepting it is no bug."""
    assert ex.case.meta is not None
    invalid = {location for location, part in ex.case.meta.components.items() if part.mode.is_negative}
    if all(name.lower() in TRANSPORT_HEADERS for name in ex.case.headers or {}):
        invalid.discard(ParameterLocation.HEADER)
    sent = ex.response.request.body if ex.response.request is not None else None
    raw = sent.encode() if isinstance(sent, str) else sent
    if not (raw or b"").strip(_JSON_SPACE) and not any(body.is_required for body in ex.operation.st.body):
        invalid.discard(ParameterLocation.BODY)
    return invalid


_JSON_SPACE = b" \t\r\n"  # JSON's whitespace (RFC 8259 section 2), all Go's decoder skips


def _schemathesis_clean(ex: Exchange) -> bool:
    """Whether every wrapped Schemathesis check that applies passes, worked out once per exchange in one
    `validate_response`: each call builds its own check context, which cost more than the checks themselves
    when run once per check on every answer. Only an answer that fails runs them one by one, to name each."""
    clean = ex.memo.get("schemathesis_clean")
    if clean is None:
        checks = [fn for name, fn in _SCHEMATHESIS.items() if _applies(name, ex)]
        try:
            ex.case.validate_response(ex.response, checks=checks)
            clean = True
        except (FailureGroup, Exception):  # failures, or a crash: each check runs on its own and says which
            clean = False
        ex.memo["schemathesis_clean"] = clean
    return clean


def _wrap_schemathesis(name: str, st_check: Callable[..., Any], expected: str) -> None:
    _SCHEMATHESIS[name] = st_check

    def run(ex: Exchange) -> None:
        if not _applies(name, ex) or _schemathesis_clean(ex):
            return
        try:
            ex.case.validate_response(ex.response, checks=[st_check])
        except FailureGroup as group:
            # Every distinct failure, in a fixed order: the validator finds them in an order of its own that
            # changes from one process to the next, and the first alone would hide the rest.
            by_kind: dict[str, Any] = {}
            for failure in group.exceptions:
                kind = f"{ex.status} {failure.title} {getattr(failure, '_unique_key', '')}".strip()
                by_kind.setdefault(kind, failure)
            first, *rest = (
                Violation(
                    failure.title,
                    expected=expected.format(op=ex.operation.operation_id, status=ex.status),
                    actual=f"{failure.message.strip()}\n{ex.describe()}".strip(),
                    kind=kind,
                )
                for kind, failure in sorted(by_kind.items())
            )
            first.also = tuple(rest)
            raise first from None

    run.__doc__ = f"Schemathesis' {name}: {expected.split(' (')[0]}."
    check(kind="response", name=name)(run)


_wrap_schemathesis("not_a_server_error", st_not_a_server_error, "no 5xx answer")
_wrap_schemathesis("status_code_conformance", st_status_code_conformance, "a status documented for {op}")
_wrap_schemathesis("content_type_conformance", st_content_type_conformance, "a content type documented for {op}")
_wrap_schemathesis(
    "response_schema_conformance", st_response_schema_conformance, "a body valid against {op}'s {status} schema"
)
_wrap_schemathesis("negative_data_rejection", st_negative_data_rejection, "invalid request rejected with a 4xx")


def _items(ex: Exchange) -> list[dict[str, Any]]:
    data = ex.data
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    return [data] if isinstance(data, dict) else []


def _entities(ex: Exchange) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, object) for every workflow, instance, trigger, occurrence and history entry in a 2xx body."""
    if not 200 <= ex.status < 300:
        return
    kinds = {
        "listWorkflows": "workflow", "createWorkflow": "workflow", "getWorkflow": "workflow",
        "runWorkflow": "instance", "listInstances": "instance", "getInstance": "instance",
        "listTriggers": "trigger", "createTrigger": "trigger", "readTrigger": "trigger",
        "listTriggersOccurrences": "occurrence", "getInstanceHistory": "history",
        "getInstanceStageHistory": "activity",
    }  # fmt: skip
    kind = kinds.get(ex.operation.name)
    for item in _items(ex) if kind else []:
        yield kind, item
        if kind == "occurrence" and isinstance(item.get("workflowInstance"), dict):
            yield "instance", item["workflowInstance"]


@check(kind="response", invariants=(1,))
def documented_success_status(ex: Exchange) -> None:
    """A 2xx answer uses the operation's documented success status (`default` describes errors only)."""
    if 200 <= ex.status < 300 and ex.status not in ex.operation.documented:
        raise Violation(
            f"undocumented success status {ex.status}",
            expected=f"{ex.operation.success} for a successful {ex.operation.operation_id}",
            actual=ex.describe(),
            kind=f"status {ex.status}",
        )


@check(kind="response", invariants=(2,))
def error_body(ex: Exchange) -> None:
    """Every 4xx/5xx answer is an Error JSON whose `errorCode` goes with the status."""
    if ex.status < 400 or ex.operation.method == "HEAD":  # HTTP sends no body with an answer to HEAD
        return
    if not ex.response.content.strip() and _declared_bodiless(ex):
        return  # a status the contract declares without a body (every 404 of the wallets)
    body = ex.json()
    if _is_bulk_result(ex, body):
        return
    if not (isinstance(body, dict) and isinstance(body.get("errorCode"), str) and "errorMessage" in body):
        raise Violation(
            f"{ex.status} without an Error body",
            expected='an Error body {"errorCode": ..., "errorMessage": ...}',
            actual=ex.describe(),
            kind=f"{ex.status} no Error body",
        )
    wanted = _codes_for(ex)
    if wanted is not None and body["errorCode"] not in wanted:
        raise Violation(
            f"{ex.status} answered with errorCode {body['errorCode']}",
            expected=f"errorCode {' or '.join(sorted(wanted))} with status {ex.status}",
            actual=ex.describe(),
            kind=f"{ex.status} {body['errorCode']}",
        )


@check(kind="response", invariants=(1,))
def envelope(ex: Exchange) -> None:
    """Success bodies are wrapped as `{"data": ...}` (raw for `/_info`, a cursor page for v2 lists); 204 answers
    have no body."""
    if ex.status == 204 and ex.response.content.strip():
        raise Violation("204 with a body", expected="an empty body", actual=ex.describe(), kind="204 body")
    envelope = ex.operation.envelope
    if ex.status not in (200, 201) or envelope in ("stream", "none") or ex.operation.method == "HEAD":
        return
    body = ex.json()
    if envelope == "raw":
        wants_version = ex.operation.name in ("getServerInfo", "getInfo")
        if not (isinstance(body, dict) and "data" not in body and ("version" in body or not wants_version)):
            raise Violation("/_info not raw", expected='raw {"version": ...}', actual=ex.describe(), kind="info")
    elif envelope == "cursor":
        page = ex.cursor
        if page is None or not isinstance(page.get("data"), list):
            expected = '{"cursor": {..., "data": [...]}}'
            raise Violation("list page without cursor", expected=expected, actual=ex.describe(), kind="page")
    elif not (isinstance(body, dict) and "data" in body):
        raise Violation("success body without data", expected='{"data": ...}', actual=ex.describe(), kind="no data")


@check(kind="response", invariants=(4, 18))
def unique_ids(ex: Exchange) -> None:
    """A list never holds two items with the same id (for the ledger's accounts and volumes: address, asset)."""
    if not (ex.operation.name in _LISTS or ex.operation.paginated) or ex.status != 200:
        return
    ids = [key for key in map(item_key, _items(ex)) if key is not None]
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        raise Violation(
            "duplicate ids in a list",
            expected="each id at most once",
            actual=f"repeated: {', '.join(duplicates[:5])}",
            kind="duplicates",
        )


def _order(kind: str, item: dict[str, Any]) -> Iterator[tuple[str, Any, str, Any]]:
    yield "createdAt", item.get("createdAt"), "updatedAt", item.get("updatedAt")
    yield "createdAt", item.get("createdAt"), "terminatedAt", item.get("terminatedAt")
    yield "createdAt", item.get("createdAt"), "deletedAt", item.get("deletedAt")
    yield "startedAt", item.get("startedAt"), "terminatedAt", item.get("terminatedAt")
    yield "startedAt", item.get("startedAt"), "nextExecution", item.get("nextExecution")
    for stage in item.get("status") or [] if kind == "instance" else []:
        if isinstance(stage, dict):
            yield "instance createdAt", item.get("createdAt"), "stage startedAt", stage.get("startedAt")
            yield "stage startedAt", stage.get("startedAt"), "stage terminatedAt", stage.get("terminatedAt")
            yield "stage terminatedAt", stage.get("terminatedAt"), "instance terminatedAt", item.get("terminatedAt")


@check(kind="response", invariants=(12,), service="orchestration")
def timestamps_ordered(ex: Exchange) -> None:
    """createdAt <= updatedAt <= terminatedAt, startedAt <= terminatedAt, for every entity in a body."""
    for kind, item in _entities(ex):
        for first, early, second, late in _order(kind, item):
            if not not_after(early, late):
                raise Violation(
                    f"{kind} {second} before {first}",
                    expected=f"{first} <= {second}",
                    actual=f"{first}={early} {second}={late} in {kind} {item.get('id', '')}",
                    kind=f"{kind} {first}>{second}",
                )
