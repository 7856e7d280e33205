"""The requests the gateway may answer without Connexion, derived from the spec.

Connexion routes a request once per middleware, wraps the handler in parameter and
response decorators and serialises through Starlette: about 0.3-0.5 ms of CPU a request,
more than the mock's own work. The gateway skips all that only for requests it can prove
valid with the same rules Connexion applies: a path of string parameters, declared query
parameters of plain string or boolean type or of bounded integer type (in its plain decimal
spelling, and filled with its default when left out), and, for an operation with a body, a JSON
document that the operation's schema (compiled once, as in ``validation``) accepts.
Anything else (an undeclared or repeated query parameter, an empty or invalid body, an
integer path parameter, an unknown route) goes through Connexion, which also answers
every validation error. tests/test_fast_path.py compares both paths byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic

from mockserver.http.validation import compile_schema

Handler = Callable[..., Awaitable[tuple[Any, int]]]
_METHODS = ("get", "put", "post", "delete", "patch")
_JSON = "application/json"
_DECIMAL = re.compile(r"^(?:0|[1-9][0-9]{0,18})$")
# Query values taken as Connexion would convert them; any other spelling goes to Connexion.
_QUERY_VALUES: dict[str, Callable[[str], Any]] = {
    "string": str,
    "boolean": {"true": True, "false": False}.__getitem__,
}


@dataclass(frozen=True, slots=True)
class FastOperation:
    handler: Handler
    segments: tuple[str | None, ...]  # a literal segment, or None where a path parameter goes
    arguments: tuple[str, ...]  # the handler's argument name for each path parameter, in order
    body: Any | None  # the compiled body validator; None when the operation takes no body
    query: dict[str, tuple[str, Callable[[str], Any]]]  # name -> (handler argument, conversion)
    defaults: dict[str, Any]  # handler argument -> the value Connexion passes when it is left out

    def path_arguments(self, parts: list[str]) -> dict[str, str] | None:
        """The handler's path arguments when ``parts`` fits this operation's path, else None."""
        values = []
        for literal, part in zip(self.segments, parts, strict=True):
            if literal is None:
                values.append(part)
            elif literal != part:
                return None
        return dict(zip(self.arguments, values, strict=True))

    def query_arguments(self, raw: bytes) -> dict[str, Any] | None:
        """The handler's query arguments, or None unless every parameter is declared, given
        once, not blank, and spelt as Connexion would read it."""
        arguments: dict[str, Any] = dict(self.defaults)
        if not raw:
            return arguments
        given: set[str] = set()
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
        for name, value in pairs:
            declared = self.query.get(name)
            if declared is None or not value or declared[0] in given:
                return None
            try:
                arguments[declared[0]] = declared[1](value)
            except (KeyError, ValueError):
                return None
            given.add(declared[0])
        return arguments


class FastRoutes:
    """(method, number of path segments) -> the eligible operations of that shape."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, int], list[FastOperation]] = {}

    def add(self, spec: dict[str, Any], handlers: dict[str, Handler], base: str = "") -> None:
        """The eligible operations of one more spec, its paths served below ``base``."""
        for relative, item in spec["paths"].items():
            template = base + relative
            shared = item.get("parameters", [])
            for method in _METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                fast = _eligible(spec, template, shared + operation.get("parameters", []), operation, handlers)
                if fast is not None:
                    self._routes.setdefault((method.upper(), len(fast.segments)), []).append(fast)

    def match(self, method: str, path: str) -> tuple[FastOperation, dict[str, str]] | None:
        parts = path[1:].split("/")
        if not all(parts):
            return None
        for operation in self._routes.get((method, len(parts)), ()):
            arguments = operation.path_arguments(parts)
            if arguments is not None:
                return operation, arguments
        return None


# Path parameter schemas Connexion passes through unchanged. Its OpenAPI 3.0 checker is Draft 4's,
# which has no `uuid` format check, so `format: uuid` (flowId) is an annotation for generators only.
_PLAIN_PATH_STRINGS = ({"type": "string"}, {"type": "string", "format": "uuid"})


def _eligible(
    spec: dict[str, Any],
    template: str,
    parameters: list[dict[str, Any]],
    operation: dict[str, Any],
    handlers: dict[str, Handler],
) -> FastOperation | None:
    """The fast form of an operation, or None when Connexion must handle every call of it."""
    parameters = [resolve_ref(spec, p) for p in parameters]
    path_params = {p["name"]: p for p in parameters if p.get("in") == "path"}
    if any(p.get("in") != "path" and p.get("required") for p in parameters):
        return None  # when it is left out, Connexion would refuse the request
    if any(resolve_ref(spec, p.get("schema", {})) not in _PLAIN_PATH_STRINGS for p in path_params.values()):
        return None  # a typed or constrained path parameter is Connexion's to convert and check
    query = {}
    defaults = {}
    for parameter in parameters:
        if parameter.get("in") == "path":
            continue
        schema = resolve_ref(spec, parameter.get("schema", {}))
        conversion = _conversion(schema) if parameter.get("in") == "query" else None
        if conversion is None:
            if "default" in schema:
                return None  # Connexion would fill in a default the fast path cannot give
            continue
        query[parameter["name"]] = (pythonic(parameter["name"]), conversion)
        if "default" in schema:
            defaults[pythonic(parameter["name"])] = schema["default"]
    segments: list[str | None] = []
    arguments: list[str] = []
    for segment in template[1:].split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            segments.append(None)
            arguments.append(pythonic(segment[1:-1]))
        else:
            segments.append(segment)
    body = None
    request_body = operation.get("requestBody")
    if request_body is not None:
        content = resolve_ref(spec, request_body).get("content", {})
        if list(content) != [_JSON]:
            return None
        body = compile_schema(_inline(spec, content[_JSON].get("schema", {})))
    return FastOperation(handlers[operation["operationId"]], tuple(segments), tuple(arguments), body, query, defaults)


def _conversion(schema: dict[str, Any]) -> Callable[[str], Any] | None:
    """How a query value of this schema is read, when the fast path reads it as Connexion would."""
    if list(schema) == ["type"] and schema["type"] in _QUERY_VALUES:
        return _QUERY_VALUES[schema["type"]]
    if schema.get("type") == "integer" and set(schema) <= {"type", "format", "minimum", "maximum", "default"}:
        low, high = schema.get("minimum", -(2**63)), schema.get("maximum", 2**63 - 1)

        def integer(text: str) -> int:
            if not _DECIMAL.match(text) or not low <= int(text) <= high:
                raise ValueError(text)  # another spelling, or out of bounds: Connexion answers
            return int(text)

        return integer
    return None


def resolve_ref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node``, or what its local ``$ref`` (chain) points at."""
    while "$ref" in node:
        target: Any = spec
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


def _inline(spec: dict[str, Any], node: Any, _refs: frozenset[str] = frozenset()) -> Any:
    """The schema with every local $ref replaced by its target; a ref met again inside itself
    (a recursive schema) becomes ``{}``, which accepts anything there."""
    if isinstance(node, list):
        return [_inline(spec, item, _refs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if ref is not None:
        if ref in _refs:
            return {}
        _refs = _refs | {ref}
    return {key: _inline(spec, value, _refs) for key, value in resolve_ref(spec, node).items()}
