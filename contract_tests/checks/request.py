"""Request checks: is what a client sent a request the spec allows? Applied by the validating proxy to the
traffic it observes (the suite's own requests are invalid on purpose when it probes for rejections).

A broken request is the client's bug, not the server's: the proxy still forwards it and reports it under
`request_conforms`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from openapi_schema_validator import OAS30Validator

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["request_problems"]

_TRUE_FALSE = {"true": True, "false": False}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


# Compiled once per schema: the proxy validates every request it sees. Spec documents live as long as
# the process (`load_spec` caches them), so their id is a stable key.
_VALIDATORS: dict[tuple[int, str], OAS30Validator] = {}


def _schema_errors(document: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    key = (id(document), repr(schema))
    validator = _VALIDATORS.get(key)
    if validator is None:
        # The whole document rides along so that `$ref`s into components resolve.
        validator = _VALIDATORS[key] = OAS30Validator({**document, **schema})
    errors = validator.iter_errors(value)
    return [f"{e.message} at {'/'.join(map(str, e.absolute_path)) or '(root)'}" for e in errors][:3]


def _coerce(schema: dict[str, Any], raw: str) -> Any:
    """A query or path string as the schema's type reads it; the string itself when it does not parse."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(raw, 10) if raw.lstrip("-").isdigit() and len(raw) < 40 else raw
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return _TRUE_FALSE.get(raw, raw)
    return raw


def _parameters(document: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    item = document["paths"][path]
    declared = [*item.get("parameters", []), *item[method].get("parameters", [])]
    return [_resolve(document, p) for p in declared]


def _parameter_problems(ex: Exchange, document: dict[str, Any]) -> list[str]:
    operation = ex.operation
    problems = []
    sources = {"path": ex.case.path_parameters or {}, "query": ex.case.query or {}}
    for parameter in _parameters(document, operation.path, operation.method.lower()):
        where, name = parameter.get("in"), parameter.get("name")
        values = sources.get(where)
        if values is None:
            continue  # headers and cookies: the transport's business
        if name not in values:
            if parameter.get("required"):
                problems.append(f"missing required {where} parameter {name}")
            continue
        schema = _resolve(document, parameter.get("schema") or {})
        raw = values[name]
        for value in raw if isinstance(raw, list) else [raw]:
            problems += [
                f"{where} parameter {name}={value!r}: {e}"
                for e in _schema_errors(document, schema, _coerce(schema, value))
            ]
    return problems


def _body_problems(ex: Exchange, document: dict[str, Any]) -> list[str]:
    operation = ex.operation
    declared = document["paths"][operation.path][operation.method.lower()].get("requestBody")
    if declared is None:
        return []
    declared = _resolve(document, declared)
    request = ex.response.request
    body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
    if not body:
        return ["the request body is required"] if declared.get("required") else []
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    media = {name.lower(): spec for name, spec in (declared.get("content") or {}).items()}
    if content_type not in media:
        return [f"content type {content_type or '(none)'} is not one of {', '.join(sorted(media))}"]
    try:
        value = json.loads(body, parse_constant=_refuse)
    except (ValueError, RecursionError) as exc:
        return [f"the body is not JSON: {str(exc)[:120]}"]
    return [f"body: {e}" for e in _schema_errors(document, media[content_type].get("schema") or {}, value)]


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def request_problems(ex: Exchange) -> list[str]:
    """What is wrong with the request of an exchange, by the spec of its operation; empty when nothing."""
    document = ex.operation.st.schema.raw_schema
    problems = []
    if ex.operation.secured and not ex.response.request.headers.get("authorization"):
        problems.append("no Authorization header on a secured operation")
    problems += _parameter_problems(ex, document)
    problems += _body_problems(ex, document)
    return problems


@check(kind="request")
def request_conforms(ex: Exchange) -> None:
    """A request a client sent is one the spec allows: parameters, content type and body (a client bug if not)."""
    problems = request_problems(ex)
    if problems:
        request = ex.response.request
        raise Violation(
            f"invalid request: {problems[0]}",
            expected=f"a request valid for {ex.operation.operation_id}",
            actual=f"{request.method} {request.url}: {'; '.join(problems)}"[:600],
            kind=f"request {problems[0].split(':')[0].split('=')[0]}",
        )
