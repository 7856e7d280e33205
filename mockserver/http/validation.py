"""Request-body validation compiled once per operation, for Connexion's validator map.

Connexion's stock JSON validator builds a ``jsonschema`` validator on every request and
parses with the standard library; under load that was a fifth of the mock's CPU on
writes. This one parses with orjson and validates with ``jsonschema_rs`` (Rust, compiled
when the operation is registered). OpenAPI 3.0 schemas are not quite JSON Schema, so
``nullable``, ``discriminator`` and the annotation-only keywords are translated first.
"""

from __future__ import annotations

import typing as t

import jsonschema_rs
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import VALIDATOR_MAP as CONNEXION_VALIDATORS
from connexion.validators import JSONRequestBodyValidator
from starlette.types import Scope

# A request body schema carrying this key is handed to the handler unparsed and unjudged: its
# service decodes bodies itself, with its own messages (webhooks: ``stack._raw_bodies``).
RAW_BODY = "x-mock-raw-body"
# Keywords OpenAPI adds to a schema that mean nothing to a JSON Schema validator.
_ANNOTATIONS = frozenset({"nullable", "discriminator", "example", "examples", "xml", "externalDocs", "deprecated"})


def to_json_schema(schema: t.Any, _path: frozenset[int] = frozenset()) -> t.Any:
    """Translate an OpenAPI 3.0 schema object (refs already resolved) into draft-4 JSON Schema.

    A recursive schema (a chart of accounts nests segments in segments) resolves into a cyclic
    structure: where a schema contains itself, the inner occurrence accepts anything.
    """
    if isinstance(schema, list):
        return [to_json_schema(item, _path) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if id(schema) in _path:
        return {}
    path = _path | {id(schema)}
    out = {key: to_json_schema(value, path) for key, value in schema.items() if key not in _ANNOTATIONS}
    for key in ("properties", "patternProperties", "definitions"):
        if isinstance(schema.get(key), dict):
            out[key] = {name: to_json_schema(sub, path) for name, sub in schema[key].items()}
    if "oneOf" in out and "discriminator" in schema:
        # A discriminator picks one branch by a property; JSON Schema has no such notion and its
        # oneOf fails a document that more than one overlapping branch accepts (a ledger bulk's
        # ADD_METADATA element also fits CREATE_TRANSACTION's loose schema). Any branch will do.
        out["anyOf"] = out.pop("oneOf")
    if schema.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def compile_schema(schema: dict) -> t.Any:
    """A reusable validator for an OpenAPI schema object whose refs are resolved."""
    return jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True)


class LazyValidator:
    """``compile_schema(schema)``, compiled on its first use.

    The gateway's fast path keeps a validator per operation with a body (http/fastpath.py):
    compiling all of them took about 15 ms of every start, and most are never used in a run.
    The first request of an operation pays its compilation (well under a millisecond).
    """

    __slots__ = ("_compiled", "_schema")

    def __init__(self, schema: dict) -> None:
        self._schema: dict | None = schema
        self._compiled: t.Any = None

    @property
    def compiled(self) -> t.Any:
        if self._compiled is None:
            self._compiled = compile_schema(t.cast(dict, self._schema))
            self._schema = None
        return self._compiled

    def is_valid(self, instance: t.Any) -> bool:
        return bool(self.compiled.is_valid(instance))


_CACHE: dict[int, tuple[dict, t.Any]] = {}


def _compiled(schema: dict) -> t.Any:
    """Connexion builds a body validator per request, always from the operation's same schema
    object: compile it on first sight only (the schema is kept, so its id cannot be reused)."""
    cached = _CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    compiled = compile_schema(schema)
    _CACHE[id(schema)] = (schema, compiled)
    return compiled


class CompiledJSONBodyValidator(JSONRequestBodyValidator):
    def __init__(
        self,
        *,
        schema: dict,
        required: bool = False,
        nullable: bool = False,
        encoding: str,
        strict_validation: bool,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(
            schema=schema,
            required=required,
            nullable=nullable,
            encoding=encoding,
            strict_validation=strict_validation,
            **kwargs,
        )
        self._compiled = _compiled(schema)
        self._raw = bool(schema.get(RAW_BODY))

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if self._raw or not raw.strip():
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise BadRequestProblem(detail=f"request body is not valid JSON: {exc}") from exc

    def _validate(self, body: t.Any) -> dict | None:
        if self._raw:
            return None
        if not self._nullable and body is None:
            raise BadRequestProblem("Request body must not be empty")
        error = next(iter(self._compiled.iter_errors(body)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.instance_path)
            raise BadRequestProblem(detail=f"{error.message}" + (f" - '{where}'" if where else ""))
        return None


VALIDATOR_MAP = {
    **CONNEXION_VALIDATORS,
    "body": MediaTypeDict({**CONNEXION_VALIDATORS["body"], "*/*json": CompiledJSONBodyValidator}),
}
