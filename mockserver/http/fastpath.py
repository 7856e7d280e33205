"""The requests the gateway may answer without Connexion, derived from the spec.

Connexion routes a request once per middleware, wraps the handler in parameter and
response decorators and serialises through Starlette: about 0.3-0.5 ms of CPU a request,
more than the mock's own work. The gateway skips all that only for requests it can prove
valid with the same rules Connexion applies: a path of string parameters (or integer ones in
their plain decimal spelling), declared query parameters of plain string or boolean type (a
string's ``pattern`` checked as Connexion's checker does), or of bounded integer type (in its
plain decimal spelling), each filled with its default when left out, no constrained header
parameter (the ledger's ``Idempotency-Key``: Connexion checks its length), and, for an operation
with a body, a JSON document that the operation's schema (compiled on first use, as in ``validation``)
accepts, or no body at all on a read whose body is optional (the ledger's list filters), which
the handler gets as Connexion gives it. Anything else (an undeclared or repeated query
parameter, an empty or invalid body, an integer in another spelling, an unknown route) goes
through Connexion, which also answers every validation error. tests/test_fast_path.py,
tests/test_v2_fast_path.py and tests/ledger/test_fast_path.py compare both paths byte for byte.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic

from mockserver.http.validation import LazyValidator

Handler = Callable[..., Awaitable[tuple[Any, int]]]
_METHODS = ("get", "put", "post", "delete", "patch")
_JSON = "application/json"
_DECIMAL = re.compile(r"^(?:0|[1-9][0-9]{0,18})$")
# Query values taken as Connexion would convert them; any other spelling goes to Connexion.
_QUERY_VALUES: dict[str, Callable[[str], Any]] = {
    "string": str,
    "boolean": {"true": True, "false": False}.__getitem__,
}


class Declined(Exception):
    """The request fits this operation, but only Connexion may answer it (a path parameter's spelling)."""


@dataclass(frozen=True, slots=True)
class FastOperation:
    handler: Handler
    segments: tuple[str | None, ...]  # a literal segment, or None where a path parameter goes
    arguments: tuple[str, ...]  # the handler's argument name for each path parameter, in order
    body: LazyValidator | None  # the body validator (compiled on first use); None when the operation takes no body
    query: dict[str, tuple[str, Callable[[str], Any]]]  # name -> (handler argument, conversion)
    defaults: dict[str, Any]  # handler argument -> the value Connexion passes when it is left out
    operation_id: str = ""
    # How each path parameter is read (None: as the text it is), in order.
    conversions: tuple[Callable[[str], Any] | None, ...] = ()
    # Header parameters Connexion checks (a length, a pattern): a request carrying one goes there.
    checked_headers: frozenset[bytes] = frozenset()
    # For a read whose body is optional, the body argument Connexion passes when none is sent
    # (``absent_body()``); None when such a request must go through Connexion.
    absent_body: Callable[[], Any] | None = None

    def path_arguments(self, parts: list[str]) -> dict[str, Any] | None:
        """The handler's path arguments when ``parts`` fits this operation's path, else None;
        raises Declined when it fits but a parameter is not spelt as the fast path reads it."""
        values = []
        for literal, part in zip(self.segments, parts, strict=True):
            if literal is None:
                values.append(part)
            elif literal != part:
                return None
        if self.conversions:
            try:
                values = [
                    part if read is None else read(part) for read, part in zip(self.conversions, values, strict=True)
                ]
            except ValueError:
                raise Declined from None
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
    """(method, number of path segments) -> the eligible operations of that shape.

    A shape holds up to 17 operations (GET with five segments: wallets, ledger, orchestration),
    and trying each in turn was most of the matching. Each shape is also indexed on the segment
    whose literals tell most operations apart (``_Shape``): a path is tried only against the
    operations whose segment there is its own or a parameter, in the order they were added, so
    the first that fits is the same as before."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, int], list[FastOperation]] = {}
        self._shapes: dict[tuple[str, int], _Shape] = {}

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
        self._shapes = {shape: _Shape(operations) for shape, operations in self._routes.items()}

    def match(self, method: str, path: str) -> tuple[FastOperation, dict[str, Any]] | None:
        parts = path[1:].split("/")
        if not all(parts):
            return None
        shape = self._shapes.get((method, len(parts)))
        if shape is None:
            return None
        for operation in shape.candidates(parts):
            try:
                arguments = operation.path_arguments(parts)
            except Declined:
                return None
            if arguments is not None:
                return operation, arguments
        return None


class _Shape:
    """The operations of one (method, segment count), indexed on one segment's literal."""

    __slots__ = ("_at", "_by_literal", "_open")

    def __init__(self, operations: list[FastOperation]) -> None:
        count = len(operations[0].segments)
        # The segment with the most distinct literals splits the operations best.
        self._at = max(range(count), key=lambda i: len({op.segments[i] for op in operations} - {None}))
        # Operations with a parameter there fit any literal: they stay in every bucket, in order.
        self._open = [op for op in operations if op.segments[self._at] is None]
        literals = {op.segments[self._at] for op in operations} - {None}
        self._by_literal = {
            literal: [op for op in operations if op.segments[self._at] in (literal, None)] for literal in literals
        }

    def candidates(self, parts: list[str]) -> list[FastOperation]:
        return self._by_literal.get(parts[self._at], self._open)


# Path parameter schemas Connexion passes through unchanged. Its OpenAPI 3.0 checker is Draft 4's,
# which has no `uuid` format check, so `format: uuid` (flowId) is an annotation for generators only.
# A matched segment is never empty, so `minLength: 1` (the ledger's name) always holds.
_PLAIN_PATH_STRINGS = ({"type": "string"}, {"type": "string", "format": "uuid"}, {"type": "string", "minLength": 1})


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
    path_reads: dict[str, Callable[[str], Any] | None] = {}
    for name, parameter in path_params.items():
        schema = resolve_ref(spec, parameter.get("schema", {}))
        if schema in _PLAIN_PATH_STRINGS:
            path_reads[name] = None
        elif schema.get("type") == "integer" and (read := _conversion(schema)) is not None and "default" not in schema:
            path_reads[name] = read  # Connexion's int() of the same plain decimal
        else:
            return None  # a typed or constrained path parameter is Connexion's to convert and check
    query = {}
    defaults = {}
    checked_headers = set()
    for parameter in parameters:
        if parameter.get("in") == "path":
            continue
        if parameter.get("in") == "header" and resolve_ref(spec, parameter.get("schema", {})) != {"type": "string"}:
            checked_headers.add(parameter["name"].lower().encode("latin-1"))
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
    conversions: list[Callable[[str], Any] | None] = []
    for segment in template[1:].split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            segments.append(None)
            arguments.append(pythonic(segment[1:-1]))
            conversions.append(path_reads.get(segment[1:-1]))
        else:
            segments.append(segment)
    body = absent_body = None
    request_body = operation.get("requestBody")
    if request_body is not None:
        request_body = resolve_ref(spec, request_body)
        content = request_body.get("content", {})
        if list(content) != [_JSON]:
            return None
        schema = _inline(spec, content[_JSON].get("schema", {}))
        body = LazyValidator(schema)  # compiled on its operation's first request
        if not request_body.get("required"):
            absent_body = _absent_body(schema)
    return FastOperation(
        handlers[operation["operationId"]],
        tuple(segments),
        tuple(arguments),
        body,
        query,
        defaults,
        operation["operationId"],
        tuple(conversions) if any(read is not None for read in conversions) else (),
        frozenset(checked_headers),
        absent_body,
    )


def _absent_body(schema: dict[str, Any]) -> Callable[[], Any]:
    """What Connexion hands the handler for an optional body not sent (``_get_body_argument_json``):
    None for a nullable schema, else a copy of the schema's default (``{}`` without one)."""
    if schema.get("nullable"):
        return lambda: None
    default = schema.get("default", {})
    return lambda: copy.deepcopy(default)


def _conversion(schema: dict[str, Any]) -> Callable[[str], Any] | None:
    """How a query value of this schema is read, when the fast path reads it as Connexion would."""
    if set(schema) <= {"type", "default"} and schema.get("type") in _QUERY_VALUES:
        return _QUERY_VALUES[schema["type"]]
    if set(schema) <= {"type", "pattern", "default"} and schema.get("type") == "string" and "pattern" in schema:
        pattern = re.compile(schema["pattern"])

        def text(value: str) -> str:
            if pattern.search(value) is None:  # as the checker's `pattern` keyword reads it
                raise ValueError(value)
            return value

        return text
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
